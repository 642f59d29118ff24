#include "gateway/vehicle_api.h"

#include <algorithm>

#include "node/grid_json.h"
#include "node/mechanism_json.h"

namespace v2v::gateway {

namespace {
RpcProblem BadParams(const std::string& what) { return RpcProblem{nullptr, kInvalidParams, what}; }
Refusal Malformed(const std::string& what) { return Refuse(Reason::kMalformed, what); }
constexpr const char* kNotOneTx = "not the hex of one canonical transaction";
std::string RefusalMessage(const Refusal& f) {
  return std::string(ReasonName(f.reason)) + ": " + f.detail;
}
constexpr const char* kSubscribeParams = "expected [\"calls\", {x, y}] or [\"vehicle\", id, proof]";
}  // namespace

nlohmann::json RefusalData(const Refusal& r, int64_t server_time_ms) {
  nlohmann::json d = {{"reason", ReasonName(r.reason)}, {"server_time", server_time_ms}};
  if (r.expected_nonce) d["expected"] = *r.expected_nonce;
  if (r.round) d["round"] = *r.round;
  if (r.deadline_s) d["deadline"] = *r.deadline_s;
  if (!r.bound.empty()) d["bound"] = r.bound;
  return d;
}

VehicleApi::VehicleApi(RoundBookOptions options, crypto::PrivateKey key, NodePort& node,
                       const base::Clock& clock, SessionOut& out, ApiLimits limits)
    : clock_(clock),
      out_(out),
      limits_(limits),
      book_(std::move(options), std::move(key), node, *this),
      subs_(limits_.subscriptions, book_.options().auction.radius_m) {}

void VehicleApi::Open(SessionId session) {
  sessions_[session] = Session{limits_.burst, clock_.NowMs()};
}

void VehicleApi::Close(SessionId session) {
  sessions_.erase(session);
  subs_.RemoveSession(session);
}

bool VehicleApi::TakeTokens(Session& s, double n) {
  const int64_t now = clock_.NowMs();
  s.tokens = std::min(limits_.burst,
                      s.tokens + static_cast<double>(std::max<int64_t>(now - s.last_ms, 0)) *
                                     limits_.requests_per_s / 1000.0);
  s.last_ms = now;
  if (s.tokens < n) return false;
  s.tokens -= n;
  return true;
}

// Every text frame takes a token before it is parsed (a frame that is not a request costs as
// much to parse as one that is); one without a token is answered with a null id, unparsed.
std::string VehicleApi::Handle(SessionId session, std::string_view text) {
  auto s = sessions_.find(session);
  if (s == sessions_.end() || !TakeTokens(s->second, 1)) {
    const Refusal f = s == sessions_.end() ? Refuse(Reason::kInternal, "no such session")
                                           : Refuse(Reason::kRateLimited, "too many requests");
    return ResponseText(nullptr, Outcome(f, clock_.NowMs()));
  }
  auto decoded = DecodeRequest(text);
  if (auto* p = std::get_if<RpcProblem>(&decoded)) return ErrorText(p->id, p->code, p->message);
  const RpcRequest& req = std::get<RpcRequest>(decoded);
  Reply reply = Dispatch(session, req);
  if (req.id.is_null()) return "";
  return ResponseText(req.id, Outcome(std::move(reply), clock_.NowMs()));
}

nlohmann::json VehicleApi::Outcome(Reply reply, int64_t now_ms) {
  if (auto* r = std::get_if<nlohmann::json>(&reply)) {
    if (r->is_object() && !r->contains("server_time")) (*r)["server_time"] = now_ms;
    return {{"result", std::move(*r)}};
  }
  if (auto* p = std::get_if<RpcProblem>(&reply))
    return {{"error", ErrorObject(p->code, p->message)}};
  const Refusal& f = std::get<Refusal>(reply);
  return {{"error", ErrorObject(kRefused, RefusalMessage(f), RefusalData(f, now_ms))}};
}

VehicleApi::Reply VehicleApi::Dispatch(SessionId session, const RpcRequest& req) {
  const auto& m = req.method;
  const auto& p = req.params;
  if (m == "vehicle_request") return Bid(p, true);
  if (m == "vehicle_offer") return Bid(p, false);
  if (m == "vehicle_register") return Tx(p, true);
  if (m == "vehicle_submit") return Tx(p, false);
  if (m == "vehicle_submitBatch") return Batch(session, p);
  if (m == "vehicle_getRound") return GetRound(p);
  if (m == "vehicle_getAccount") return GetAccount(p);
  if (m == "vehicle_getEscrow") return GetEscrow(p);
  if (m == "vehicle_cosign") return Cosign(p);
  if (m == "vehicle_subscribe") return Subscribe(session, p);
  if (m == "vehicle_unsubscribe") return Unsubscribe(session, p);
  return RpcProblem{nullptr, kMethodNotFound, "unknown method " + m.substr(0, 64)};
}

VehicleApi::Reply VehicleApi::Bid(const nlohmann::json& params, bool buyer) {
  if (params.size() != 1) return BadParams("expected [signed transaction hex]");
  auto tx = TxFromHex(params[0]);
  if (!tx) return Malformed(kNotOneTx);
  return BidTx(*tx, buyer);
}

VehicleApi::Reply VehicleApi::BidTx(const chain::Tx& tx, bool buyer) {
  const int64_t now = clock_.NowMs();
  BidResult r = buyer ? book_.Request(tx, now) : book_.Offer(tx, now);
  if (auto* f = std::get_if<Refusal>(&r)) return *f;
  const BidAnswer& a = std::get<BidAnswer>(r);
  return nlohmann::json{{"round", a.round},
                        {"t_stamp", a.t_stamp_s},
                        {"t_limit", a.t_limit_s},
                        {"deadline", a.t_stamp_s + a.t_limit_s},
                        {"bid_hash", a.bid_hash.Hex()}};
}

VehicleApi::Reply VehicleApi::Tx(const nlohmann::json& params, bool registration) {
  if (params.size() != 1) return BadParams("expected [signed transaction hex]");
  auto tx = TxFromHex(params[0]);
  if (!tx) return Malformed(kNotOneTx);
  return SubmitTx(*tx, registration);
}

VehicleApi::Reply VehicleApi::SubmitTx(const chain::Tx& tx, bool registration) {
  TxResult r = registration ? book_.Register(tx, clock_.NowMs()) : book_.Submit(tx, clock_.NowMs());
  if (auto* f = std::get_if<Refusal>(&r)) return *f;
  return nlohmann::json{{"tx_hash", std::get<Hash32>(r).Hex()}};
}

// [[HEX, ...]]: up to limits_.max_batch transactions of any vehicles, each answered as its single
// method would answer it, in order. The frame took one token before it was parsed; the batch's
// other transactions take one each, all or none (rate_limited: nothing is looked at).
VehicleApi::Reply VehicleApi::Batch(SessionId session, const nlohmann::json& params) {
  if (params.size() != 1 || !params[0].is_array() || params[0].empty())
    return Malformed("expected [[signed transaction hex, ...]] with at least one transaction");
  const nlohmann::json& txs = params[0];
  if (txs.size() > limits_.max_batch) {
    return Refuse(Reason::kBatchTooLarge, std::to_string(txs.size()) + " transactions; at most " +
                                              std::to_string(limits_.max_batch));
  }
  auto s = sessions_.find(session);
  if (s == sessions_.end() || !TakeTokens(s->second, static_cast<double>(txs.size() - 1)))
    return Refuse(Reason::kRateLimited, "a batch of N transactions takes N tokens");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& hex : txs) out.push_back(Outcome(BatchItem(hex), clock_.NowMs()));
  return out;
}

