// The vehicle API's JSON-RPC layer (docs/spec/vehicle-api.md "Methods" and "Pushes"), free of
// any transport: the WebSocket server (ws_server.h) hands it each text frame of a session and
// sends what it returns; pushes go out through SessionOut. Owns the RoundBook and is its
// PushSink: it fans pushes out to the subscriptions (geth's shape). Per-session limits: a
// request rate (token bucket) and a subscription cap. One thread (the node's io thread).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/round_book.h"
#include "gateway/wire.h"

namespace v2v::gateway {

using SessionId = uint64_t;

class SessionOut {
 public:
  virtual ~SessionOut() = default;
  virtual void Send(SessionId session, std::string text) = 0;
};

struct ApiLimits {
  size_t max_subscriptions = 64;  // per session
  double requests_per_s = 50, burst = 100;
};

class VehicleApi final : public PushSink {
 public:
  VehicleApi(RoundBookOptions options, crypto::PrivateKey key, NodePort& node,
             std::function<int64_t()> now_ms, SessionOut& out, ApiLimits limits = {});

  void Open(SessionId session);
  void Close(SessionId session);  // ends its subscriptions
  // The response text for one frame ("" for a notification).
  std::string Handle(SessionId session, std::string_view text);

  RoundBook& book() { return book_; }
  size_t subscriptions() const { return subs_.size(); }

  void ToVehicle(const std::string& id, const nlohmann::json& result) override;
  void Call(int64_t x_m, int64_t y_m, int64_t radius_m, const nlohmann::json& result) override;

 private:
  struct Sub {
    SessionId session = 0;
    bool calls = false;
    std::string vehicle;
    int64_t x_m = 0, y_m = 0;
  };
  struct Session {
    double tokens = 0;
    int64_t last_ms = 0;
    size_t subs = 0;
  };
  using Reply = std::variant<nlohmann::json, RpcProblem, Refusal>;
  Reply Dispatch(SessionId session, const RpcRequest& req);
  Reply Bid(const nlohmann::json& params, bool buyer);
  Reply Tx(const nlohmann::json& params, bool registration);
  Reply GetRound(const nlohmann::json& params);
  Reply GetAccount(const nlohmann::json& params);
  Reply GetEscrow(const nlohmann::json& params);
  Reply Cosign(const nlohmann::json& params);
  Reply Subscribe(SessionId session, const nlohmann::json& params);
  Reply Unsubscribe(SessionId session, const nlohmann::json& params);
  nlohmann::json RoundJson(const Round* r, uint64_t number) const;
  bool TakeToken(Session& s);

  std::function<int64_t()> now_ms_;
  SessionOut& out_;
  ApiLimits limits_;
  RoundBook book_;
  std::map<SessionId, Session> sessions_;
  std::map<std::string, Sub> subs_;                     // by subscription id
  std::multimap<std::string, std::string> by_vehicle_;  // vehicle id -> subscription id
  uint64_t next_sub_ = 1;
};

// The error data of a refusal: {"reason", "server_time", ...}.
nlohmann::json RefusalData(const Refusal& r, int64_t server_time_ms);

}  // namespace v2v::gateway
