#include "vehicle/trader.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace v2v::vehicle {

namespace {
std::optional<Hash32> HashOf(const nlohmann::json& v) {
  if (!v.is_string()) return std::nullopt;
  auto b = FromHex(v.get<std::string>());
  if (!b || b->size() != 32) return std::nullopt;
  Hash32 h;
  std::copy(b->begin(), b->end(), h.bytes.begin());
  return h;
}
std::string Refusal(const CallResult& r) {
  return r.reason().empty() ? r.message : r.reason() + " (" + r.message + ")";
}
}  // namespace

Trader::Trader(std::shared_ptr<Client> client, Identity me, EventSink sink,
               std::function<void(bool)> done)
    : client_(std::move(client)),
      me_(std::move(me)),
      sink_(std::move(sink)),
      done_(std::move(done)) {}

void Trader::ShareClient(std::shared_ptr<TxBatcher> batcher) {
  shared_ = true;
  batcher_ = std::move(batcher);
}

void Trader::Start() {
  std::weak_ptr<Trader> w = weak_from_this();
  auto connected = [w] {
    if (auto self = w.lock(); self && !self->finished_ && !self->stopped_) self->OnConnected();
  };
  Client::Listener l;
  l.connected = connected;
  l.push = [w](const std::string& sub, const nlohmann::json& r) {
    if (auto self = w.lock(); self && !self->finished_ && self->subs_.count(sub)) self->OnPush(r);
  };
  l.disconnected = [w](const std::string& why) {
    auto self = w.lock();
    if (!self) return;
    self->next_nonce_.reset();
    self->subs_.clear();  // subscriptions end with the connection
    if (!self->finished_)
      self->Emit("reconnecting", {{"why", why}}, "connection lost (" + why + "); reconnecting");
  };
  listener_ = client_->AddListener(std::move(l));
  if (!shared_) return client_->Start();
  if (client_->connected()) boost::asio::post(client_->io(), connected);
}

void Trader::Stop() {
  if (stopped_) return;
  stopped_ = true;
  client_->RemoveListener(listener_);
  if (!shared_) return client_->Stop();
  for (const std::string& sub : subs_)
    client_->Call("vehicle_unsubscribe", {sub}, [](const CallResult&) {});
  subs_.clear();
}

Client::CallCallback Trader::Guarded(Client::CallCallback cb) {
  return [w = weak_from_this(), cb = std::move(cb)](const CallResult& r) {
    auto self = w.lock();
    if (self && !self->stopped_) cb(r);
  };
}

void Trader::Call(const std::string& method, nlohmann::json params, Client::CallCallback cb) {
  client_->Call(method, std::move(params), Guarded(std::move(cb)));
}

void Trader::SendSigned(const std::string& method, std::string tx_hex, Client::CallCallback cb) {
  if (!batcher_) return Call(method, {std::move(tx_hex)}, std::move(cb));
  batcher_->Submit(std::move(tx_hex), Guarded(std::move(cb)));
}

void Trader::Subscribed(const CallResult& r) {
  if (r.ok && r.result.is_string()) subs_.insert(r.result.get<std::string>());
}

void Trader::Emit(const std::string& type, nlohmann::json detail, const std::string& text) {
  if (sink_) sink_(Event{type, std::move(detail), text});
}

void Trader::Finish(bool ok, const std::string& reason) {
  if (finished_) return;
  finished_ = true;
  succeeded_ = ok;
  failure_ = reason;
  if (done_) done_(ok);
}

int64_t Trader::ServerNowMs() const { return client_->clock().NowMs() + offset_ms_; }

void Trader::Learn(const CallResult& r) {
  int64_t server = 0;
  if (r.ok && r.result.is_object() && r.result.contains("server_time"))
    server = r.result["server_time"].get<int64_t>();
  if (!r.ok && r.data.is_object() && r.data.contains("server_time"))
    server = r.data["server_time"].get<int64_t>();
  if (server > 0) offset_ms_ = server - client_->clock().NowMs();
  // The network to sign for, as the RSU names it in vehicle_getRound (chain::Tx::network).
  if (r.ok && r.result.is_object() && r.result.contains("network") &&
      r.result["network"].is_string()) {
    if (auto id = chain::ParseNetworkHex(r.result["network"].get<std::string>()); id.ok()) {
      me_.network = *id;
    }
  }
}

