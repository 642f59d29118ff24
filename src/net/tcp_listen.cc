#include "net/tcp_listen.h"

#include <boost/asio.hpp>
#include <memory>

namespace v2v::net {

Result<std::unique_ptr<boost::asio::ip::tcp::acceptor>> ListenTcp(boost::asio::io_context& io,
                                                                  const std::string& host,
                                                                  uint16_t port) {
  using boost::asio::ip::tcp;
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("listen address " + host + ": " + ec.message());
  auto acc = std::make_unique<tcp::acceptor>(io);
  const tcp::endpoint ep(addr, port);
  acc->open(ep.protocol(), ec);
  if (!ec) acc->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acc->bind(ep, ec);
  if (!ec) acc->listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::IoError("listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  return acc;
}

void RetryAcceptLater(boost::asio::io_context& io, std::function<void()> retry) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io, kAcceptRetryDelay);
  timer->async_wait(
      [timer, retry = std::move(retry)](const boost::system::error_code&) { retry(); });
}

}  // namespace v2v::net
