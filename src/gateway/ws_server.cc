#include "gateway/ws_server.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "gateway/send_queue.h"
#include "net/tcp_listen.h"

namespace v2v::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {
constexpr size_t kMaxUpgradeBytes = 8 * 1024;
}  // namespace

class WsConnection;

struct WsServer::Impl : std::enable_shared_from_this<WsServer::Impl> {
  Impl(asio::io_context& io_in, WsLimits l)
      : io(io_in),
        ctx(ssl::context::tls_server),
        limits(l),
        per_address(l.max_connections_per_address) {}
  void Accept();
  void OnAccept(const error_code& ec, tcp::socket socket);
  void Remove(SessionId id);
  // Counts a refusal in `stats` and records it (surface "vehicle") when refusals are set.
  void Refused(uint64_t WsStats::*counter, const std::string& reason, const std::string& detail) {
    ++(stats.*counter);
    if (refusals) refusals->Record("vehicle", reason, detail);
  }

  asio::io_context& io;
  ssl::context ctx;
  WsLimits limits;
  net::AddressQuota per_address;
  net::Refusals* refusals = nullptr;
  VehicleApi* api = nullptr;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::map<SessionId, std::shared_ptr<WsConnection>> conns;
  SessionId next_id = 1;
  WsStats stats;
  bool closed = false;
};

