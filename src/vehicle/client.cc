#include "vehicle/client.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <optional>

#include "crypto/certificate.h"

namespace v2v::vehicle {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

Result<RsuUrl> ParseRsuUrl(const std::string& url) {
  const std::string scheme = "wss://";
  if (url.rfind(scheme, 0) != 0)
    return Status::InvalidArgument("RSU URL must start with wss://: " + url);
  const std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string hostport = rest.substr(0, slash);
  RsuUrl u;
  u.path = slash == std::string::npos ? "/vehicle" : rest.substr(slash);
  const auto colon = hostport.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == hostport.size()) {
    return Status::InvalidArgument("RSU URL needs host:port: " + url);
  }
  u.host = hostport.substr(0, colon);
  u.port = hostport.substr(colon + 1);
  if (u.port.find_first_not_of("0123456789") != std::string::npos)
    return Status::InvalidArgument("bad port in " + url);
  return u;
}

Result<std::shared_ptr<ssl::context>> MakeClientTls(const std::string& ca_pem_path) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  if (SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_3_VERSION) != 1) {
    return Status::Internal("cannot require TLS 1.3");
  }
  error_code ec;
  ctx->load_verify_file(ca_pem_path, ec);
  if (ec)
    return Status::InvalidArgument(ca_pem_path +
                                   ": cannot load the CA certificate: " + ec.message());
  ctx->set_verify_mode(ssl::verify_peer, ec);
  return ctx;
}

namespace {

// One connection attempt over WebSocket and TLS, and its life; a new one per reconnect.
struct WssLink final : Link, std::enable_shared_from_this<WssLink> {
  WssLink(asio::io_context& io, std::shared_ptr<ssl::context> ctx, std::weak_ptr<LinkEvents> c)
      : tls(std::move(ctx)), resolver(io), ws(io, *tls), client(std::move(c)) {}

  std::shared_ptr<ssl::context> tls;
  tcp::resolver resolver;
  websocket::stream<ssl::stream<beast::tcp_stream>> ws;
  std::weak_ptr<LinkEvents> client;
  beast::flat_buffer buffer;
  std::deque<std::string> out;
  bool writing = false, opened = false, dead = false;

  bool open() const override { return opened && !dead; }
  void Detach() override { client.reset(); }
  void Close() override {
    Detach();
    Fail("stopped");
  }

  void Fail(const std::string& why) {
    if (dead) return;
    dead = true;
    beast::get_lowest_layer(ws).close();
    if (auto c = client.lock()) c->OnClosed(why);
  }

  void Run(const RsuUrl& url) {
    auto self = shared_from_this();
    resolver.async_resolve(
        url.host, url.port, [self, url](const error_code& ec, tcp::resolver::results_type r) {
          if (ec) return self->Fail("resolve: " + ec.message());
          beast::get_lowest_layer(self->ws).expires_after(std::chrono::seconds(10));
          beast::get_lowest_layer(self->ws).async_connect(r, [self, url](const error_code& e,
                                                                         const tcp::endpoint&) {
            if (e) return self->Fail("connect: " + e.message());
            error_code ignored;  // requests go out as soon as written (no Nagle wait)
            beast::get_lowest_layer(self->ws).socket().set_option(tcp::no_delay(true), ignored);
            self->ws.next_layer().async_handshake(
                ssl::stream_base::client, [self, url](const error_code& e2) {
                  if (e2) return self->Fail("TLS: " + e2.message());
                  if (auto why = self->CheckRsu()) return self->Fail(*why);
                  beast::get_lowest_layer(self->ws).expires_never();
                  websocket::stream_base::timeout t;
                  t.handshake_timeout = std::chrono::seconds(10);
                  t.idle_timeout = std::chrono::seconds(90);
                  t.keep_alive_pings = false;  // the server pings; a silent server is detected here
                  self->ws.set_option(t);
                  self->ws.read_message_max(4 * 1024 * 1024);
                  self->ws.text(true);
                  self->ws.async_handshake(url.host + ":" + url.port, url.path,
                                           [self](const error_code& e3) {
                                             if (e3)
                                               return self->Fail("WebSocket: " + e3.message());
                                             self->opened = true;
                                             if (auto c = self->client.lock()) c->OnOpen();
                                             self->Read();
                                             if (!self->out.empty() && !self->writing)
                                               self->Write();  // OnOpen may have started one
                                           });
                });
          });
        });
  }

