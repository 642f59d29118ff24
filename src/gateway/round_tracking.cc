// RoundBook: closing a round at its deadline (Step 5) and following it onto the chain on the
// node's chain event feed.
#include <algorithm>

#include "auction/round_builder.h"
#include "chain/block.h"
#include "contract/receipts.h"
#include "gateway/round_book.h"

namespace v2v::gateway {

namespace {
constexpr int64_t kKeepRoundsS = 3600;
constexpr int64_t kDropGraceS = 30;
// A round is built at the instant T_stamp + T_limit, when its window closes (ClosesAtMs: a bid
// arriving then or later is refused, Step 5). It is submitted at once; a block stamped before
// T_stamp + T_limit cannot take it (contract C-4.1), so it waits in the mempool for a later block
// (its lock time, node/mempool.h), never dropped.
int64_t BuildAtMs(const Round& r) { return ClosesAtMs(r); }
}  // namespace

std::optional<int64_t> RoundBook::NextTickMs() const {
  std::optional<int64_t> next;
  for (uint64_t n : open_) {
    const int64_t at = BuildAtMs(rounds_.at(n));
    if (!next || at < *next) next = at;
  }
  return next;
}

const Round* RoundBook::OpenRoundAt(int64_t now_ms) const {
  if (open_.empty()) return nullptr;
  const Round& newest = rounds_.at(*open_.rbegin());
  if (!TakesNewBuyer(newest, now_ms)) return nullptr;
  return &newest;
}

void RoundBook::Tick(int64_t now_ms) {
  const int64_t now_s = now_ms / 1000;
  // In number order, so that a vehicle's bids and the RSU's nonces follow the rounds' order.
  for (auto it = open_.begin(); it != open_.end();) {
    Round& r = rounds_.at(*it);
    if (now_ms < BuildAtMs(r)) {
      ++it;
      continue;
    }
    it = open_.erase(it);
    Build(r, now_ms);
  }
  const int64_t max_age = node_.ContractParams().max_round_age_s;
  for (auto& [n, r] : rounds_) {
    if (r.state == RoundState::kBuilt && now_s > r.deadline_s() + max_age + kDropGraceS) {
      Drop(r, "not in a block before the ledger's max round age");
    }
  }
  Forget(now_ms);
}

void RoundBook::Push(const Round& r, const nlohmann::json& result) {
  for (const std::string& id : r.bidders) sink_.ToVehicle(id, result);
}

// Each bidder's trades in r, in one pass over them (a round of n bidders has up to n trades).
std::map<std::string, nlohmann::json> TradesByBidder(const Round& r) {
  std::map<std::string, nlohmann::json> out;
  for (const std::string& id : r.bidders) out[id] = nlohmann::json::array();
  for (const auto& t : r.trades) {
    const std::string& buyer = t.at("buyer").get_ref<const std::string&>();
    const std::string& seller = t.at("seller").get_ref<const std::string&>();
    for (const bool as_buyer : {true, false}) {
      auto it = out.find(as_buyer ? buyer : seller);
      if (it == out.end()) continue;
      it->second.push_back({{"escrow", t.at("escrow")},
                            {"role", as_buyer ? "buyer" : "seller"},
                            {"counterparty", as_buyer ? seller : buyer},
                            {"price", t.at("price")},
                            {"energy_wh", t.at("energy_wh")},
                            {"loss_wh", t.at("loss_wh")},
                            {"fee", t.at("fee")},
                            {"amount", t.at("amount")}});
    }
  }
  return out;
}

void RoundBook::Build(Round& r, int64_t now_ms) {
  LeaveOutInvalidBids(r, now_ms / 1000);
  if (r.buyers.empty() && r.sellers.empty()) return Drop(r, "no bid can be applied any more");
  auction::RoundParams p;
  p.round = r.number;
  p.t_stamp_s = r.t_stamp_s;
  p.t_limit_s = r.t_limit_s;
  p.v_min = options_.auction.v_min;
  p.c_max = options_.auction.c_max;
  p.l1_micro = options_.auction.l1_micro;
  p.l2_micro = options_.auction.l2_micro;
  p.radius_m = options_.auction.radius_m;
  if (const auto* tariff = contract::GridTariffOf(node_.ContractParams(), options_.rsu)) {
    p.grid = *tariff;
  }
  p.mechanism = node_.ContractParams().mechanism;  // C-4.9
  auto built = auction::BuildRound(p, r.buyers, r.sellers);
  if (!built.ok()) return Drop(r, "the round could not be built: " + built.status().message());
  for (const auction::GridLeftOutBid& x : built->grid_left_out) {
    LeaveOut(r, x.bid,
             Refuse(GridReason(x.why.verdict),
                    market::GridVerdictDetail(x.why.verdict, x.why.option, x.why.bound)));
    const Hash32 hash = chain::TxHash(x.bid);
    std::erase_if(x.why.buyer ? r.buyers : r.sellers,
                  [&](const chain::Tx& t) { return chain::TxHash(t) == hash; });
  }
  if (built->round.buyers.empty() && built->round.sellers.empty()) {
    return Drop(r, "the grid beat every bid");
  }
  chain::Tx tx;
  tx.network = node_.ContractParams().network;
  tx.sender = options_.rsu;
  tx.nonce = NextNonce(options_.rsu);
  tx.body = built->round;
  chain::SignTx(tx, key_);
  auto h = node_.Submit(tx);
  if (!h.ok()) return Drop(r, "the node refused the round: " + h.ToStatus().message());
  pending_[options_.rsu].push_back({tx.nonce, 0, 0, r.number, *h});
  // The escrows the contract will create (the deadline is the block's to set).
  Record(r, tx, *h,
         contract::RoundEscrowsOf(node_.ContractParams(), options_.rsu, built->round, *h, 0));
}

void RoundBook::Record(Round& r, const chain::Tx& tx, const Hash32& h,
                       const std::vector<contract::EscrowCreated>& escrows) {
  if (!r.round_tx.IsZero() && r.round_tx != h) r.earlier_txs.push_back(r.round_tx);
  std::erase(r.earlier_txs, h);
  for (const Hash32& e : r.escrows) escrows_.erase(e);
  r.escrows.clear();
  r.state = RoundState::kBuilt;
  r.round_tx = h;
  r.rsu_nonce = tx.nonce;
  round_by_tx_[h] = r.number;
  const chain::TradingRound& tr = std::get<chain::TradingRound>(tx.body);
  r.buyers = tr.buyers;  // as signed (sorted; a version signed before a re-sign may differ)
  r.sellers = tr.sellers;
  r.trades = nlohmann::json::array();
  for (const contract::EscrowCreated& e : escrows) {
    escrows_[e.escrow] = {e.buyer, e.seller, r.number};
    r.escrows.push_back(e.escrow);
    r.trades.push_back({{"escrow", e.escrow.Hex()},
                        {"buyer", e.buyer},
                        {"seller", e.seller},
                        {"price", e.price},
                        {"energy_wh", e.energy_wh},
                        {"loss_wh", e.loss_wh},
                        {"fee", e.fee},
                        {"amount", e.amount}});
  }
  for (auto& [id, trades] : TradesByBidder(r)) {
    sink_.ToVehicle(id, {{"type", "scheme"},
                         {"round", r.number},
                         {"round_tx", h.Hex()},
                         {"trades", std::move(trades)}});
  }
}

void RoundBook::ReleaseRound(uint64_t round) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto& v = it->second;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const Pending& e) { return e.round == round; }),
            v.end());
    it = v.empty() ? pending_.erase(it) : std::next(it);
  }
}

