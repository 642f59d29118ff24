// TCP + TLS 1.3 transport between RSU nodes, with mutual authentication (docs/model.md
// section 8, docs/spec/p2p.md P1, P2, P4).
//
// Both sides present a certificate issued by the network's CA and require one from the peer
// (TLS 1.3 only, peer verification mandatory). After the handshake the peer's certificate (DER)
// goes to an injected PeerVerifier, which decides (e.g. "an RSU certificate, valid now, not
// revoked"); a refusal closes the connection. Frames are decoded strictly (frame.h); a malformed
// stream closes the connection and adds a penalty to the peer's address; an address over the
// ban threshold is refused at accept/connect time.
//
// Limits (TransportLimits, docs/spec/node.md N7): at most max_inbound accepted connections at
// once (more are closed at accept); a TLS handshake must finish within handshake_timeout; a
// connection that delivers no byte for idle_timeout is closed (peers say hello every second); a
// peer whose unsent frames exceed max_send_queue_bytes (it does not read) is disconnected. Each of
// these, and every handshake or certificate refusal, is recorded in the Refusals given to
// Create() under the surface "p2p" (a log line and a counter in the node).
//
// Threading: every method and callback runs on the io_context's thread(s) given at
// construction; Send() may be called from any thread (it posts). The io_context must outlive the
// transport.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "net/frame.h"
#include "net/limits.h"
#include "net/peer_transport.h"

namespace v2v::net {

struct TlsFiles {
  std::string ca_pem;    // the network CA certificate
  std::string cert_pem;  // this node's certificate
  std::string key_pem;   // this node's private key
};

// Decides whether a peer's certificate (DER) is acceptable; returns a Status saying why not.
using PeerVerifier = std::function<Status(const Bytes& peer_certificate_der)>;

struct TransportCallbacks {
  std::function<void(PeerId, const std::string& address, const Bytes& peer_cert_der)> on_connect;
  std::function<void(PeerId, Frame)> on_frame;
  std::function<void(PeerId, const Status& why)> on_disconnect;
};

// Penalties per remote address (host). Thread-safe.
class PeerScores {
 public:
  explicit PeerScores(int ban_threshold = 100) : ban_threshold_(ban_threshold) {}
  void Penalise(const std::string& host, int points);
  bool Banned(const std::string& host) const;
  // Never ban loopback addresses (127.0.0.0/8, ::1). A node whose peers all run on one machine
  // (a loopback testnet) shares that address with every peer, so banning it would cut the node
  // off from all of them; such a node penalises peers by certificate identity instead.
  void ExemptLoopback(bool exempt);
  int Score(const std::string& host) const;

 private:
  int ban_threshold_;
  bool exempt_loopback_ = false;  // guarded by mu_
  mutable std::mutex mu_;
  std::map<std::string, int> scores_;  // guarded by mu_
};

struct TransportLimits {
  size_t max_inbound = 64;
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds idle_timeout{30'000};
  size_t max_send_queue_bytes = 64u << 20;
};

inline constexpr int kPenaltyMalformed = 50;
inline constexpr int kPenaltyUnauthenticated = 100;

class TlsTransport final : public PeerTransport {
 public:
  // `refusals` (may be null) must outlive the transport.
  static Result<std::unique_ptr<TlsTransport>> Create(boost::asio::io_context& io,
                                                      const TlsFiles& files, PeerVerifier verifier,
                                                      TransportCallbacks callbacks,
                                                      TransportLimits limits = {},
                                                      Refusals* refusals = nullptr);
  // Closes everything. REQUIRES: as for Close().
  ~TlsTransport() override;
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  // Listens on host:port (port 0 picks one); returns the bound port.
  Result<uint16_t> Listen(const std::string& host, uint16_t port);
  // Connects asynchronously; the outcome arrives through on_connect / on_disconnect, carrying
  // the PeerId returned here.
  PeerId Connect(const std::string& host, uint16_t port) override;
  // Queues a frame to a connected peer (no-op if it is gone).
  void Send(PeerId peer, Frame frame) override;
  void Disconnect(PeerId peer) override;
  // Closes the listener and every connection.
  // REQUIRES: called on the io_context's thread, or while it is not running.
  void Close();
  PeerScores& scores();

  struct Impl;

 private:
  explicit TlsTransport(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace v2v::net