  // The server's certificate chained to the CA (OpenSSL checked); it must be an RSU's.
  std::optional<std::string> CheckRsu() {
    X509* peer = SSL_get1_peer_certificate(ws.next_layer().native_handle());
    if (peer == nullptr) return "TLS: no server certificate";
    unsigned char* der = nullptr;
    const int n = i2d_X509(peer, &der);
    X509_free(peer);
    if (n <= 0) return "TLS: unreadable server certificate";
    Bytes bytes(der, der + n);
    OPENSSL_free(der);
    auto info = crypto::ParseCertificateDer(bytes);
    if (!info.ok()) return "TLS: " + info.status().message();
    if (info->role != crypto::Role::kRsu) return "TLS: the server certificate is not an RSU's";
    return std::nullopt;
  }

  void Read() {
    auto self = shared_from_this();
    ws.async_read(buffer, [self](const error_code& ec, size_t) {
      if (ec)
        return self->Fail(ec == websocket::error::closed ? "closed by the RSU" : ec.message());
      std::string text = beast::buffers_to_string(self->buffer.data());
      self->buffer.consume(self->buffer.size());
      if (auto c = self->client.lock()) c->OnText(text);
      if (!self->dead) self->Read();
    });
  }

  void Send(std::string text) override {
    out.push_back(std::move(text));
    if (opened && !writing) Write();
  }

  void Write() {
    writing = true;
    auto self = shared_from_this();
    ws.async_write(asio::buffer(out.front()), [self](const error_code& ec, size_t) {
      self->writing = false;
      if (ec) return self->Fail("write: " + ec.message());
      self->out.pop_front();
      if (!self->out.empty()) self->Write();
    });
  }
};

}  // namespace

Dialer WssDialer(asio::io_context& io, std::shared_ptr<ssl::context> tls, RsuUrl url) {
  return [&io, tls = std::move(tls), url = std::move(url)](std::weak_ptr<LinkEvents> events) {
    auto link = std::make_shared<WssLink>(io, tls, std::move(events));
    link->Run(url);
    return link;
  };
}

std::shared_ptr<Client> Client::Create(asio::io_context& io, std::shared_ptr<ssl::context> tls,
                                       RsuUrl url, uint64_t seed, Backoff backoff,
                                       const base::Clock& clock) {
  return Create(io, WssDialer(io, std::move(tls), std::move(url)), seed, backoff, clock);
}

std::shared_ptr<Client> Client::Create(asio::io_context& io, Dialer dialer, uint64_t seed,
                                       Backoff backoff, const base::Clock& clock) {
  return std::shared_ptr<Client>(new Client(io, std::move(dialer), seed, backoff, clock));
}

Client::Client(asio::io_context& io, Dialer dialer, uint64_t seed, Backoff backoff,
               const base::Clock& clock)
    : io_(io),
      dialer_(std::move(dialer)),
      clock_(clock),
      rng_(seed),
      backoff_(backoff),
      wait_(backoff.min) {}

Client::~Client() {
  if (link_) link_->Detach();
}

bool Client::connected() const { return link_ && link_->open(); }

void Client::Start() {
  stopped_ = false;
  Connect();
}

void Client::Stop() {
  stopped_ = true;
  if (retry_timer_) retry_timer_->cancel();
  if (link_) {
    auto link = std::move(link_);
    link_.reset();
    link->Close();
  }
  FailPending();
}

void Client::Connect() { link_ = dialer_(weak_from_this()); }

uint64_t Client::AddListener(Listener l) {
  listeners_[next_listener_] = std::make_shared<const Listener>(std::move(l));
  return next_listener_++;
}

void Client::RemoveListener(uint64_t id) { listeners_.erase(id); }