void Trader::WithNextNonce(std::function<void(uint64_t)> f) {
  if (next_nonce_) return f((*next_nonce_)++);
  auto self = shared_from_this();
  Call("vehicle_getAccount", {me_.id}, [self, f](const CallResult& r) {
    self->Learn(r);
    if (!r.ok) {
      if (r.code != -1)
        self->Emit("error", {{"reason", r.reason()}}, "cannot read the account: " + Refusal(r));
      return;  // disconnected: the reconnect starts over
    }
    // Another read may have answered first and handed out nonces since: keep counting from there.
    if (!self->next_nonce_) self->next_nonce_ = r.result["next_nonce"].get<uint64_t>();
    f((*self->next_nonce_)++);
  });
}

void Trader::SubmitSigned(const std::string& what, std::function<chain::Tx(uint64_t)> make) {
  auto self = shared_from_this();
  WithNextNonce([self, what, make](uint64_t nonce) {
    const chain::Tx tx = make(nonce);
    self->SendSigned("vehicle_submit", Hex(tx), [self, what](const CallResult& r) {
      self->Learn(r);
      if (!r.ok) self->next_nonce_.reset();
      if (r.ok)
        return self->Emit(
            what, {{"tx_hash", r.result["tx_hash"]}},
            what + " sent (tx " + r.result["tx_hash"].get<std::string>().substr(0, 16) + ")");
      self->Emit("error", {{"reason", r.reason()}, {"what", what}},
                 what + " refused: " + Refusal(r));
    });
  });
}

void Trader::SubscribeVehicle(std::function<void(const CallResult&)> then) {
  auto self = shared_from_this();
  Call("vehicle_getRound", {"current"}, [self, then](const CallResult& g) {
    self->Learn(g);
    if (!g.ok) return then(g);
    const std::string rsu = g.result["rsu"].get<std::string>();
    const int64_t ts = self->ServerNowMs() / 1000;
    const crypto::Signature sig = SignSubscription(self->me_, rsu, ts);
    const nlohmann::json proof = {{"key", self->me_.key.public_key().Hex()},
                                  {"timestamp", ts},
                                  {"signature", ToHex(sig.bytes)}};
    self->Call("vehicle_subscribe", {"vehicle", self->me_.id, proof},
               [self, then](const CallResult& r) {
                 self->Learn(r);
                 self->Subscribed(r);
                 then(r);
               });
  });
}

void Trader::Cosign(const Hash32& escrow, int64_t delivered_wh) {
  const crypto::Signature sig = CosignReading(me_, escrow, delivered_wh);
  nlohmann::json p = {{"escrow", escrow.Hex()},
                      {"delivered_wh", delivered_wh},
                      {"buyer_key", me_.key.public_key().Hex()},
                      {"signature", ToHex(sig.bytes)}};
  auto self = shared_from_this();
  Call("vehicle_cosign", nlohmann::json::array({p}),
       [self, escrow, delivered_wh](const CallResult& r) {
         self->Learn(r);
         if (r.ok) {
           return self->Emit("cosigned", {{"escrow", escrow.Hex()}, {"delivered_wh", delivered_wh}},
                             "metered " + std::to_string(delivered_wh) + " Wh on escrow " +
                                 escrow.Hex().substr(0, 16) + "; co-signature sent to the seller");
         }
         self->Emit("error", {{"reason", r.reason()}}, "co-signature refused: " + Refusal(r));
       });
}

void Trader::ScheduleRefundCheck(const std::string& escrow_hex, int64_t deadline_s) {
  const int64_t wait_ms = std::max<int64_t>((deadline_s + 2) * 1000 - ServerNowMs(), 0);
  auto timer = std::make_shared<boost::asio::steady_timer>(client_->io(),
                                                           std::chrono::milliseconds(wait_ms));
  auto self = shared_from_this();
  timer->async_wait([self, timer, escrow_hex](const boost::system::error_code& ec) {
    if (ec || self->finished_ || self->stopped_ || !self->open_escrows_.count(escrow_hex)) return;
    self->Call("vehicle_getEscrow", {escrow_hex}, [self, escrow_hex](const CallResult& r) {
      if (!r.ok || r.result.value("state", "") != "open") return;
      const auto escrow = HashOf(nlohmann::json(escrow_hex));
      self->SubmitSigned("refund", [self, escrow](uint64_t nonce) {
        return SignRefund(self->me_, nonce, *escrow);
      });
    });
  });
}