// The single method of a transaction's kind: vehicle_request (BuyerBid), vehicle_offer
// (SellerBid), vehicle_register (Register), vehicle_submit (any other: it refuses what it does not
// take, wrong_kind).
VehicleApi::Reply VehicleApi::BatchItem(const nlohmann::json& hex) {
  auto tx = TxFromHex(hex);
  if (!tx) return Malformed(kNotOneTx);
  if (std::holds_alternative<chain::BuyerBid>(tx->body)) return BidTx(*tx, true);
  if (std::holds_alternative<chain::SellerBid>(tx->body)) return BidTx(*tx, false);
  return SubmitTx(*tx, std::holds_alternative<chain::Register>(tx->body));
}

nlohmann::json VehicleApi::RoundJson(const Round* r, uint64_t number) const {
  const auto& o = book_.options();
  nlohmann::json j = {{"rsu", o.rsu},
                      {"network", chain::NetworkHex(book_.node().ContractParams().network)},
                      {"round", number},
                      {"open", r != nullptr && r->state == RoundState::kOpen},
                      {"t_limit", r ? r->t_limit_s : o.t_limit_s},
                      {"v_min", o.auction.v_min},
                      {"c_max", o.auction.c_max},
                      {"radius_m", o.auction.radius_m},
                      {"max_skew_s", kMaxSkewS}};
  // The area's grid tariff from the genesis (contract C-4.7): every bid here is priced against it.
  if (const auto* tariff = contract::GridTariffOf(book_.node().ContractParams(), o.rsu)) {
    j["grid"] = node::GridToJson({{o.rsu, *tariff}}).at(0);
    j["grid"].erase("rsu");
  }
  j["mechanism"] = node::MechanismToJson(book_.node().ContractParams().mechanism);  // C-4.9
  if (r == nullptr) return j;
  j["t_stamp"] = r->t_stamp_s;
  j["deadline"] = r->deadline_s();
  j["state"] = RoundStateName(r->state);
  if (r->state != RoundState::kOpen && !r->round_tx.IsZero()) j["round_tx"] = r->round_tx.Hex();
  if (r->block) j["block"] = *r->block;
  if (!r->drop_reason.empty()) j["reason"] = r->drop_reason;
  j["trades"] = r->trades;
  nlohmann::json buyers = nlohmann::json::array(), sellers = nlohmann::json::array();
  for (const auto& b : r->buyers) buyers.push_back(b.sender);
  for (const auto& x : r->sellers) sellers.push_back(x.sender);
  j["buyers"] = buyers;
  j["sellers"] = sellers;
  return j;
}

