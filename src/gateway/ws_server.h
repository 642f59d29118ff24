// The vehicle API's transport (docs/spec/vehicle-api.md "Transport" and "Limits"): WebSocket
// over TLS 1.3 (Boost.Beast over asio::ssl) at path /vehicle, the RSU's CA-issued certificate as
// the server certificate. Each text frame goes to the VehicleApi; its answer and the pushes for
// the session are queued and written in order.
//
// Bounded everywhere: a connection cap and a per-address quota (excess connections are closed at
// accept), a time to the first TLS byte, a handshake timeout (TLS + HTTP upgrade), an idle timeout
// with pings (Beast's websocket timeouts), a time for a begun message to complete and a time
// without a whole message unless subscribed (a subscriber waits for pushes without sending; the
// VehicleApi says whether a session holds one), a maximum message size (close 1009), a send queue
// bounded in bytes (send_queue.h; a slow reader is disconnected), a bounded upgrade request with
// nothing after it.
// A failing accept() is retried after 100 ms (net::RetryAcceptLater). Anything but a WebSocket
// upgrade to /vehicle gets an HTTP error and is closed; a binary frame closes with 1003. One io
// thread (the node's).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "gateway/vehicle_api.h"
#include "net/limits.h"

namespace v2v::gateway {

struct WsLimits {
  size_t max_connections = 10000;
  size_t max_connections_per_address = 64;  // open at once from one IP (net::AddressQuota)
  size_t max_message_bytes = 64 * 1024;
  size_t max_queued_bytes = 1024 * 1024;  // per connection
  // Accept to the first byte from the client (its ClientHello): a plain TCP connect that never
  // starts TLS holds a slot this long, not the whole handshake timeout.
  std::chrono::milliseconds tls_start_timeout{2000};
  std::chrono::milliseconds handshake_timeout{10000};  // accept to the upgrade done (TLS + HTTP)
  std::chrono::milliseconds idle_timeout{60000};  // no frame either way (the server pings at half)
  // A message, once its first byte arrived, must be whole within this time.
  std::chrono::milliseconds message_timeout{10000};
  // No whole message from the vehicle for this long: closed (pings and pongs do not count),
  // unless the session holds a subscription (VehicleApi::Subscribed): a seller waiting for a call
  // sends nothing, and a subscriber is bounded by max_queued_bytes and idle_timeout instead.
  std::chrono::milliseconds message_idle_timeout{60000};
};

struct WsStats {
  size_t connections = 0;
  uint64_t accepted = 0, refused_cap = 0, refused_address = 0, slow_readers = 0, bad_upgrades = 0;
  uint64_t early_data = 0;  // bytes after the upgrade request, before our answer (refused)
  uint64_t accept_failures = 0, tls_start_timeouts = 0, message_timeouts = 0,
           message_idle_timeouts = 0;
};

class WsServer final : public SessionOut {
 public:
  // cert_pem/key_pem: the RSU's certificate and Ed25519 key files.
  static Result<std::unique_ptr<WsServer>> Create(boost::asio::io_context& io,
                                                  const std::string& cert_pem,
                                                  const std::string& key_pem, WsLimits limits = {});
  ~WsServer() override;
  void SetApi(VehicleApi* api);  // REQUIRES: before Listen
  // Refusals are also recorded there (surface "vehicle"; log line + counter). REQUIRES: before
  // Listen; `refusals` outlives the server.
  void SetRefusals(net::Refusals* refusals);
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