// One vehicle's connection: first byte, TLS handshake, HTTP upgrade, then frames until closed.
class WsConnection : public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(std::shared_ptr<WsServer::Impl> server, tcp::socket socket, SessionId id,
               std::string peer, net::AddressQuota::Slot slot)
      : server_(std::move(server)),
        ws_(std::move(socket), server_->ctx),
        id_(id),
        peer_(std::move(peer)),
        slot_(std::move(slot)),
        out_(server_->limits.max_queued_bytes),
        deadline_(server_->io),
        quiet_(server_->io) {
    // Answers and pushes go out as soon as written (no Nagle wait for the previous one's ACK).
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
  }

  // Waits for the first byte (the ClientHello) for tls_start_timeout only; the handshake timeout
  // runs from accept.
  void Start() {
    handshake_deadline_ = std::chrono::steady_clock::now() + server_->limits.handshake_timeout;
    Arm(deadline_, server_->limits.tls_start_timeout, &WsStats::tls_start_timeouts,
        "tls_start_timeout");
    beast::get_lowest_layer(ws_).socket().async_wait(
        tcp::socket::wait_read,
        [self = shared_from_this()](const error_code& ec) { self->OnFirstByte(ec); });
  }

  // A slow reader is disconnected, never buffered without bound; later, not inside Send (the
  // API may be walking its subscriptions, SessionOut).
  void Send(OutFrame frame) {
    if (closing_ || slow_) return;
    if (!out_.Push(std::move(frame))) {
      ++server_->stats.slow_readers;
      slow_ = true;
      asio::post(server_->io, [self = shared_from_this()] { self->Fail(); });
      return;
    }
    if (!writing_ && open_) Write();
  }

  void Fail() {
    if (closing_) return;
    closing_ = true;
    deadline_.cancel();
    quiet_.cancel();
    beast::get_lowest_layer(ws_).close();
    Done();
  }

 private:
  // `timer` closes the connection after `after` unless re-armed or cancelled first.
  void Arm(asio::steady_timer& timer, std::chrono::milliseconds after, uint64_t WsStats::*counter,
           const char* reason) {
    timer.expires_after(after);
    timer.async_wait(
        [self = shared_from_this(), &timer, after, counter, reason](const error_code& ec) {
          if (self->Expired(ec, timer)) self->TimedOut(after, counter, reason);
        });
  }

  // A wait on `timer` ended at its expiry (not cancelled, re-armed or overtaken by a close).
  bool Expired(const error_code& ec, const asio::steady_timer& timer) const {
    return !ec && !closing_ && timer.expiry() <= std::chrono::steady_clock::now();
  }

  void TimedOut(std::chrono::milliseconds after, uint64_t WsStats::*counter, const char* reason) {
    server_->Refused(counter, reason, peer_ + ": after " + std::to_string(after.count()) + " ms");
    Fail();
  }

  void OnFirstByte(const error_code& ec) {
    if (ec || closing_) return Fail();
    deadline_.cancel();
    beast::get_lowest_layer(ws_).expires_at(handshake_deadline_);
    ws_.next_layer().async_handshake(
        ssl::stream_base::server,
        [self = shared_from_this()](const error_code& e) { self->OnTls(e); });
  }

  void OnTls(const error_code& ec) {
    if (ec) return Fail();
    parser_.emplace();
    parser_->header_limit(kMaxUpgradeBytes);
    parser_->body_limit(kMaxUpgradeBytes);
    http::async_read(
        ws_.next_layer(), buffer_, *parser_,
        [self = shared_from_this()](const error_code& e, size_t) { self->OnUpgrade(e); });
  }

  void OnUpgrade(const error_code& ec) {
    if (ec) return Fail();
    const auto& req = parser_->get();
    if (!websocket::is_upgrade(req) || req.target() != "/vehicle") {
      ++server_->stats.bad_upgrades;
      const bool wrong_path = req.target() != "/vehicle";
      return Refuse(
          wrong_path ? http::status::not_found : http::status::bad_request,
          wrong_path ? "the vehicle API is at /vehicle\n" : "expected a WebSocket upgrade\n");
    }
    if (buffer_.size() > 0) {  // RFC 6455 4.1: the client waits for our answer before sending
      server_->Refused(
          &WsStats::early_data, "early_data",
          peer_ + ": " + std::to_string(buffer_.size()) + " bytes after the upgrade request");
      return Refuse(http::status::bad_request,
                    "no data may follow the upgrade request before the server's answer\n");
    }
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t;
    t.handshake_timeout = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       handshake_deadline_ - std::chrono::steady_clock::now()),
                                   std::chrono::milliseconds(1));
    t.idle_timeout = server_->limits.idle_timeout;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.read_message_max(server_->limits.max_message_bytes);
    ws_.text(true);
    ws_.async_accept(req, [self = shared_from_this()](const error_code& e) { self->OnAccept(e); });
  }

  void Refuse(http::status status, const char* body) {
    auto res = std::make_shared<http::response<http::string_body>>(status, 11);
    res->set(http::field::content_type, "text/plain");
    res->set(http::field::connection, "close");
    res->body() = body;
    res->prepare_payload();
    http::async_write(
        ws_.next_layer(), *res,
        [self = shared_from_this(), res](const error_code&, size_t) { self->Fail(); });
  }

  void OnAccept(const error_code& ec) {
    if (ec) return Fail();
    open_ = true;
    server_->api->Open(id_);
    if (!out_.empty()) Write();
    ArmQuiet();
    Read();
  }

  // The message-idle rule, its one place: no whole message for message_idle_timeout closes the
  // connection unless its session holds a subscription (VehicleApi::Subscribed): a subscriber
  // waits for pushes without sending and is bounded by the send queue and the pinged idle timeout
  // instead; its clock starts again. Only a message or the close changes a session's
  // subscriptions, so what holds at the expiry held since the last message.
  void ArmQuiet() {
    const std::chrono::milliseconds after = server_->limits.message_idle_timeout;
    quiet_.expires_after(after);
    quiet_.async_wait([self = shared_from_this(), after](const error_code& ec) {
      if (!self->Expired(ec, self->quiet_)) return;
      if (self->server_->api->Subscribed(self->id_)) return self->ArmQuiet();
      self->TimedOut(after, &WsStats::message_idle_timeouts, "message_idle_timeout");
    });
  }

  // Reads as the bytes come, so that a message's start is seen: from its first byte it has
  // message_timeout to complete.
  void Read() {
    ws_.async_read_some(buffer_, 0, [self = shared_from_this()](const error_code& ec, size_t) {
      self->OnRead(ec);
    });
  }

  void OnRead(const error_code& ec) {
    if (ec) return Fail();  // timeouts, close frames, too-big messages (Beast sent 1009)
    if (!ws_.got_text()) {  // binary frames are not part of the API: close 1003
      ws_.async_close(websocket::close_code::unknown_data,
                      [self = shared_from_this()](const error_code&) { self->Fail(); });
      return;
    }
    if (!ws_.is_message_done()) {
      if (!in_message_) {
        in_message_ = true;
        Arm(deadline_, server_->limits.message_timeout, &WsStats::message_timeouts,
            "message_timeout");
      }
      return Read();
    }
    in_message_ = false;
    deadline_.cancel();
    ArmQuiet();
    const std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    std::string reply = server_->api->Handle(id_, text);
    if (!reply.empty()) Send(OutFrame{nullptr, std::move(reply)});
    if (!closing_ && !slow_) Read();
  }

  void Write() {
    writing_ = true;
    const OutFrame& f = out_.front();
    const std::array<asio::const_buffer, 2> parts{
        f.shared ? asio::buffer(*f.shared) : asio::const_buffer(), asio::buffer(f.own)};
    ws_.async_write(parts, [self = shared_from_this()](const error_code& ec, size_t) {
      self->writing_ = false;
      if (ec) return self->Fail();
      self->out_.Pop();
      if (!self->out_.empty()) self->Write();
    });
  }

  void Done() {
    if (open_) server_->api->Close(id_);
    open_ = false;
    server_->Remove(id_);
  }

  std::shared_ptr<WsServer::Impl> server_;
  websocket::stream<ssl::stream<beast::tcp_stream>> ws_;
  SessionId id_;
  std::string peer_;
  net::AddressQuota::Slot slot_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  SendQueue out_;
  asio::steady_timer deadline_;  // the first byte, then a begun message's completion
  asio::steady_timer quiet_;     // a whole message from the vehicle (ArmQuiet)
  std::chrono::steady_clock::time_point handshake_deadline_;
  bool writing_ = false, open_ = false, closing_ = false, slow_ = false, in_message_ = false;
};