VehicleApi::Reply VehicleApi::GetRound(const nlohmann::json& params) {
  if (params.size() != 1) return BadParams("expected [\"current\"] or [round]");
  if (params[0] == "current") {  // a read: the tick timer builds a due round, not this
    const int64_t now = clock_.NowMs();
    return RoundJson(book_.OpenRoundAt(now), book_.CurrentRoundNumber(now));
  }
  if (!params[0].is_number_unsigned()) return BadParams("round must be a number or \"current\"");
  const uint64_t n = params[0].get<uint64_t>();
  const Round* r = book_.Find(n);
  if (r == nullptr) return Refuse(Reason::kUnknownRound, "no round " + std::to_string(n) + " here");
  return RoundJson(r, n);
}

VehicleApi::Reply VehicleApi::GetAccount(const nlohmann::json& params) {
  if (params.size() != 1 || !params[0].is_string()) return BadParams("expected [account id]");
  const std::string id = params[0].get<std::string>();
  const chain::State& state = book_.node().HeadState();
  auto a = state.accounts.find(id);
  if (a == state.accounts.end())
    return Refuse(Reason::kUnknownVehicle, "no account " + id.substr(0, 64));
  return nlohmann::json{{"id", id},
                        {"energy_wh", a->second.energy_wh},
                        {"balance", a->second.balance},
                        {"nonce", a->second.nonce},
                        {"next_nonce", book_.NextNonce(id)},
                        {"revoked", state.revoked.count(a->second.cert_hash) > 0}};
}

VehicleApi::Reply VehicleApi::GetEscrow(const nlohmann::json& params) {
  if (params.size() != 1) return BadParams("expected [escrow id hex]");
  auto id = Hash32FromHex(params[0]);
  if (!id) return BadParams("escrow id: 32 bytes of hex");
  nlohmann::json j = {{"escrow", id->Hex()}};
  const auto& escrows = book_.node().HeadState().escrows;
  if (auto e = escrows.find(*id); e != escrows.end()) {
    const chain::Escrow& x = e->second;
    j.update({{"state", "open"},
              {"buyer", x.buyer},
              {"seller", x.seller},
              {"energy_wh", x.energy_wh},
              {"loss_wh", x.loss_wh},
              {"price", x.price},
              {"fee", x.fee},
              {"amount", x.amount},
              {"deadline", x.deadline_s}});
  } else {
    j["state"] = "closed_or_unknown";
  }
  if (const nlohmann::json* c = book_.CosignOf(*id)) j["cosign"] = *c;
  return j;
}

