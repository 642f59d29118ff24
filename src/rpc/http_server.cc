#include "rpc/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/tcp_listen.h"

namespace v2v::rpc {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io_in, const Dispatcher& d, std::function<std::string()> m)
      : io(io_in), dispatcher(d), metrics(std::move(m)) {}
  asio::io_context& io;
  const Dispatcher& dispatcher;
  std::function<std::string()> metrics;
  std::function<std::optional<HttpServer::Response>(const HttpServer::Request&)> get_handler;
  std::function<void(tcp::socket, HttpServer::Request)> upgrade_handler;
  std::unique_ptr<tcp::acceptor> acceptor;
  void Accept();
  http::response<http::string_body> Respond(const http::request<http::string_body>& req) const;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<HttpServer::Impl> owner, tcp::socket socket)
      : owner_(std::move(owner)), stream_(std::move(socket)) {}
  void Read() {
    parser_.emplace();
    parser_->body_limit(kMaxBodyBytes);
    auto self = shared_from_this();
    http::async_read(stream_, buffer_, *parser_, [self](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      auto res = std::make_shared<http::response<http::string_body>>(http::status::payload_too_large, 11);
      res->set(http::field::content_type, "text/plain");
      res->body() = "request body too large\n";
      res->keep_alive(false);
      return Write(res);
    }
    if (ec) return Shutdown();
    if (owner_->upgrade_handler && boost::beast::websocket::is_upgrade(parser_->get())) {
      return owner_->upgrade_handler(stream_.release_socket(), parser_->release());
    }
    auto res = std::make_shared<http::response<http::string_body>>(owner_->Respond(parser_->get()));
    Write(res);
  }
  void Write(std::shared_ptr<http::response<http::string_body>> res) {
    res->prepare_payload();
    auto self = shared_from_this();
    http::async_write(stream_, *res, [self, res](beast::error_code ec, size_t) {
      if (ec || !res->keep_alive()) return self->Shutdown();
      self->Read();
    });
  }
  void Shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  std::shared_ptr<HttpServer::Impl> owner_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

http::response<http::string_body> HttpServer::Impl::Respond(const http::request<http::string_body>& req) const {
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.keep_alive(req.keep_alive());
  const std::string target(req.target());
  if (req.method() == http::verb::get && get_handler) {
    if (auto page = get_handler(req)) {
      page->version(req.version());
      page->keep_alive(req.keep_alive());
      return std::move(*page);
    }
  }
  if (target == "/" || target == "/rpc") {
    if (req.method() != http::verb::post) {
      res.result(http::status::method_not_allowed);
      res.set(http::field::allow, "POST");
      return res;
    }
    std::string out = dispatcher.Handle(req.body());
    if (out.empty()) {
      res.result(http::status::no_content);
      return res;
    }
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(out);
    return res;
  }
  if (req.method() != http::verb::get) {
    res.result(http::status::method_not_allowed);
    res.set(http::field::allow, "GET");
    return res;
  }
  if (target == "/metrics") {
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.body() = metrics ? metrics() : std::string();
  } else if (target == "/health") {
    res.set(http::field::content_type, "text/plain");
    res.body() = "ok\n";
  } else {
    res.result(http::status::not_found);
  }
  return res;
}

void HttpServer::Impl::Accept() {
  if (!acceptor) return;
  acceptor->async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec != asio::error::operation_aborted && self->acceptor) self->Accept();
      return;
    }
    std::make_shared<Session>(self, std::move(socket))->Read();
    self->Accept();
  });
}

HttpServer::HttpServer(asio::io_context& io, const Dispatcher& dispatcher, std::function<std::string()> metrics)
    : impl_(std::make_shared<Impl>(io, dispatcher, std::move(metrics))) {}
HttpServer::~HttpServer() { Close(); }

void HttpServer::SetGetHandler(std::function<std::optional<Response>(const Request&)> handler) {
  impl_->get_handler = std::move(handler);
}
void HttpServer::SetUpgradeHandler(std::function<void(tcp::socket, Request)> handler) {
  impl_->upgrade_handler = std::move(handler);
}

Result<uint16_t> HttpServer::Listen(const std::string& host, uint16_t port) {
  V2V_ASSIGN_OR_RETURN(auto acc, net::ListenTcp(impl_->io, host, port));
  const uint16_t bound = acc->local_endpoint().port();
  impl_->acceptor = std::move(acc);
  impl_->Accept();
  return bound;
}

void HttpServer::Close() {
  if (impl_ && impl_->acceptor) {
    beast::error_code ignored;
    impl_->acceptor->close(ignored);
    impl_->acceptor.reset();
  }
}

}  // namespace v2v::rpc
