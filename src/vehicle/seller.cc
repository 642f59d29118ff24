// Seller: answers calls in range, reports co-signed meter readings (trader.h).
#include <algorithm>

#include "vehicle/trader.h"

namespace v2v::vehicle {

std::shared_ptr<Seller> Seller::Create(std::shared_ptr<Client> client, Identity me,
                                       SellerTerms terms, int rounds, WaitFor wait, bool report,
                                       EventSink sink, std::function<void(bool)> done) {
  return std::shared_ptr<Seller>(new Seller(std::move(client), std::move(me), terms, rounds, wait,
                                            report, std::move(sink), std::move(done)));
}

void Seller::OnConnected() {
  auto self = std::static_pointer_cast<Seller>(shared_from_this());
  SubscribeVehicle([self](const CallResult& r) {
    if (r.ok || r.code == -1) return;  // disconnected: the reconnect starts over
    const std::string why = r.reason().empty() ? r.message : r.reason();
    self->Emit("refused", r.data, "subscription refused: " + why);
    self->Finish(false, why);
  });
  Call("vehicle_subscribe", {"calls", {{"x", terms_.x_m}, {"y", terms_.y_m}}},
       [self](const CallResult& r) {
         self->Learn(r);
         self->Subscribed(r);
         if (!r.ok) return;
         // A round may be open already (its call went out before we subscribed): answer it
         // too.
         self->Call("vehicle_getRound", {"current"}, [self](const CallResult& g) {
           self->Learn(g);
           if (g.ok && g.result.value("open", false)) self->Offer(g.result);
         });
       });
  for (uint64_t round : offered_) {
    if (!finished_rounds_.count(round) && !round_open_escrows_.count(round)) CatchUp(round);
  }
}

// A round we offered in whose scheme we have not heard: the pushes sent while we were away are
// lost, so ask for the round (vehicle_getRound) and take its outcome from the answer.
void Seller::CatchUp(uint64_t round) {
  auto self = std::static_pointer_cast<Seller>(shared_from_this());
  Call("vehicle_getRound", {round}, [self, round](const CallResult& g) {
    self->Learn(g);
    if (!g.ok) {
      // Unknown to the RSU: it restarted before building the round (see Buyer::OnConnected).
      if (g.reason() == "unknown_round")
        self->OnPush({{"type", "dropped"}, {"round", round}, {"reason", "unknown_round"}});
      return;
    }
    const auto& j = g.result;
    const std::string state = j.value("state", "");
    if (state == "dropped") {
      self->OnPush({{"type", "dropped"}, {"round", round}, {"reason", j.value("reason", "")}});
      return;
    }
    if (state != "built" && state != "committed") return;  // still open: its pushes will come
    nlohmann::json mine = nlohmann::json::array();
    for (const auto& t : j["trades"]) {
      if (t["seller"] != self->me_.id) continue;
      mine.push_back({{"escrow", t["escrow"]},
                      {"counterparty", t["buyer"]},
                      {"price", t["price"]},
                      {"energy_wh", t["energy_wh"]},
                      {"loss_wh", t["loss_wh"]}});
    }
    self->OnPush({{"type", "scheme"}, {"round", round}, {"trades", mine}});
    if (state == "committed")
      self->OnPush({{"type", "committed"}, {"round", round}, {"block", j["block"]}});
  });
}

void Seller::Offer(const nlohmann::json& call) {
  const uint64_t round = call["round"].get<uint64_t>();
  if (offered_.count(round)) return;
  if (rounds_ > 0 && static_cast<int>(offered_.size()) >= rounds_) return;
  offered_.insert(round);
  Emit("call", call,
       "call for round " + std::to_string(round) + " from " +
           call.value("rsu", std::string("the RSU")));
  auto self = std::static_pointer_cast<Seller>(shared_from_this());
  const std::string rsu = call["rsu"].get<std::string>();
  const int64_t t_stamp = call["t_stamp"].get<int64_t>();
  WithNextNonce([self, round, rsu, t_stamp](uint64_t nonce) {
    const int64_t ts = std::max(self->ServerNowMs() / 1000, t_stamp);
    const chain::Tx tx = SignSellerBid(self->me_, nonce, rsu, round, self->terms_, ts);
    self->SendSigned("vehicle_offer", Hex(tx), [self, round](const CallResult& r) {
      self->Learn(r);
      if (!r.ok) self->next_nonce_.reset();
      if (r.code == -1) {
        self->offered_.erase(round);  // try again after reconnecting if still open
        return;
      }
      if (r.ok)
        return self->Emit("accepted", r.result, "offer accepted in round " + std::to_string(round));
      self->Emit("refused", r.data,
                 "offer refused: " + (r.reason().empty() ? r.message : r.reason()));
      self->RoundFinished(round);
    });
  });
}

void Seller::RoundFinished(uint64_t round) {
  if (!finished_rounds_.insert(round).second) return;
  if (rounds_ > 0 && static_cast<int>(finished_rounds_.size()) >= rounds_) Finish(true);
}

void Seller::EscrowClosed(const std::string& escrow) {
  auto it = escrow_round_.find(escrow);
  if (it == escrow_round_.end()) return;
  const uint64_t round = it->second;
  escrow_round_.erase(it);
  if (--round_open_escrows_[round] == 0 && wait_ == WaitFor::kSettled) RoundFinished(round);
}

void Seller::OnPush(const nlohmann::json& r) {
  const std::string type = r.value("type", "");
  if (type == "call") return Offer(r);
  if (type == "scheme") {
    const uint64_t round = r["round"].get<uint64_t>();
    // A round signed again (the node dropped its first version): its trades replace the earlier.
    std::erase_if(escrow_round_, [round](const auto& e) { return e.second == round; });
    round_open_escrows_[round] = 0;
    std::string words = "scheme for round " + std::to_string(round) + ": ";
    for (const auto& t : r["trades"]) {
      escrow_round_[t["escrow"].get<std::string>()] = round;
      ++round_open_escrows_[round];
      words += std::to_string(t["energy_wh"].get<int64_t>()) + " Wh to " +
               t["counterparty"].get<std::string>() + " at " +
               std::to_string(t["price"].get<int64_t>()) + "/kWh; ";
    }
    if (r["trades"].empty()) words += "no trade for this seller";
    Emit(type, r, words);
    if (r["trades"].empty() || wait_ == WaitFor::kAccepted) RoundFinished(round);
    return;
  }
  if (type == "committed") {
    Emit(type, r,
         "round " + std::to_string(r["round"].get<uint64_t>()) + " committed at block " +
             std::to_string(r["block"].get<uint64_t>()));
    if (wait_ == WaitFor::kCommitted) RoundFinished(r["round"].get<uint64_t>());
    return;
  }
  if (type == "dropped") {
    Emit(type, r, "round dropped: " + r.value("reason", ""));
    return RoundFinished(r["round"].get<uint64_t>());
  }
  if (type == "bid_dropped") {
    Emit(type, r, "the RSU left the offer out of the round: " + r.value("reason", ""));
    return RoundFinished(r["round"].get<uint64_t>());
  }
  if (type == "cosign") {
    const std::string escrow_hex = r["escrow"].get<std::string>();
    const int64_t wh = r["delivered_wh"].get<int64_t>();
    Emit(type, r,
         "the buyer co-signed " + std::to_string(wh) + " Wh on escrow " + escrow_hex.substr(0, 16));
    if (!report_) return;
    auto escrow = FromHex(escrow_hex), key = FromHex(r["buyer_key"].get<std::string>()),
         sig = FromHex(r["signature"].get<std::string>());
    if (!escrow || escrow->size() != 32 || !key || key->size() != 32 || !sig || sig->size() != 64)
      return;
    Hash32 e;
    crypto::PublicKey k;
    crypto::Signature s;
    std::copy(escrow->begin(), escrow->end(), e.bytes.begin());
    std::copy(key->begin(), key->end(), k.bytes.begin());
    std::copy(sig->begin(), sig->end(), s.bytes.begin());
    auto self = std::static_pointer_cast<Seller>(shared_from_this());
    SubmitSigned("meter report", [self, e, wh, k, s](uint64_t nonce) {
      return SignMeterReport(self->me_, nonce, e, wh, k, s);
    });
    return;
  }
  if (type == "settled" || type == "refunded") {
    const std::string escrow = r["escrow"].get<std::string>();
    Emit(type, r,
         "escrow " + escrow.substr(0, 16) + " " + type + " at block " +
             std::to_string(r["block"].get<uint64_t>()));
    EscrowClosed(escrow);
  }
}

}  // namespace v2v::vehicle