void RoundBook::ReleaseTx(const Hash32& hash) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto& v = it->second;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const Pending& e) { return e.hash == hash; }),
            v.end());
    it = v.empty() ? pending_.erase(it) : std::next(it);
  }
}

// A round a reorg took out of the chain goes back to the mempool (the node re-admits it): its
// bids' nonces and reservations are pending again.
void RoundBook::Repend(const Round& r) {
  for (const chain::Tx& b : r.buyers) {
    const int64_t money = MaxPayment(std::get<chain::BuyerBid>(b.body), options_.auction);
    pending_[b.sender].push_back({b.nonce, money, 0, r.number, chain::TxHash(b)});
  }
  for (const chain::Tx& s : r.sellers) {
    pending_[s.sender].push_back(
        {s.nonce, 0, std::get<chain::SellerBid>(s.body).s_t_wh, r.number, chain::TxHash(s)});
  }
}

void RoundBook::Drop(Round& r, const std::string& reason) {
  open_.erase(r.number);
  r.state = RoundState::kDropped;
  r.drop_reason = reason;
  ReleaseRound(r.number);
  Push(r, {{"type", "dropped"}, {"round", r.number}, {"reason", reason}});
}

void RoundBook::OnHead(int64_t now_ms) {
  const chain::State& state = node_.HeadState();
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto a = state.accounts.find(it->first);
    const uint64_t committed = a == state.accounts.end() ? 0 : a->second.nonce;
    auto& v = it->second;
    v.erase(
        std::remove_if(v.begin(), v.end(), [&](const Pending& e) { return e.nonce <= committed; }),
        v.end());
    it = v.empty() ? pending_.erase(it) : std::next(it);
  }
  while (auto item = chain_->Next()) {
    if (std::holds_alternative<node::Lagged>(*item)) {
      ++lagged_;  // what it lost is not replayed (the rounds' ages still drop them)
      continue;
    }
    const node::ChainEvent& e = *std::get<std::shared_ptr<const node::ChainEvent>>(*item);
    if (const auto* removed = std::get_if<node::BlockRemoved>(&e)) {
      OnRemoved(*removed);
    } else if (const auto* applied = std::get_if<node::BlockApplied>(&e)) {
      OnApplied(*applied);
    }  // drops are not subscribed to: they come to OnTxDropped from the drop observer, at once
  }
  Tick(now_ms);
}

