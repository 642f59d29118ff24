// The vehicle API's transport (docs/spec/vehicle-api.md "Transport" and "Limits"): WebSocket
// over TLS 1.3 (Boost.Beast over asio::ssl) at path /vehicle, the RSU's CA-issued certificate as
// the server certificate. Each text frame goes to the VehicleApi; its answer and the pushes for
// the session are queued and written in order.
//
// Bounded everywhere: a connection cap (excess connections are closed at accept), a handshake
// timeout (TLS + HTTP upgrade), an idle timeout with pings (Beast's websocket timeouts), a
// maximum message size (close 1009), a send queue bounded in bytes (send_queue.h; a slow reader
// is disconnected), a bounded upgrade request. Anything but a WebSocket upgrade to /vehicle gets an
// HTTP error and is closed; a binary frame closes with 1003. One io thread (the node's).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "gateway/vehicle_api.h"

namespace v2v::gateway {

struct WsLimits {
  size_t max_connections = 10000;
  size_t max_message_bytes = 64 * 1024;
  size_t max_queued_bytes = 1024 * 1024;  // per connection
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds idle_timeout{60};
};

struct WsStats {
  size_t connections = 0;
  uint64_t accepted = 0, refused_cap = 0, slow_readers = 0, bad_upgrades = 0;
};

class WsServer final : public SessionOut {
 public:
  // cert_pem/key_pem: the RSU's certificate and Ed25519 key files.
  static Result<std::unique_ptr<WsServer>> Create(boost::asio::io_context& io,
                                                  const std::string& cert_pem,
                                                  const std::string& key_pem, WsLimits limits = {});
  ~WsServer() override;
  void SetApi(VehicleApi* api);  // REQUIRES: before Listen
  Result<uint16_t> Listen(const std::string& host, uint16_t port);
  void Close();  // stops accepting and closes every connection

  void Send(SessionId session, OutFrame frame) override;
  const WsStats& stats() const;

  struct Impl;

 private:
  explicit WsServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace v2v::gateway