// --- buyer ----------------------------------------------------------------------------------

std::shared_ptr<Buyer> Buyer::Create(std::shared_ptr<Client> client, Identity me, BuyerTerms terms,
                                     WaitFor wait, double meter_fraction, EventSink sink,
                                     std::function<void(bool)> done) {
  return std::shared_ptr<Buyer>(new Buyer(std::move(client), std::move(me), terms, wait,
                                          meter_fraction, std::move(sink), std::move(done)));
}

void Buyer::OnConnected() {
  auto self = std::static_pointer_cast<Buyer>(shared_from_this());
  SubscribeVehicle([self](const CallResult& r) {
    if (r.code == -1) return;  // disconnected: the reconnect starts over
    if (!r.ok) {
      self->Emit("refused", r.data, "subscription refused: " + Refusal(r));
      return self->Finish(false, r.reason().empty() ? r.message : r.reason());
    }
    if (!self->round_) return self->SendRequest();
    // Reconnected after acceptance: catch up with the round.
    self->Call("vehicle_getRound", {*self->round_}, [self](const CallResult& g) {
      if (!g.ok) {
        // The RSU no longer knows the round it accepted us into: it restarted before building
        // it (an RSU keeps its rounds in memory), so no scheme of it will come. Had it built the
        // round, its scheme would have reached us; a round built in the moment the connection
        // dropped is the exception, and its escrow is refunded after the deadline.
        if (g.reason() == "unknown_round" && !self->schemed_) {
          self->Emit("dropped", {{"round", *self->round_}, {"reason", "unknown_round"}},
                     "round " + std::to_string(*self->round_) +
                         " is unknown to the RSU (restarted): dropped");
          self->Finish(false, "dropped");
        }
        return;
      }
      const auto& j = g.result;
      if (!self->schemed_ && j.contains("round_tx") && j.value("state", "") != "dropped") {
        nlohmann::json mine = nlohmann::json::array();
        for (const auto& t : j["trades"]) {
          if (t["buyer"] == self->me_.id) {
            mine.push_back({{"escrow", t["escrow"]},
                            {"role", "buyer"},
                            {"counterparty", t["seller"]},
                            {"price", t["price"]},
                            {"energy_wh", t["energy_wh"]},
                            {"loss_wh", t["loss_wh"]},
                            {"amount", t["amount"]}});
          }
        }
        self->OnScheme(mine, j["round_tx"].get<std::string>());
      }
      if (!self->committed_ && j.value("state", "") == "committed") {
        self->OnCommitted(
            {{"round", j["round"]}, {"round_tx", j["round_tx"]}, {"block", j["block"]}});
      }
      if (j.value("state", "") == "dropped") {
        self->Emit("dropped", j, "round dropped: " + j.value("reason", ""));
        self->Finish(false, "dropped");
      }
    });
  });
}

void Buyer::SendRequest() {
  auto self = std::static_pointer_cast<Buyer>(shared_from_this());
  auto send = [self] {
    self->SendSigned("vehicle_request", *self->bid_hex_, [self](const CallResult& r) {
      self->Learn(r);
      if (r.code == -1) return;  // reconnecting; the same bytes go again
      if (r.ok) {
        self->round_ = r.result["round"].get<uint64_t>();
        self->Emit("accepted", r.result,
                   "request accepted in round " + std::to_string(*self->round_) +
                       " (offers until " + std::to_string(r.result["deadline"].get<int64_t>()) +
                       ")");
        if (self->wait_ == WaitFor::kAccepted) self->Finish(true);
        return;
      }
      self->next_nonce_.reset();
      if (r.reason() == "wrong_round" && r.data.contains("round")) {
        self->bid_hex_.reset();  // sign again for the open round
        return self->SendRequest();
      }
      if (r.reason() == "bid_outside_window" && self->restamps_ < kMaxRestamps) {
        ++self->restamps_;  // e.g. resent after a reconnect: stamp again from the server time
        self->bid_hex_.reset();
        return self->SendRequest();
      }
      self->Emit("refused", r.data, "request refused: " + Refusal(r));
      self->Finish(false, r.reason().empty() ? r.message : r.reason());
    });
  };
  if (bid_hex_) return send();
  Call("vehicle_getRound", {"current"}, [self, send](const CallResult& g) {
    self->Learn(g);
    if (!g.ok) return;
    const uint64_t round = g.result["round"].get<uint64_t>();
    const std::string rsu = g.result["rsu"].get<std::string>();
    // An open round takes timestamps from its T_stamp on; one this request opens gets T_stamp =
    // the second the RSU accepts it, so the server time is rounded up (vehicle-api.md).
    std::optional<int64_t> t_stamp;
    if (g.result.value("open", false) && g.result.contains("t_stamp"))
      t_stamp = g.result["t_stamp"].get<int64_t>();
    self->WithNextNonce([self, send, round, rsu, t_stamp](uint64_t nonce) {
      const int64_t ms = self->ServerNowMs();
      const int64_t ts = t_stamp ? std::max(ms / 1000, *t_stamp) : (ms + 999) / 1000;
      const chain::Tx tx = SignBuyerBid(self->me_, nonce, rsu, round, self->terms_, ts);
      self->bid_hex_ = Hex(tx);
      send();
    });
  });
}

