#include "net/tls_transport.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <deque>

#include "net/tcp_listen.h"

namespace v2v::net {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

void PeerScores::Penalise(const std::string& host, int points) {
  std::lock_guard<std::mutex> lock(mu_);
  scores_[host] += points;
}
bool PeerScores::Banned(const std::string& host) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (exempt_loopback_ && (host.rfind("127.", 0) == 0 || host == "::1")) return false;
  }
  return Score(host) >= ban_threshold_;
}
void PeerScores::ExemptLoopback(bool exempt) {
  std::lock_guard<std::mutex> lock(mu_);
  exempt_loopback_ = exempt;
}
int PeerScores::Score(const std::string& host) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = scores_.find(host);
  return it == scores_.end() ? 0 : it->second;
}

namespace {

class Connection;

}  // namespace

struct TlsTransport::Impl : std::enable_shared_from_this<TlsTransport::Impl> {
  Impl(asio::io_context& io_in, PeerVerifier v, TransportCallbacks c, TransportLimits l,
       Refusals* r)
      : io(io_in),
        ctx(ssl::context::tls),
        verifier(std::move(v)),
        cb(std::move(c)),
        limits(l),
        inbound(l.max_inbound),
        refusals(r) {}
  asio::io_context& io;
  ssl::context ctx;
  PeerVerifier verifier;
  TransportCallbacks cb;
  TransportLimits limits;
  ConnectionBudget inbound;
  Refusals* refusals;
  PeerScores scores;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::map<PeerId, std::shared_ptr<Connection>> conns;
  std::atomic<PeerId> next_id{1};
  void Accept();
  void OnAccept(const error_code& ec, tcp::socket socket);
  void Refuse(const std::string& reason, const std::string& detail) {
    if (refusals) refusals->Record("p2p", reason, detail);
  }
};

