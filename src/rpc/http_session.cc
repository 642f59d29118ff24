// The HTTP server's connections (http_server.h): accepting them, reading a request within the
// idle and read timeouts, writing the response within the write timeout, keep-alive.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <optional>
#include <type_traits>

#include "net/tcp_listen.h"
#include "rpc/http_server_impl.h"

namespace v2v::rpc {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using local = boost::asio::local::stream_protocol;
using boost::system::error_code;

namespace {

std::string PeerName(const tcp::socket& s) {
  error_code ec;
  const auto ep = s.remote_endpoint(ec);
  return ec ? std::string("tcp") : ep.address().to_string() + ":" + std::to_string(ep.port());
}
std::string PeerName(const local::socket&) { return "unix"; }
// The address a per-address quota counts (the remote IP); "" for the Unix socket (no quota).
std::string QuotaAddress(const tcp::socket& s) {
  error_code ec;
  const auto ep = s.remote_endpoint(ec);
  return ec ? std::string("unknown") : ep.address().to_string();
}
std::string QuotaAddress(const local::socket&) { return ""; }

// One connection: read a request, answer it, repeat while kept alive. Handlers keep it alive;
// its slots are given back when the last one is done. While it waits for the first byte of a
// request it is on the server's idle list, from which a newcomer at the cap may evict it.
template <class Protocol>
class Session : public std::enable_shared_from_this<Session<Protocol>> {
 public:
  using Stream = beast::basic_stream<Protocol>;
  Session(std::shared_ptr<HttpServer::Impl> owner, typename Protocol::socket socket,
          HttpServer::Impl::Admission admission)
      : owner_(std::move(owner)),
        peer_(PeerName(socket)),
        stream_(std::move(socket)),
        slot_(std::move(admission.slot)),
        address_slot_(std::move(admission.address)) {}

  void ReadRequest() {
    const HttpLimits& limits = owner_->options.limits;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(limits.max_header_bytes));
    parser_->body_limit(limits.max_body_bytes);
    if (buffer_.size() > 0) return ReadRest();  // the next request is already here
    // Idle until the first byte; from then on the read timeout runs.
    stream_.expires_after(limits.idle_timeout);
    auto self = this->shared_from_this();
    const uint64_t idle = owner_->AddIdle([weak = this->weak_from_this()] {
      auto s = weak.lock();
      return s ? s->Evict() : net::ConnectionBudget::Slot();
    });
    stream_.async_read_some(buffer_.prepare(4096), [self, idle](error_code ec, size_t n) {
      self->owner_->RemoveIdle(idle);
      if (ec == beast::error::timeout) return self->owner_->Refuse("idle_timeout", self->peer_);
      if (ec) return self->OnReadError(ec);
      self->buffer_.commit(n);
      self->ReadRest();
    });
  }

 private:
  // Closes this idle connection for a newcomer at the cap and hands its slot over (the pending
  // read then ends with operation_aborted).
  net::ConnectionBudget::Slot Evict() {
    owner_->Refuse("idle_evicted", peer_ + ": idle at the connection cap, closed for a newcomer");
    address_slot_ = net::AddressQuota::Slot();
    stream_.close();
    return std::move(slot_);
  }

  void ReadRest() {
    stream_.expires_after(owner_->options.limits.read_timeout);
    auto self = this->shared_from_this();
    http::async_read(stream_, buffer_, *parser_, [self](error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->OnRequest();
    });
  }

  void OnReadError(error_code ec) {
    if (ec == beast::error::timeout) {
      return owner_->Refuse(
          "read_timeout", peer_ + ": request incomplete after " +
                              std::to_string(owner_->options.limits.read_timeout.count()) + " ms");
    }
    if (ec == http::error::body_limit)
      return SendError(http::status::payload_too_large, "body_size", "request body too large");
    if (ec == http::error::header_limit) {
      return SendError(http::status::request_header_fields_too_large, "header_size",
                       "request header too large");
    }
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == http::error::partial_message) {
      return Shutdown();
    }
    if (ec.category() ==
        http::make_error_code(http::error::bad_target).category()) {  // a Beast HTTP parse error
      return SendError(http::status::bad_request, "malformed_http",
                       "malformed HTTP request: " + ec.message());
    }
    Shutdown();
  }

