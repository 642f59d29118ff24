// The vehicle API's JSON-RPC layer (docs/spec/vehicle-api.md "Methods" and "Pushes"), free of
// any transport: the WebSocket server (ws_server.h) hands it each text frame of a session and
// sends what it returns; pushes go out through SessionOut. Owns the RoundBook and is its
// PushSink: it fans pushes out to the subscriptions (geth's shape), each push serialised once and
// shared by its subscribers' frames. Limits: a request rate per session (token bucket: a frame
// takes one token, a batch of N transactions N), the size of a batch, and subscription caps per
// session and per node (subscriptions.h). One thread (the node's io thread).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "gateway/round_book.h"
#include "gateway/subscriptions.h"
#include "gateway/wire.h"

namespace v2v::gateway {

class SessionOut {
 public:
  virtual ~SessionOut() = default;
  // Queues one frame to the session. Never calls back into the VehicleApi (a transport that
  // drops the session closes it later): pushes are sent while the subscriptions are walked.
  virtual void Send(SessionId session, OutFrame frame) = 0;
};

struct ApiLimits {
  SubscriptionLimits subscriptions;  // per session and per node
  double requests_per_s = 50, burst = 100;
  // Transactions in one vehicle_submitBatch (docs/spec/vehicle-api.md): the burst, so that a full
  // batch fits a full bucket (a batch of N takes N tokens); 100 bids fit the 64 KiB message.
  size_t max_batch = 100;
};

class VehicleApi final : public PushSink {
 public:
  VehicleApi(RoundBookOptions options, crypto::PrivateKey key, NodePort& node,
             const base::Clock& clock, SessionOut& out, ApiLimits limits = {});

  void Open(SessionId session);
  void Close(SessionId session);  // ends its subscriptions
  // The response text for one frame ("" for a notification).
  std::string Handle(SessionId session, std::string_view text);

  RoundBook& book() { return book_; }
  size_t subscriptions() const { return subs_.size(); }
  // Whether `session` holds at least one subscription: the transport's message-idle rule exempts
  // such a session (ws_server.h), which waits for pushes without sending.
  bool Subscribed(SessionId session) const { return subs_.OfSession(session) > 0; }
  // Subscription entries examined so far by closes and pushes (Subscriptions::visited).
  uint64_t subscription_visits() const { return subs_.visited(); }

  void ToVehicle(const std::string& id, const nlohmann::json& result) override;
  void Call(int64_t x_m, int64_t y_m, int64_t radius_m, const nlohmann::json& result) override;

 private:
  struct Session {
    double tokens = 0;
    int64_t last_ms = 0;
  };
  using Reply = std::variant<nlohmann::json, RpcProblem, Refusal>;
  Reply Dispatch(SessionId session, const RpcRequest& req);
  Reply Bid(const nlohmann::json& params, bool buyer);
  Reply Tx(const nlohmann::json& params, bool registration);
  // One decoded transaction, as vehicle_request/_offer (BidTx) or vehicle_register/_submit
  // (SubmitTx) check and answer it.
  Reply BidTx(const chain::Tx& tx, bool buyer);
  Reply SubmitTx(const chain::Tx& tx, bool registration);
  Reply Batch(SessionId session, const nlohmann::json& params);
  Reply BatchItem(const nlohmann::json& hex);
  // {"result": R} (an object R gets server_time) or {"error": {"code", "message", "data"}}: a
  // response's body, and one item of a batch's answer.
  static nlohmann::json Outcome(Reply reply, int64_t now_ms);
  Reply GetRound(const nlohmann::json& params);
  Reply GetAccount(const nlohmann::json& params);
  Reply GetEscrow(const nlohmann::json& params);
  Reply Cosign(const nlohmann::json& params);
  Reply Subscribe(SessionId session, const nlohmann::json& params);
  // ["vehicle", ID, PROOF]: PROOF shows ID's key (CheckKeyProof); `proof_required` without one.
  std::optional<Refusal> ProveVehicle(const nlohmann::json& params) const;
  Reply Unsubscribe(SessionId session, const nlohmann::json& params);
  nlohmann::json RoundJson(const Round* r, uint64_t number) const;
  // The push text before the subscription id, with server_time, built once per push.
  std::shared_ptr<const std::string> StampedPushHead(const nlohmann::json& result);
  bool TakeTokens(Session& s, double n);  // all n or none

  const base::Clock& clock_;
  SessionOut& out_;
  ApiLimits limits_;
  RoundBook book_;
  std::map<SessionId, Session> sessions_;
  Subscriptions subs_;
};

// The error data of a refusal: {"reason", "server_time", ...}.
nlohmann::json RefusalData(const Refusal& r, int64_t server_time_ms);

}  // namespace v2v::gateway