namespace {

Bytes PeerCertificateDer(SSL* ssl_handle) {
  X509* cert = SSL_get1_peer_certificate(ssl_handle);
  if (cert == nullptr) return {};
  const int n = i2d_X509(cert, nullptr);
  Bytes der(n > 0 ? static_cast<size_t>(n) : 0);
  unsigned char* p = der.data();
  if (n > 0) i2d_X509(cert, &p);
  X509_free(cert);
  return der;
}

// One TLS connection. Owned by Impl::conns while open; handlers keep it alive.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<TlsTransport::Impl> owner, PeerId id, tcp::socket socket,
             std::string host, ConnectionBudget::Slot slot = {})
      : owner_(std::move(owner)),
        id_(id),
        stream_(std::move(socket), owner_->ctx),
        host_(std::move(host)),
        slot_(std::move(slot)),
        timer_(owner_->io) {
    // Frames go out as soon as written (no Nagle wait for the ACK of the previous segment).
    error_code ignored;
    stream_.lowest_layer().set_option(tcp::no_delay(true), ignored);
  }

  void Start(ssl::stream_base::handshake_type type) {
    auto self = shared_from_this();
    Arm(owner_->limits.handshake_timeout, "handshake_timeout");
    stream_.async_handshake(type, [self](const error_code& ec) { self->OnHandshake(ec); });
  }

  void Send(Bytes wire) {
    if (closed_) return;
    queued_bytes_ += wire.size();
    if (queued_bytes_ > owner_->limits.max_send_queue_bytes) {
      owner_->Refuse("send_queue", host_ + ": over " +
                                       std::to_string(owner_->limits.max_send_queue_bytes) +
                                       " bytes wait to be sent; the peer does not read");
      return Close(Status::FailedPrecondition("send queue over its limit: the peer does not read"));
    }
    out_.push_back(std::move(wire));
    if (!writing_) DoWrite();
  }

  void Close(const Status& why) {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    error_code ignored;
    stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
    owner_->conns.erase(id_);
    if (owner_->cb.on_disconnect) owner_->cb.on_disconnect(id_, why);
  }

 private:
  // (Re)starts the one timer: when it fires, the connection is closed as `reason`.
  void Arm(std::chrono::milliseconds after, const char* reason) {
    timer_.expires_after(after);
    std::weak_ptr<Connection> weak = shared_from_this();
    timer_.async_wait([weak, reason](const error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || self->closed_) return;
      self->owner_->Refuse(reason, self->host_);
      self->Close(Status::FailedPrecondition(std::string("closed: ") + reason));
    });
  }

  void OnHandshake(const error_code& ec) {
    if (closed_) return;
    if (ec) {
      owner_->Refuse("tls_handshake", host_ + ": " + ec.message());
      owner_->scores.Penalise(host_, kPenaltyUnauthenticated);
      return Close(Status::FailedPrecondition("TLS handshake failed: " + ec.message()));
    }
    const Bytes der = PeerCertificateDer(stream_.native_handle());
    Status verdict = der.empty() ? Status::FailedPrecondition("peer sent no certificate")
                                 : owner_->verifier(der);
    if (!verdict.ok()) {
      owner_->Refuse("peer_certificate", host_ + ": " + verdict.message());
      owner_->scores.Penalise(host_, kPenaltyUnauthenticated);
      return Close(Status::FailedPrecondition("peer certificate refused: " + verdict.message()));
    }
    if (owner_->cb.on_connect) owner_->cb.on_connect(id_, host_, der);
    Read();
  }

  void Read() {
    if (closed_) return;
    Arm(owner_->limits.idle_timeout, "idle_timeout");
    auto self = shared_from_this();
    stream_.async_read_some(asio::buffer(buf_), [self](const error_code& ec, size_t n) {
      if (self->closed_) return;
      if (ec) return self->Close(Status::IoError("connection closed: " + ec.message()));
      Status s = self->decoder_.Feed(ByteSpan(self->buf_.data(), n));
      while (auto f = self->decoder_.Next()) {
        if (self->owner_->cb.on_frame) self->owner_->cb.on_frame(self->id_, std::move(*f));
        if (self->closed_) return;
      }
      if (!s.ok()) {
        self->owner_->scores.Penalise(self->host_, kPenaltyMalformed);
        return self->Close(s);
      }
      self->Read();
    });
  }

  void DoWrite() {
    writing_ = true;
    auto self = shared_from_this();
    asio::async_write(stream_, asio::buffer(out_.front()), [self](const error_code& ec, size_t) {
      self->writing_ = false;
      if (self->closed_) return;
      if (ec) return self->Close(Status::IoError("write failed: " + ec.message()));
      self->queued_bytes_ -= self->out_.front().size();
      self->out_.pop_front();
      if (!self->out_.empty()) self->DoWrite();
    });
  }

  std::shared_ptr<TlsTransport::Impl> owner_;
  PeerId id_;
  ssl::stream<tcp::socket> stream_;
  std::string host_;
  ConnectionBudget::Slot slot_;  // held by an inbound connection while it is open
  asio::steady_timer timer_;     // handshake, then idle
  size_t queued_bytes_ = 0;
  FrameDecoder decoder_;
  std::array<uint8_t, 16384> buf_{};
  std::deque<Bytes> out_;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<TlsTransport>> TlsTransport::Create(
    asio::io_context& io, const TlsFiles& files, PeerVerifier verifier,
    TransportCallbacks callbacks, TransportLimits limits, Refusals* refusals) {
  auto impl =
      std::make_shared<Impl>(io, std::move(verifier), std::move(callbacks), limits, refusals);
  SSL_CTX* native = impl->ctx.native_handle();
  if (SSL_CTX_ctrl(native, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_3_VERSION, nullptr) != 1) {
    return Status::Internal("cannot require TLS 1.3");
  }
  error_code ec;
  impl->ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
  if (!ec) impl->ctx.load_verify_file(files.ca_pem, ec);
  if (ec)
    return Status::InvalidArgument(files.ca_pem + ": cannot load CA certificate: " + ec.message());
  impl->ctx.use_certificate_chain_file(files.cert_pem, ec);
  if (ec)
    return Status::InvalidArgument(files.cert_pem + ": cannot load certificate: " + ec.message());
  impl->ctx.use_private_key_file(files.key_pem, ssl::context::pem, ec);
  if (ec)
    return Status::InvalidArgument(files.key_pem + ": cannot load private key: " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1) {
    return Status::InvalidArgument(files.key_pem + ": private key does not match " +
                                   files.cert_pem);
  }
  return std::unique_ptr<TlsTransport>(new TlsTransport(std::move(impl)));
}