void Client::ForListeners(const std::function<void(const Listener&)>& f) {
  std::vector<uint64_t> ids;
  for (const auto& [id, l] : listeners_) ids.push_back(id);
  for (uint64_t id : ids) {
    auto it = listeners_.find(id);
    if (it == listeners_.end()) continue;
    const std::shared_ptr<const Listener> l = it->second;  // the callback may remove it
    f(*l);
  }
}

void Client::OnOpen() {
  ++connects_;
  opened_at_ = std::chrono::steady_clock::now();
  ForListeners([](const Listener& l) {
    if (l.connected) l.connected();
  });
}

void Client::OnClosed(const std::string& why) {
  FailPending();
  ForListeners([&why](const Listener& l) {
    if (l.disconnected) l.disconnected(why);
  });
  if (stopped_) return;
  if (std::chrono::steady_clock::now() - opened_at_ > backoff_.reset_after) wait_ = backoff_.min;
  Retry();
}

void Client::Retry() {
  const auto jitter = static_cast<int64_t>(
      rng_.Below(static_cast<uint64_t>(backoff_.random_range.count()) + 1));  // [0, range]
  const auto delay = wait_ + std::chrono::milliseconds(jitter);
  wait_ = std::min(wait_ * 2, backoff_.cap);
  retry_timer_ = std::make_unique<asio::steady_timer>(io_, delay);
  retry_timer_->async_wait([w = weak_from_this()](const error_code& ec) {
    auto self = w.lock();
    if (ec || !self || self->stopped_) return;
    self->Connect();
  });
}

void Client::FailPending() {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, cb] : pending) {
    CallResult r;
    r.code = -1;
    r.message = "disconnected";
    cb(r);
  }
}

void Client::Call(const std::string& method, nlohmann::json params, CallCallback cb) {
  if (!connected()) {
    CallResult r;
    r.code = -1;
    r.message = "disconnected";
    return cb(r);
  }
  const uint64_t id = next_id_++;
  pending_[id] = std::move(cb);
  link_->Send(nlohmann::json{
      {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}
                  .dump());
}

void Client::CallBatch(std::vector<std::string> txs_hex, BatchCallback cb) {
  const size_t n = txs_hex.size();
  Call("vehicle_submitBatch", nlohmann::json::array({nlohmann::json(std::move(txs_hex))}),
       [n, cb = std::move(cb)](const CallResult& r) { cb(BatchResults(r, n)); });
}

void Client::OnText(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return;
  if (j.value("method", "") == "vehicle_subscription") {
    const auto& p = j["params"];
    if (!p.is_object() || !p.contains("subscription") || !p["subscription"].is_string()) return;
    const std::string sub = p["subscription"].get<std::string>();
    const nlohmann::json result = p.value("result", nlohmann::json());
    ForListeners([&](const Listener& l) {
      if (l.push) l.push(sub, result);
    });
    return;
  }
  if (!j.contains("id") || !j["id"].is_number_unsigned()) return;
  auto it = pending_.find(j["id"].get<uint64_t>());
  if (it == pending_.end()) return;
  CallCallback cb = std::move(it->second);
  pending_.erase(it);
  cb(FromOutcome(j));
}

CallResult FromOutcome(const nlohmann::json& outcome) {
  CallResult r;
  if (!outcome.is_object()) {
    r.message = "not a JSON-RPC outcome";
    return r;
  }
  if (outcome.contains("result")) {
    r.ok = true;
    r.result = outcome["result"];
    return r;
  }
  const nlohmann::json e = outcome.value("error", nlohmann::json::object());
  if (!e.is_object()) {
    r.message = "not a JSON-RPC outcome";
    return r;
  }
  r.code = e.value("code", 0);
  r.message = e.value("message", "");
  r.data = e.value("data", nlohmann::json());
  return r;
}

std::vector<CallResult> BatchResults(const CallResult& call, size_t n) {
  if (call.ok && call.result.is_array() && call.result.size() == n) {
    std::vector<CallResult> out;
    for (const auto& item : call.result) out.push_back(FromOutcome(item));
    return out;
  }
  if (!call.ok) return std::vector<CallResult>(n, call);
  CallResult bad;
  bad.message = "the batch's answer does not hold one result per transaction";
  return std::vector<CallResult>(n, bad);
}

}  // namespace v2v::vehicle