VehicleApi::Reply VehicleApi::Cosign(const nlohmann::json& params) {
  if (params.size() != 1 || !params[0].is_object())
    return BadParams("expected [{escrow, delivered_wh, buyer_key, signature}]");
  const auto& o = params[0];
  auto escrow = Hash32FromHex(o.value("escrow", nlohmann::json()));
  auto key = KeyFromHex(o.value("buyer_key", nlohmann::json()));
  auto sig = SignatureFromHex(o.value("signature", nlohmann::json()));
  auto wh = o.find("delivered_wh");
  if (!escrow || !key || !sig || wh == o.end() || !wh->is_number_integer()) {
    return BadParams("escrow, buyer_key, signature (hex) and delivered_wh (integer) are required");
  }
  if (auto r = book_.Cosign(*escrow, wh->get<int64_t>(), *key, *sig)) return *r;
  return nlohmann::json{{"escrow", escrow->Hex()}, {"delivered_wh", wh->get<int64_t>()}};
}

VehicleApi::Reply VehicleApi::Subscribe(SessionId session, const nlohmann::json& params) {
  if (params.size() < 2 || params.size() > 3 || !params[0].is_string())
    return BadParams(kSubscribeParams);
  SubscriptionTopic topic;
  if (params[0] == "calls" && params.size() == 2) {
    const auto& pos = params[1];
    if (!pos.is_object() || !pos.value("x", nlohmann::json()).is_number_integer() ||
        !pos.value("y", nlohmann::json()).is_number_integer()) {
      return BadParams("calls: {\"x\": metres, \"y\": metres}");
    }
    topic = CallsAt{pos["x"].get<int64_t>(), pos["y"].get<int64_t>()};
  } else if (params[0] == "vehicle" && params[1].is_string() &&
             params[1].get_ref<const std::string&>().size() <= chain::kMaxIdBytes) {
    if (auto f = ProveVehicle(params)) return *f;
    topic = params[1].get<std::string>();
  } else {
    return BadParams(kSubscribeParams);
  }
  SubscriptionResult added = subs_.Add(session, std::move(topic));
  if (auto* f = std::get_if<Refusal>(&added)) return *f;
  return nlohmann::json(std::get<SubscriptionId>(added));
}

// A vehicle's pushes carry its schemes (counterparty, price, energy, escrow) before the round is
// on chain: only the holder of its key subscribes to them.
std::optional<Refusal> VehicleApi::ProveVehicle(const nlohmann::json& params) const {
  if (params.size() < 3) {
    return Refuse(Reason::kProofRequired,
                  "a vehicle subscription proves the vehicle's key: [\"vehicle\", id, {\"key\", "
                  "\"timestamp\", \"signature\"}]");
  }
  auto proof = KeyProofFromJson(params[2]);
  if (!proof) return Malformed("proof: {\"key\": hex, \"timestamp\": s, \"signature\": hex}");
  const NodePort& node = book_.node();
  return CheckKeyProof(node.ContractParams().network, book_.options().rsu,
                       params[1].get<std::string>(), *proof, node.HeadState(), node.Verifier(),
                       clock_.NowMs() / 1000);
}

VehicleApi::Reply VehicleApi::Unsubscribe(SessionId session, const nlohmann::json& params) {
  if (params.size() != 1 || !params[0].is_string()) return BadParams("expected [subscription id]");
  return nlohmann::json(subs_.Remove(session, params[0].get<std::string>()));
}

std::shared_ptr<const std::string> VehicleApi::StampedPushHead(const nlohmann::json& result) {
  nlohmann::json r = result;
  r["server_time"] = clock_.NowMs();
  return PushHead(r);
}

void VehicleApi::ToVehicle(const std::string& id, const nlohmann::json& result) {
  auto head = StampedPushHead(result);
  subs_.ForVehicle(id, [&](SessionId session, const SubscriptionId& sub) {
    out_.Send(session, PushFrame(head, sub));
  });
}

void VehicleApi::Call(int64_t x_m, int64_t y_m, int64_t radius_m, const nlohmann::json& result) {
  auto head = StampedPushHead(result);
  subs_.ForCallsWithin(x_m, y_m, radius_m, [&](SessionId session, const SubscriptionId& sub) {
    out_.Send(session, PushFrame(head, sub));
  });
}

}  // namespace v2v::gateway
