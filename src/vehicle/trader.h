// A buyer's and a seller's side of trading rounds over one RSU's vehicle API, as asynchronous
// state machines on a Client (client.h), reusable by a many-vehicle driver. Each reports what
// happens as Events (accepted, refused, scheme, committed, cosigned, settled, refunded, ...)
// and ends with done(true) or done(false) with the refusal's reason.
//
// Buyer: on (re)connect it subscribes to its vehicle, reads next_nonce and the current round,
// signs and sends its request (the same bytes again after a reconnect: idempotent), follows the
// round to `committed`, then (wait settled) co-signs each trade's metered reading (the scheduled
// volume times meter_fraction) and waits for `settled`; an escrow still open after its deadline
// is refunded. Seller: answers every call in range (one offer per round) until `rounds` rounds
// are finished (the caller stops it after a time limit), submits the meter report for each
// co-signed reading it receives, and (report=false) leaves them unreported so a refund follows the
// deadline.
//
// A trader owns its client (Start connects it, Stop closes it) unless ShareClient() was called: a
// fleet operator's connection then carries many vehicles' traders, each with its own
// subscriptions (a `vehicle` one proved with its own key) and seeing only their pushes; its
// signed transactions may go through a TxBatcher (vehicle_submitBatch). Stop then only
// unsubscribes, and answers to calls made before Stop are dropped either way.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "vehicle/batcher.h"
#include "vehicle/client.h"
#include "vehicle/identity.h"

namespace v2v::vehicle {

struct Event {
  std::string type;  // accepted, refused, call, scheme, committed, uncommitted, dropped, cosigned,
                     // reported, settled, refunded, reconnecting, error
  nlohmann::json detail;
  std::string text;  // in words, for a person
};
using EventSink = std::function<void(const Event&)>;

enum class WaitFor { kAccepted, kCommitted, kSettled };

// Shared by Buyer and Seller: the client, server-time estimate, nonce reads and signing.
class Trader : public std::enable_shared_from_this<Trader> {
 public:
  virtual ~Trader() = default;
  // Before Start: the client is shared (started and stopped by its owner); signed transactions go
  // through `batcher` (null: one message each).
  void ShareClient(std::shared_ptr<TxBatcher> batcher);
  void Start();
  void Stop();
  bool finished() const { return finished_; }
  bool succeeded() const { return succeeded_; }
  const std::string& failure_reason() const { return failure_; }

 protected:
  Trader(std::shared_ptr<Client> client, Identity me, EventSink sink,
         std::function<void(bool)> done);
  virtual void OnConnected() = 0;
  virtual void OnPush(const nlohmann::json& result) = 0;
  void Emit(const std::string& type, nlohmann::json detail, const std::string& text);
  void Finish(bool ok, const std::string& reason = "");
  // Server time (Unix ms) as last seen in a reply, advanced by the local clock since.
  int64_t ServerNowMs() const;
  void Learn(const CallResult& r);
  // cb, unless this trader has been stopped (or is gone) when the answer comes.
  Client::CallCallback Guarded(Client::CallCallback cb);
  // client_->Call, with the answer dropped once this trader is stopped.
  void Call(const std::string& method, nlohmann::json params, Client::CallCallback cb);
  // A signed transaction (hex) by `method`, or through the batcher when there is one (the same
  // answer either way).
  void SendSigned(const std::string& method, std::string tx_hex, Client::CallCallback cb);
  // Records the id of a subscription just made (pushes of other ids are not this trader's).
  void Subscribed(const CallResult& r);
  // f(the nonce of the next signed message): read once with vehicle_getAccount (next_nonce),
  // then counted up for each message signed; read again after a refusal or a lost connection.
  void WithNextNonce(std::function<void(uint64_t)> f);
  void SubmitSigned(const std::string& what, std::function<chain::Tx(uint64_t nonce)> make);
  // Subscribes to this vehicle's pushes with the proof of its key, signed for the RSU's name and
  // time as vehicle_getRound gives them; `then` gets the answer (or the failed vehicle_getRound).
  void SubscribeVehicle(std::function<void(const CallResult&)> then);
  void Cosign(const Hash32& escrow, int64_t delivered_wh);
  void ScheduleRefundCheck(const std::string& escrow_hex, int64_t deadline_s);

  std::shared_ptr<Client> client_;
  std::shared_ptr<TxBatcher> batcher_;
  bool shared_ = false, stopped_ = false;
  uint64_t listener_ = 0;
  std::set<std::string> subs_;  // this trader's subscriptions on the current connection
  Identity me_;
  EventSink sink_;
  std::function<void(bool)> done_;
  bool finished_ = false, succeeded_ = false;
  std::string failure_;
  int64_t offset_ms_ = 0;
  std::optional<uint64_t> next_nonce_;  // see WithNextNonce
  std::set<std::string> open_escrows_;  // waiting for settled / refunded
};

class Buyer final : public Trader {
 public:
  static std::shared_ptr<Buyer> Create(std::shared_ptr<Client> client, Identity me,
                                       BuyerTerms terms, WaitFor wait, double meter_fraction,
                                       EventSink sink, std::function<void(bool)> done);

 private:
  Buyer(std::shared_ptr<Client> c, Identity me, BuyerTerms t, WaitFor w, double f, EventSink s,
        std::function<void(bool)> d)
      : Trader(std::move(c), std::move(me), std::move(s), std::move(d)),
        terms_(t),
        wait_(w),
        fraction_(f) {}
  void OnConnected() override;
  void OnPush(const nlohmann::json& result) override;
  void SendRequest();
  void OnScheme(const nlohmann::json& trades, const std::string& round_tx);
  void OnCommitted(const nlohmann::json& detail);

  BuyerTerms terms_;
  WaitFor wait_;
  double fraction_;
  static constexpr int kMaxRestamps = 3;
  std::optional<std::string> bid_hex_;  // signed once, resent as is
  int restamps_ = 0;                    // signed again after bid_outside_window
  std::optional<uint64_t> round_;
  nlohmann::json trades_ = nlohmann::json::array();
  bool schemed_ = false, committed_ = false;
};

class Seller final : public Trader {
 public:
  // rounds: offer in this many rounds (0: no limit); each is finished at `wait` (kAccepted: once
  // its scheme is known). report=false: co-signed readings are not reported (a refund follows).
  static std::shared_ptr<Seller> Create(std::shared_ptr<Client> client, Identity me,
                                        SellerTerms terms, int rounds, WaitFor wait, bool report,
                                        EventSink sink, std::function<void(bool)> done);

 private:
  Seller(std::shared_ptr<Client> c, Identity me, SellerTerms t, int rounds, WaitFor w, bool report,
         EventSink s, std::function<void(bool)> d)
      : Trader(std::move(c), std::move(me), std::move(s), std::move(d)),
        terms_(t),
        rounds_(rounds),
        wait_(w),
        report_(report) {}
  void OnConnected() override;
  void OnPush(const nlohmann::json& result) override;
  void Offer(const nlohmann::json& call);
  void CatchUp(uint64_t round);
  void RoundFinished(uint64_t round);
  void EscrowClosed(const std::string& escrow);

  SellerTerms terms_;
  int rounds_;
  WaitFor wait_;
  bool report_;
  std::set<uint64_t> offered_;
  std::set<uint64_t> finished_rounds_;  // committed with no trade of ours, dropped, or all settled
  std::map<std::string, uint64_t> escrow_round_;
  std::map<uint64_t, int> round_open_escrows_;
};

}  // namespace v2v::vehicle