  void OnRequest() {
    if constexpr (std::is_same_v<Protocol, tcp>) {
      if (owner_->upgrade_handler && beast::websocket::is_upgrade(parser_->get())) {
        if (std::optional<HttpResponse> refusal = owner_->CheckUpgrade(parser_->get())) {
          refusal->keep_alive(false);
          return Write(std::make_shared<HttpResponse>(std::move(*refusal)));
        }
        stream_.expires_never();
        return owner_->upgrade_handler(stream_.release_socket(), parser_->release());
      }
    }
    Write(std::make_shared<HttpResponse>(owner_->Respond(parser_->get())));
  }

  void SendError(http::status status, const std::string& reason, const std::string& message) {
    owner_->Refuse(reason, peer_ + ": " + message);
    auto res = std::make_shared<HttpResponse>(PlainText(status, 11, message + "\n"));
    res->keep_alive(false);
    Write(res);
  }

  void Write(std::shared_ptr<HttpResponse> res) {
    res->prepare_payload();
    stream_.expires_after(owner_->options.limits.write_timeout);
    auto self = this->shared_from_this();
    http::async_write(stream_, *res, [self, res](error_code ec, size_t) {
      if (ec == beast::error::timeout) {
        return self->owner_->Refuse("write_timeout", self->peer_ + ": response of " +
                                                         std::to_string(res->body().size()) +
                                                         " bytes not taken in time");
      }
      if (ec || !res->keep_alive()) return self->Shutdown();
      self->ReadRequest();
    });
  }

  void Shutdown() {
    error_code ignored;
    stream_.socket().shutdown(Protocol::socket::shutdown_send, ignored);
  }

  std::shared_ptr<HttpServer::Impl> owner_;
  std::string peer_;
  Stream stream_;
  net::ConnectionBudget::Slot slot_;
  net::AddressQuota::Slot address_slot_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

template <class Acceptor>
void AcceptLoop(std::shared_ptr<HttpServer::Impl> owner, std::shared_ptr<Acceptor> acc) {
  using Protocol = typename Acceptor::protocol_type;
  acc->async_accept([owner, acc](error_code ec, typename Protocol::socket socket) {
    if (ec == asio::error::operation_aborted || !acc->is_open()) return;
    if (ec) {  // e.g. out of file descriptors: wait a little instead of spinning
      owner->Refuse("accept_failed", ec.message());
      net::RetryAcceptLater(owner->io, [owner, acc] { AcceptLoop(owner, acc); });
      return;
    }
    if (auto admitted = owner->Admit(QuotaAddress(socket), PeerName(socket))) {
      std::make_shared<Session<Protocol>>(owner, std::move(socket), std::move(*admitted))
          ->ReadRequest();
    } else {
      error_code ignored;
      socket.close(ignored);
    }
    AcceptLoop(owner, acc);
  });
}

}  // namespace

std::optional<HttpServer::Impl::Admission> HttpServer::Impl::Admit(const std::string& address,
                                                                   const std::string& peer) {
  Admission a;
  if (!address.empty()) {
    a.address = per_address.TryAcquire(address);
    if (!a.address.held()) {
      Refuse("address_quota", peer + ": " + std::to_string(per_address.per_address()) +
                                  " connections open from this address");
      return std::nullopt;
    }
  }
  a.slot = budget.TryAcquire();
  while (!a.slot.held() && !idle.empty()) {  // at the cap: the longest idle makes room
    std::function<net::ConnectionBudget::Slot()> evict = std::move(idle.begin()->second);
    idle.erase(idle.begin());
    a.slot = evict();
  }
  if (!a.slot.held()) {
    Refuse("connection_cap", peer + ": " + std::to_string(budget.max()) + " connections open");
    return std::nullopt;
  }
  return a;
}

void StartAccepting(std::shared_ptr<HttpServer::Impl> owner, std::shared_ptr<tcp::acceptor> acc) {
  AcceptLoop(std::move(owner), std::move(acc));
}
void StartAccepting(std::shared_ptr<HttpServer::Impl> owner, std::shared_ptr<local::acceptor> acc) {
  AcceptLoop(std::move(owner), std::move(acc));
}

}  // namespace v2v::rpc
