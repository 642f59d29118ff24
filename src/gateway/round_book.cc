#include "gateway/round_book.h"

#include <algorithm>

#include "contract/trading_contract.h"
#include "crypto/hash.h"

namespace v2v::gateway {

std::string_view RoundStateName(RoundState s) {
  switch (s) {
    case RoundState::kOpen:
      return "open";
    case RoundState::kBuilt:
      return "built";
    case RoundState::kCommitted:
      return "committed";
    case RoundState::kDropped:
      return "dropped";
  }
  return "open";
}

RoundBook::RoundBook(RoundBookOptions options, crypto::PrivateKey key, NodePort& node,
                     PushSink& sink)
    : options_(std::move(options)),
      key_(std::move(key)),
      node_(node),
      sink_(sink),
      chain_(node.SubscribeChain()) {
  options_.auction.network_fee =
      contract::NetworkFeeOf(node.ContractParams(), options_.rsu).per_kwh;
  if (node.ContractParams().mechanism.kind == market::ChainMechanismKind::kMcAfee) {
    options_.auction.payment_rounding_slack = 1;  // C-4.9: the spread is a second rounding
  }
  // Above every round number this RSU used before this book (a restart): numbers are server
  // seconds, and a clock set back would otherwise number a round as an earlier one.
  last_round_ = node_.HighestRoundOf(options_.rsu);
}

const Round* RoundBook::Find(uint64_t number) const {
  auto it = rounds_.find(number);
  return it == rounds_.end() ? nullptr : &it->second;
}

uint64_t RoundBook::CurrentRoundNumber(int64_t now_ms) const {
  if (const Round* r = OpenRoundAt(now_ms)) return r->number;
  return std::max(last_round_ + 1, static_cast<uint64_t>(std::max<int64_t>(now_ms / 1000, 0)));
}

uint64_t RoundBook::NextNonce(const std::string& id) const {
  const auto& accounts = node_.HeadState().accounts;
  auto a = accounts.find(id);
  uint64_t n = (a == accounts.end() ? 0 : a->second.nonce) + 1;
  while (PendingHere(id, n) || node_.PendingNonceUser(id, n)) ++n;
  return n;
}

bool RoundBook::PendingHere(const std::string& id, uint64_t nonce) const {
  auto p = pending_.find(id);
  if (p == pending_.end()) return false;
  return std::any_of(p->second.begin(), p->second.end(),
                     [nonce](const Pending& e) { return e.nonce == nonce; });
}

std::pair<int64_t, int64_t> RoundBook::Reserved(const std::string& id) const {
  int64_t money = 0, energy = 0;
  auto p = pending_.find(id);
  if (p != pending_.end()) {
    for (const Pending& e : p->second) {
      money += e.money;
      energy += e.energy_wh;
    }
  }
  return {money, energy};
}

std::optional<Refusal> RoundBook::CheckSignedHere(const chain::Tx& tx) {
  if (auto r = contract::CheckNetwork(tx, node_.ContractParams())) {
    return Refuse(FromReject(r->code), r->detail);
  }
  if (auto r = CheckSigned(tx)) return r;
  node_.NoteChecked(chain::TxHash(tx));
  return std::nullopt;
}

std::optional<Refusal> RoundBook::CheckNonce(const chain::Tx& tx) const {
  const auto& accounts = node_.HeadState().accounts;
  auto a = accounts.find(tx.sender);
  const uint64_t committed = a == accounts.end() ? 0 : a->second.nonce;
  const uint64_t expected = NextNonce(tx.sender);
  if (tx.nonce == expected) return std::nullopt;
  const std::string n = "nonce " + std::to_string(tx.nonce);
  Refusal r = Refuse(Reason::kBadNonce, n + ", expected " + std::to_string(expected));
  if (tx.nonce <= committed) {
    r = Refuse(Reason::kReplayed, n + " already used on the ledger");
  } else if (tx.nonce < expected) {  // e.g. by this vehicle's bid in another RSU's round
    r = Refuse(Reason::kNonceTaken, n + " is used by a pending transaction");
  }
  r.expected_nonce = expected;
  return r;
}

bool RoundBook::TakesNewBuyer(const Round& r, int64_t now_ms) const {
  return now_ms < ClosesAtMs(r) && r.bidders.size() < options_.max_bids_per_round;
}

size_t RoundBook::RoundsInFlight() const { return InFlight().size(); }

std::vector<const Round*> RoundBook::InFlight() const {
  std::vector<const Round*> out;
  for (const auto& [number, r] : rounds_) {
    if (r.state == RoundState::kOpen || r.state == RoundState::kBuilt) out.push_back(&r);
  }
  return out;
}

Refusal RoundBook::NotOpen(uint64_t round, int64_t now_ms) const {
  if (const Round* r = Find(round); r != nullptr && now_ms >= ClosesAtMs(*r)) {
    Refusal d =
        Refuse(Reason::kDeadlinePassed, "offers closed at " + std::to_string(r->deadline_s()));
    d.deadline_s = r->deadline_s();
    return d;
  }
  if (open_.empty()) return Refuse(Reason::kNoOpenRound, "no round is open at " + options_.rsu);
  Refusal w = Refuse(Reason::kWrongRound, "round " + std::to_string(round) + " is not open");
  w.round = OpenRoundAt(now_ms) != nullptr ? CurrentRoundNumber(now_ms) : *open_.rbegin();
  return w;
}

std::optional<Refusal> RoundBook::CheckOpen(uint64_t round, int64_t timestamp_s,
                                            int64_t now_ms) const {
  const int64_t now_s = now_ms / 1000;
  auto wrong = [&](std::string detail) {
    Refusal r = Refuse(Reason::kWrongRound, std::move(detail));
    r.round = CurrentRoundNumber(now_ms);
    return r;
  };
  if (const Round* joins = OpenRoundAt(now_ms)) {
    return wrong("round " + std::to_string(joins->number) + " is open");
  }
  if (round <= last_round_ || round > static_cast<uint64_t>(now_s + 60)) {
    return wrong("round " + std::to_string(round) + " cannot be opened now");
  }
  if (open_.size() >= options_.max_open_rounds ||
      RoundsInFlight() >= options_.max_rounds_in_flight) {
    return Refuse(Reason::kTooManyRounds, std::to_string(open_.size()) + " rounds open, " +
                                              std::to_string(RoundsInFlight()) +
                                              " not yet on chain; at most " +
                                              std::to_string(options_.max_open_rounds) + " and " +
                                              std::to_string(options_.max_rounds_in_flight));
  }
  // The round would open now (T_stamp = now_s); its opening bid must lie in its window too.
  return CheckWindow(timestamp_s, now_s, options_.t_limit_s);
}

std::optional<Refusal> RoundBook::CheckJoin(const chain::Tx& tx, const Round& r,
                                            int64_t timestamp_s, int64_t now_ms) const {
  if (now_ms >= ClosesAtMs(r)) return NotOpen(r.number, now_ms);
  if (auto w = CheckWindow(timestamp_s, r.t_stamp_s, r.t_limit_s)) return w;
  if (r.bidders.count(tx.sender))
    return Refuse(Reason::kDuplicate, tx.sender + " already bids in this round");
  if (r.bidders.size() >= options_.max_bids_per_round)
    return Refuse(Reason::kRoundFull, "the round is full");
  return std::nullopt;
}

BidAnswer RoundBook::Accept(Round& r, const chain::Tx& tx, int64_t money, int64_t energy_wh) {
  const Hash32 hash = chain::TxHash(tx);
  const bool buyer = std::holds_alternative<chain::BuyerBid>(tx.body);
  (buyer ? r.buyers : r.sellers).push_back(tx);
  BidAnswer ans{r.number, r.t_stamp_s, r.t_limit_s, hash};
  r.answers[hash] = ans;
  r.bidders.insert(tx.sender);
  bid_round_[hash] = r.number;
  pending_[tx.sender].push_back({tx.nonce, money, energy_wh, r.number, hash});
  sink_.ToVehicle(tx.sender, {{"type", "bid"},
                              {"round", r.number},
                              {"bid_hash", hash.Hex()},
                              {"role", buyer ? "buyer" : "seller"}});
  return ans;
}

std::optional<BidResult> RoundBook::Screen(const chain::Tx& tx, const std::string& rsu,
                                           int64_t timestamp_s, int64_t now_ms) {
  const Hash32 hash = chain::TxHash(tx);
  if (auto it = bid_round_.find(hash); it != bid_round_.end())
    return rounds_.at(it->second).answers.at(hash);
  const int64_t now_s = now_ms / 1000;
  if (auto r = CheckSignedHere(tx)) return *r;
  if (auto r = CheckSender(tx, node_.HeadState(), node_.Verifier(), now_s)) return *r;
  if (auto r = CheckNonce(tx)) return *r;
  if (rsu != options_.rsu) return Refuse(Reason::kWrongRsu, "this RSU is " + options_.rsu);
  if (auto r = CheckSkew(timestamp_s, now_s)) return *r;
  return std::nullopt;
}

BidResult RoundBook::Request(const chain::Tx& tx, int64_t now_ms) {
  Tick(now_ms);
  const auto* b = std::get_if<chain::BuyerBid>(&tx.body);
  if (b == nullptr) return Refuse(Reason::kWrongKind, "vehicle_request takes a signed BuyerBid");
  if (auto answered = Screen(tx, b->rsu, b->timestamp_s, now_ms)) return *answered;
  const int64_t now_s = now_ms / 1000;
  const bool opens = open_.count(b->round) == 0;
  if (auto r = opens ? CheckOpen(b->round, b->timestamp_s, now_ms)
                     : CheckJoin(tx, rounds_.at(b->round), b->timestamp_s, now_ms))
    return *r;
  const auto reserved = Reserved(tx.sender);
  if (auto r = CheckBuyer(*b, options_.auction, node_.HeadState().accounts.at(tx.sender),
                          reserved.first))
    return *r;
  if (auto r = CheckBuyerBeatsGrid(*b, contract::GridTariffOf(node_.ContractParams(), options_.rsu),
                                   opens ? now_s : rounds_.at(b->round).t_stamp_s))
    return *r;
  if (opens) {
    if (pending_.size() >= options_.max_pending_vehicles)
      return Refuse(Reason::kRoundFull, "too many pending vehicles");
    Round r;
    r.number = b->round;
    r.t_stamp_s = now_s;  // the RSU's time of acceptance, not the buyer's timestamp
    r.t_limit_s = options_.t_limit_s;
    rounds_[r.number] = std::move(r);
    open_.insert(b->round);
    last_round_ = b->round;
  }
  Round& r = rounds_.at(b->round);
  BidAnswer ans = Accept(r, tx, MaxPayment(*b, options_.auction), 0);
  sink_.Call(b->x_m, b->y_m, options_.auction.radius_m,
             {{"type", "call"},
              {"rsu", options_.rsu},
              {"round", r.number},
              {"t_stamp", r.t_stamp_s},
              {"t_limit", r.t_limit_s},
              {"deadline", r.deadline_s()},
              {"buyer", tx.sender},
              {"x", b->x_m},
              {"y", b->y_m},
              {"b_min_wh", b->b_min_wh},
              {"b_max_wh", b->b_max_wh},
              {"v_max", b->v_max},
              {"radius_m", options_.auction.radius_m}});
  return ans;
}

BidResult RoundBook::Offer(const chain::Tx& tx, int64_t now_ms) {
  Tick(now_ms);
  const auto* s = std::get_if<chain::SellerBid>(&tx.body);
  if (s == nullptr) return Refuse(Reason::kWrongKind, "vehicle_offer takes a signed SellerBid");
  if (auto answered = Screen(tx, s->rsu, s->timestamp_s, now_ms)) return *answered;
  if (open_.count(s->round) == 0) return NotOpen(s->round, now_ms);
  if (auto r = CheckJoin(tx, rounds_.at(s->round), s->timestamp_s, now_ms)) return *r;
  const auto reserved = Reserved(tx.sender);
  if (auto r = CheckSeller(*s, options_.auction, node_.HeadState().accounts.at(tx.sender),
                           reserved.second))
    return *r;
  return Accept(rounds_.at(s->round), tx, 0, s->s_t_wh);
}

}  // namespace v2v::gateway