// A round whose block a reorg rolled back goes back to the mempool (the node re-admits it).
void RoundBook::OnRemoved(const node::BlockRemoved& removed) {
  for (auto& [n, r] : rounds_) {
    if (r.state != RoundState::kCommitted || r.block_hash != removed.hash) continue;
    r.state = RoundState::kBuilt;
    r.block.reset();
    Repend(r);
    Push(r, {{"type", "uncommitted"}, {"round", r.number}, {"round_tx", r.round_tx.Hex()}});
  }
}

void RoundBook::OnApplied(const node::BlockApplied& applied) {
  // A round of this RSU's that an earlier run of it built (this book knows nothing of it): its
  // number is taken (NodePort::HighestRoundOf).
  for (const chain::Tx& tx : applied.block->txs) {
    const auto* r = std::get_if<chain::TradingRound>(&tx.body);
    if (r != nullptr && tx.sender == options_.rsu) last_round_ = std::max(last_round_, r->round);
  }
  for (const node::TxReceipt& receipt : applied.receipts) {
    for (const contract::Settlement& s : receipt.settlements) PushSettlement(s, applied.height);
    auto it = round_by_tx_.find(receipt.tx);  // only rounds this RSU signed
    if (it == round_by_tx_.end()) continue;
    Round& r = rounds_.at(it->second);
    if (r.round_tx != receipt.tx) {  // a version signed before a re-sign
      Record(r, applied.block->txs.at(receipt.index), receipt.tx, receipt.escrows);
    }
    r.state = RoundState::kCommitted;
    r.block = applied.height;
    r.block_hash = applied.hash;
    Push(r, {{"type", "committed"},
             {"round", r.number},
             {"round_tx", r.round_tx.Hex()},
             {"block", applied.height},
             {"block_hash", applied.hash.Hex()}});
  }
}

// To both parties of an escrow of this RSU's rounds.
void RoundBook::PushSettlement(const contract::Settlement& s, uint64_t height) {
  auto e = escrows_.find(s.escrow);
  if (e == escrows_.end()) return;
  const nlohmann::json push =
      s.kind == contract::SettlementKind::kMetered
          ? nlohmann::json{{"type", "settled"},
                           {"escrow", s.escrow.Hex()},
                           {"delivered_wh", s.delivered_wh},
                           {"penalty", s.penalty},
                           {"fee", s.fee},
                           {"block", height}}
          : nlohmann::json{{"type", "refunded"}, {"escrow", s.escrow.Hex()}, {"block", height}};
  sink_.ToVehicle(e->second.buyer, push);
  sink_.ToVehicle(e->second.seller, push);
}

void RoundBook::Forget(int64_t now_ms) {
  const int64_t now_s = now_ms / 1000;
  while (!rounds_.empty()) {
    auto it = rounds_.begin();
    const Round& r = it->second;
    const bool old =
        r.t_stamp_s < now_s - kKeepRoundsS || rounds_.size() > options_.max_rounds_kept;
    if (!old || open_.count(r.number) || r.state == RoundState::kBuilt) break;
    for (const auto& [hash, ans] : r.answers) bid_round_.erase(hash);
    round_by_tx_.erase(r.round_tx);
    for (const Hash32& h : r.earlier_txs) round_by_tx_.erase(h);
    for (const Hash32& e : r.escrows) escrows_.erase(e);
    rounds_.erase(it);
  }
}

}  // namespace v2v::gateway