TlsTransport::TlsTransport(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsTransport::~TlsTransport() { Close(); }
PeerScores& TlsTransport::scores() { return impl_->scores; }

Result<uint16_t> TlsTransport::Listen(const std::string& host, uint16_t port) {
  V2V_ASSIGN_OR_RETURN(auto acc, ListenTcp(impl_->io, host, port));
  const uint16_t bound = acc->local_endpoint().port();
  impl_->acceptor = std::move(acc);
  impl_->Accept();
  return bound;
}

void TlsTransport::Impl::Accept() {
  if (!acceptor) return;
  acceptor->async_accept([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
    self->OnAccept(ec, std::move(socket));
  });
}

void TlsTransport::Impl::OnAccept(const error_code& ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor) return;
  if (ec) {  // e.g. out of file descriptors: wait a little instead of spinning
    Refuse("accept_failed", ec.message());
    RetryAcceptLater(io, [self = shared_from_this()] { self->Accept(); });
    return;
  }
  error_code ignored;
  const std::string host = socket.remote_endpoint(ignored).address().to_string();
  ConnectionBudget::Slot slot;
  if (scores.Banned(host)) {
    Refuse("banned", host);
    socket.close(ignored);
  } else if (slot = inbound.TryAcquire(); !slot.held()) {
    Refuse("connection_cap",
           host + ": " + std::to_string(inbound.max()) + " inbound connections open");
    socket.close(ignored);
  } else {
    const PeerId id = next_id++;
    auto conn = std::make_shared<Connection>(shared_from_this(), id, std::move(socket), host,
                                             std::move(slot));
    conns[id] = conn;
    conn->Start(ssl::stream_base::server);
  }
  Accept();
}

PeerId TlsTransport::Connect(const std::string& host, uint16_t port) {
  auto impl = impl_;
  const PeerId id = impl->next_id++;
  asio::post(impl->io, [impl, host, port, id] {
    error_code ec;
    const auto addr = asio::ip::make_address(host, ec);
    if (ec || impl->scores.Banned(host)) {
      if (impl->cb.on_disconnect) {
        impl->cb.on_disconnect(
            id, ec ? Status::InvalidArgument("peer address " + host + ": " + ec.message())
                   : Status::FailedPrecondition("peer " + host + " is banned"));
      }
      return;
    }
    auto socket = std::make_shared<tcp::socket>(impl->io);
    socket->async_connect(tcp::endpoint(addr, port), [impl, socket, id,
                                                      host](const error_code& cec) {
      if (cec) {
        if (impl->cb.on_disconnect)
          impl->cb.on_disconnect(id, Status::IoError("connect to " + host + ": " + cec.message()));
        return;
      }
      auto conn = std::make_shared<Connection>(impl, id, std::move(*socket), host);
      impl->conns[id] = conn;
      conn->Start(ssl::stream_base::client);
    });
  });
  return id;
}

void TlsTransport::Send(PeerId peer, Frame frame) {
  auto impl = impl_;
  asio::post(impl->io, [impl, peer, wire = EncodeFrame(frame)]() mutable {
    auto it = impl->conns.find(peer);
    if (it != impl->conns.end()) it->second->Send(std::move(wire));
  });
}

void TlsTransport::Disconnect(PeerId peer) {
  auto impl = impl_;
  asio::post(impl->io, [impl, peer] {
    auto it = impl->conns.find(peer);
    if (it != impl->conns.end()) it->second->Close(Status::Ok());
  });
}

void TlsTransport::Close() {
  if (!impl_) return;
  if (impl_->acceptor) {
    error_code ignored;
    impl_->acceptor->close(ignored);
    impl_->acceptor.reset();
  }
  auto conns = impl_->conns;  // Close() erases from the map
  for (auto& [id, c] : conns) c->Close(Status::FailedPrecondition("transport closed"));
}

}  // namespace v2v::net