void WsServer::Impl::Accept() {
  if (!acceptor || closed) return;
  acceptor->async_accept([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
    self->OnAccept(ec, std::move(socket));
  });
}

void WsServer::Impl::OnAccept(const error_code& ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || closed) return;
  if (ec) {  // e.g. out of file descriptors: wait instead of spinning
    Refused(&WsStats::accept_failures, "accept_failed", ec.message());
    net::RetryAcceptLater(io, [self = shared_from_this()] { self->Accept(); });
    return;
  }
  error_code ignored;
  const auto endpoint = socket.remote_endpoint(ignored);
  const std::string host = ignored ? std::string("unknown") : endpoint.address().to_string();
  net::AddressQuota::Slot slot;
  if (conns.size() >= limits.max_connections) {
    Refused(&WsStats::refused_cap, "connection_cap",
            host + ": " + std::to_string(limits.max_connections) + " connections open");
    socket.close(ignored);
  } else if (slot = per_address.TryAcquire(host); !slot.held()) {
    Refused(&WsStats::refused_address, "address_quota",
            host + ": " + std::to_string(per_address.per_address()) + " connections open");
    socket.close(ignored);
  } else {
    ++stats.accepted;
    const SessionId id = next_id++;
    auto c = std::make_shared<WsConnection>(shared_from_this(), std::move(socket), id, host,
                                            std::move(slot));
    conns[id] = c;
    stats.connections = conns.size();
    c->Start();
  }
  Accept();
}

void WsServer::Impl::Remove(SessionId id) {
  conns.erase(id);
  stats.connections = conns.size();
}

Result<std::unique_ptr<WsServer>> WsServer::Create(asio::io_context& io,
                                                   const std::string& cert_pem,
                                                   const std::string& key_pem, WsLimits limits) {
  auto impl = std::make_shared<Impl>(io, limits);
  SSL_CTX* native = impl->ctx.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION) != 1)
    return Status::Internal("cannot require TLS 1.3");
  error_code ec;
  impl->ctx.use_certificate_chain_file(cert_pem, ec);
  if (ec) return Status::InvalidArgument(cert_pem + ": cannot load certificate: " + ec.message());
  impl->ctx.use_private_key_file(key_pem, ssl::context::pem, ec);
  if (ec) return Status::InvalidArgument(key_pem + ": cannot load private key: " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1)
    return Status::InvalidArgument(key_pem + ": does not match " + cert_pem);
  return std::unique_ptr<WsServer>(new WsServer(std::move(impl)));
}

WsServer::WsServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
WsServer::~WsServer() { Close(); }
void WsServer::SetApi(VehicleApi* api) { impl_->api = api; }
void WsServer::SetRefusals(net::Refusals* refusals) { impl_->refusals = refusals; }
const WsStats& WsServer::stats() const { return impl_->stats; }

Result<uint16_t> WsServer::Listen(const std::string& host, uint16_t port) {
  V2V_ASSIGN_OR_RETURN(auto acc, net::ListenTcp(impl_->io, host, port));
  const uint16_t bound = acc->local_endpoint().port();
  impl_->acceptor = std::move(acc);
  impl_->Accept();
  return bound;
}

void WsServer::Close() {
  if (impl_->closed) return;
  impl_->closed = true;
  if (impl_->acceptor) {
    error_code ignored;
    impl_->acceptor->close(ignored);
  }
  auto conns = impl_->conns;
  for (auto& [id, c] : conns) c->Fail();
}

void WsServer::Send(SessionId session, OutFrame frame) {
  auto it = impl_->conns.find(session);
  if (it != impl_->conns.end()) it->second->Send(std::move(frame));
}

}  // namespace v2v::gateway