void Buyer::OnScheme(const nlohmann::json& trades, const std::string& round_tx) {
  schemed_ = true;
  trades_ = trades;
  if (trades.empty()) {
    Emit("scheme", {{"round", *round_}, {"round_tx", round_tx}, {"trades", trades}},
         "the scheme gives this buyer no trade");
    return Finish(true);
  }
  std::string words = "scheme: ";
  for (const auto& t : trades) {
    words += std::to_string(t["energy_wh"].get<int64_t>()) + " Wh from " +
             t["counterparty"].get<std::string>() + " at " +
             std::to_string(t["price"].get<int64_t>()) + "/kWh (escrow " +
             t["escrow"].get<std::string>().substr(0, 16) + "); ";
  }
  Emit("scheme", {{"round", *round_}, {"round_tx", round_tx}, {"trades", trades}}, words);
}

void Buyer::OnCommitted(const nlohmann::json& detail) {
  committed_ = true;
  Emit("committed", detail,
       "round committed at block " + std::to_string(detail["block"].get<uint64_t>()));
  if (wait_ != WaitFor::kSettled) return Finish(true);
  for (const auto& t : trades_) {
    const auto escrow = HashOf(t["escrow"]);
    const int64_t scheduled = t["energy_wh"].get<int64_t>();
    const auto metered = static_cast<int64_t>(static_cast<double>(scheduled) * fraction_);
    open_escrows_.insert(t["escrow"].get<std::string>());
    Cosign(*escrow, std::clamp<int64_t>(metered, 0, scheduled));
    auto self = std::static_pointer_cast<Buyer>(shared_from_this());
    Call("vehicle_getEscrow", nlohmann::json::array({t["escrow"]}), [self, t](const CallResult& r) {
      if (r.ok && r.result.contains("deadline")) {
        self->ScheduleRefundCheck(t["escrow"].get<std::string>(),
                                  r.result["deadline"].get<int64_t>());
      }
    });
  }
}

void Buyer::OnPush(const nlohmann::json& r) {
  const std::string type = r.value("type", "");
  if (!round_ || (r.contains("round") && r["round"] != *round_)) {
    if (type != "settled" && type != "refunded") return;
  }
  // Until the round is committed a later scheme replaces the earlier one: the RSU signs a round
  // again when the node dropped its first version (new round_tx, trades and escrows).
  if (type == "scheme" && !committed_) {
    return OnScheme(r["trades"], r["round_tx"].get<std::string>());
  }
  if (type == "bid_dropped") {
    Emit(type, r, "the RSU left the bid out of the round: " + r.value("reason", ""));
    return Finish(false, r.value("reason", "bid_dropped"));
  }
  if (type == "committed") return OnCommitted(r);
  if (type == "uncommitted")
    return Emit(type, r, "a reorg took the round out of the chain; waiting");
  if (type == "dropped") {
    Emit(type, r, "round dropped: " + r.value("reason", ""));
    return Finish(false, "dropped");
  }
  if (type == "settled" || type == "refunded") {
    const std::string escrow = r["escrow"].get<std::string>();
    if (!open_escrows_.erase(escrow)) return;
    Emit(type, r,
         "escrow " + escrow.substr(0, 16) + " " + type + " at block " +
             std::to_string(r["block"].get<uint64_t>()));
    if (open_escrows_.empty()) Finish(true);
  }
}

}  // namespace v2v::vehicle
