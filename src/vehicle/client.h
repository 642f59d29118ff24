// A vehicle's connection to one RSU's vehicle API (docs/spec/vehicle-api.md): WebSocket over TLS
// 1.3, the server certificate verified against the network CA and required to be an RSU's.
// JSON-RPC calls with callbacks, pushes to a handler, and reconnection with backoff (a minimum
// wait plus a random range, doubling to a cap; reset after a connection that lasted). Calls in
// flight when the connection drops are answered with the error "disconnected" (code -1): the
// caller resends (the API is idempotent for identical signed bytes). Subscriptions do not
// survive a reconnect: every listener's `connected` runs after every (re)connection so its owner
// subscribes again and catches up (vehicle_getRound, vehicle_getAccount). Several listeners may
// share one connection (a fleet operator's: many vehicles, each with its own subscriptions); each
// gets every push and keeps those of its own subscription ids.
//
// Asynchronous on the given io_context (one thread); many clients may share it and one TLS
// context, so one process can drive thousands of vehicles. Not thread-safe. The connection is a
// Link (link.h): WebSocket over TLS, or what a test dials. The client carries its vehicle's clock
// (clock(): the system clock unless another is given), which the traders on it read for "now".
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "vehicle/link.h"

namespace v2v::vehicle {

struct RsuUrl {
  std::string host, port, path;
};
// wss://host:port/path
Result<RsuUrl> ParseRsuUrl(const std::string& url);

// A TLS 1.3 client context trusting only `ca_pem_path` (the network CA).
Result<std::shared_ptr<boost::asio::ssl::context>> MakeClientTls(const std::string& ca_pem_path);
// Links over WebSocket and TLS to `url`, the server's certificate verified against `tls`'s CA and
// required to be an RSU's.
Dialer WssDialer(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls,
                 RsuUrl url);

struct CallResult {
  bool ok = false;
  nlohmann::json result;  // when ok
  int code = 0;           // JSON-RPC error code; -1: disconnected before an answer
  std::string message;
  nlohmann::json data;  // {"reason", "server_time", ...} for refusals
  std::string reason() const { return data.is_object() ? data.value("reason", "") : ""; }
};

// What the RSU answered to one call: its response object ({"result"} or {"error"}), or one item of
// a vehicle_submitBatch answer (the same shape).
CallResult FromOutcome(const nlohmann::json& outcome);
// The per-transaction results of a vehicle_submitBatch call of n transactions: its items in order
// when it was answered with n of them; otherwise (refused as a whole, e.g. rate_limited, or
// disconnected) n copies of the whole call's failure.
std::vector<CallResult> BatchResults(const CallResult& call, size_t n);

struct Backoff {
  std::chrono::milliseconds min{500}, random_range{500}, cap{10000};
  std::chrono::seconds reset_after{10};
};

class Client final : public std::enable_shared_from_this<Client>, public LinkEvents {
 public:
  using CallCallback = std::function<void(const CallResult&)>;
  using PushHandler =
      std::function<void(const std::string& subscription, const nlohmann::json& result)>;
  using BatchCallback = std::function<void(const std::vector<CallResult>&)>;
  struct Listener {
    std::function<void()> connected;
    std::function<void(const std::string& why)> disconnected;
    PushHandler push;
  };

  // Over WebSocket and TLS to `url` (WssDialer).
  static std::shared_ptr<Client> Create(boost::asio::io_context& io,
                                        std::shared_ptr<boost::asio::ssl::context> tls, RsuUrl url,
                                        uint64_t seed, Backoff backoff = {},
                                        const base::Clock& clock = base::SystemClock::Shared());
  // Over the links `dialer` makes.
  static std::shared_ptr<Client> Create(boost::asio::io_context& io, Dialer dialer, uint64_t seed,
                                        Backoff backoff = {},
                                        const base::Clock& clock = base::SystemClock::Shared());
  ~Client() override;

  // Returns an id for RemoveListener. A listener may add or remove listeners from its callbacks.
  uint64_t AddListener(Listener l);
  void RemoveListener(uint64_t id);

  void Start();  // connects (and reconnects until Stop)
  void Stop();   // closes; pending calls are answered "disconnected"
  // Sends at once when connected, else answers "disconnected".
  void Call(const std::string& method, nlohmann::json params, CallCallback cb);
  // vehicle_submitBatch of signed transactions (hex, at most the RSU's batch size, 100): cb gets
  // one result per transaction, in order (BatchResults).
  void CallBatch(std::vector<std::string> txs_hex, BatchCallback cb);
  bool connected() const;
  int connects() const { return connects_; }
  boost::asio::io_context& io() { return io_; }
  const base::Clock& clock() const { return clock_; }

  // The link's events (LinkEvents).
  void OnOpen() override;
  void OnText(const std::string& text) override;
  void OnClosed(const std::string& why) override;

 private:
  Client(boost::asio::io_context& io, Dialer dialer, uint64_t seed, Backoff backoff,
         const base::Clock& clock);
  void Connect();
  void Retry();
  void FailPending();

  boost::asio::io_context& io_;
  Dialer dialer_;
  const base::Clock& clock_;
  base::Rng rng_;  // the reconnection jitter
  Backoff backoff_;
  std::chrono::milliseconds wait_;
  std::shared_ptr<Link> link_;
  std::unique_ptr<boost::asio::steady_timer> retry_timer_;
  std::chrono::steady_clock::time_point opened_at_;
  std::map<uint64_t, CallCallback> pending_;
  uint64_t next_id_ = 1;
  bool stopped_ = true;
  int connects_ = 0;
  uint64_t next_listener_ = 1;
  // Shared, so that a callback that removes its own listener does not destroy the callback
  // running, and a push costs no copy of the listener's callbacks.
  std::map<uint64_t, std::shared_ptr<const Listener>> listeners_;
  // Calls f on each listener present now that is still present when its turn comes.
  void ForListeners(const std::function<void(const Listener&)>& f);
};

}  // namespace v2v::vehicle
