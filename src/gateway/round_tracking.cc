// RoundBook: closing a round at its deadline (Step 5) and following it onto the chain.
#include <algorithm>

#include "chain/block.h"
#include "contract/round_builder.h"
#include "contract/trading_contract.h"
#include "gateway/round_book.h"

namespace v2v::gateway {

namespace {
constexpr int64_t kKeepRoundsS = 3600;
constexpr uint64_t kMaxScanBlocks = 1000;  // per head change (a long sync is not replayed)
constexpr int64_t kDropGraceS = 30;
// A round is built as soon as its window has closed: the server clock is past the last whole
// second of [T_stamp, T_stamp + T_limit] (a bid signed in that second is still in the window). It
// is submitted at once; a block stamped before T_stamp + T_limit cannot take it (contract C-4.1),
// so it waits in the mempool for a later block (its lock time, node/mempool.h), never dropped.
int64_t BuildAtMs(const Round& r) { return (r.deadline_s() + 1) * 1000; }
}  // namespace

std::optional<int64_t> RoundBook::NextTickMs() const {
  if (!open_) return std::nullopt;
  return BuildAtMs(rounds_.at(*open_));
}

void RoundBook::Tick(int64_t now_ms) {
  const int64_t now_s = now_ms / 1000;
  if (open_) {
    Round& r = rounds_.at(*open_);
    if (now_ms >= BuildAtMs(r)) {
      open_.reset();
      Build(r, now_ms);
    }
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

nlohmann::json TradesFor(const Round& r, const std::string& id) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : r.trades) {
    const bool buyer = t.at("buyer") == id, seller = t.at("seller") == id;
    if (!buyer && !seller) continue;
    out.push_back({{"escrow", t.at("escrow")},
                   {"role", buyer ? "buyer" : "seller"},
                   {"counterparty", buyer ? t.at("seller") : t.at("buyer")},
                   {"price", t.at("price")},
                   {"energy_wh", t.at("energy_wh")},
                   {"loss_wh", t.at("loss_wh")},
                   {"amount", t.at("amount")}});
  }
  return out;
}

void RoundBook::Build(Round& r, int64_t now_ms) {
  LeaveOutInvalidBids(r, now_ms / 1000);
  if (r.buyers.empty() && r.sellers.empty()) return Drop(r, "no bid can be applied any more");
  contract::RoundParams p;
  p.round = r.number;
  p.t_stamp_s = r.t_stamp_s;
  p.t_limit_s = r.t_limit_s;
  p.v_min = options_.auction.v_min;
  p.c_max = options_.auction.c_max;
  p.l1_micro = options_.auction.l1_micro;
  p.l2_micro = options_.auction.l2_micro;
  p.radius_m = options_.auction.radius_m;
  auto built = contract::BuildRound(p, r.buyers, r.sellers);
  if (!built.ok()) return Drop(r, "the round could not be built: " + built.status().message());
  chain::Tx tx;
  tx.sender = options_.rsu;
  tx.nonce = NextNonce(options_.rsu);
  tx.body = built->round;
  chain::SignTx(tx, key_);
  auto h = node_.Submit(tx);
  if (!h.ok()) return Drop(r, "the node refused the round: " + h.ToStatus().message());
  pending_[options_.rsu].push_back({tx.nonce, 0, 0, r.number, *h});
  Record(r, tx, *h);
}

void RoundBook::Record(Round& r, const chain::Tx& tx, const Hash32& h) {
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
  for (size_t k = 0; k < tr.trades.size(); ++k) {
    const chain::Trade& t = tr.trades[k];
    const std::string& buyer = tr.buyers[t.buyer].sender;
    const std::string& seller = tr.sellers[t.seller].sender;
    const int64_t rho = std::get<chain::SellerBid>(tr.sellers[t.seller].body).rho_ppm;
    const Hash32 escrow = contract::EscrowId(h, static_cast<uint32_t>(k));
    escrows_[escrow] = {buyer, seller, r.number};
    r.escrows.push_back(escrow);
    r.trades.push_back({{"escrow", escrow.Hex()},
                        {"buyer", buyer},
                        {"seller", seller},
                        {"price", t.price},
                        {"energy_wh", t.volume_wh},
                        {"loss_wh", chain::LossWh(t.volume_wh, rho)},
                        {"amount", chain::Payment(t.price, t.volume_wh)}});
  }
  for (const std::string& id : r.bidders) {
    sink_.ToVehicle(id, {{"type", "scheme"},
                         {"round", r.number},
                         {"round_tx", h.Hex()},
                         {"trades", TradesFor(r, id)}});
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
  if (open_ == r.number) open_.reset();
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
  const uint64_t head = node_.HeadHeight();
  uint64_t from = std::min(scanned_height_, head) + 1;
  for (auto& [n, r] : rounds_) {
    if (r.state != RoundState::kCommitted) continue;
    auto blk = node_.CanonicalBlock(*r.block);
    if (blk && chain::BlockHash(blk->header) == r.block_hash) continue;
    from = std::min(from, *r.block);
    r.state = RoundState::kBuilt;
    r.block.reset();
    Repend(r);
    Push(r, {{"type", "uncommitted"}, {"round", r.number}, {"round_tx", r.round_tx.Hex()}});
  }
  if (head >= from && head - from >= kMaxScanBlocks) from = head - kMaxScanBlocks + 1;
  for (uint64_t h = from; h <= head; ++h) {
    if (auto blk = node_.CanonicalBlock(h)) ScanBlock(*blk, h);
  }
  scanned_height_ = head;
  Tick(now_ms);
}

void RoundBook::ScanBlock(const chain::Block& block, uint64_t height) {
  const Hash32 block_hash = chain::BlockHash(block.header);
  for (const chain::Tx& tx : block.txs) {
    if (const auto* m = std::get_if<chain::MeterReport>(&tx.body)) {
      auto e = escrows_.find(m->escrow);
      if (e == escrows_.end()) continue;
      const nlohmann::json push = {{"type", "settled"},
                                   {"escrow", m->escrow.Hex()},
                                   {"delivered_wh", m->delivered_wh},
                                   {"block", height}};
      sink_.ToVehicle(e->second.buyer, push);
      sink_.ToVehicle(e->second.seller, push);
      continue;
    }
    if (const auto* f = std::get_if<chain::Refund>(&tx.body)) {
      auto e = escrows_.find(f->escrow);
      if (e == escrows_.end()) continue;
      const nlohmann::json push = {
          {"type", "refunded"}, {"escrow", f->escrow.Hex()}, {"block", height}};
      sink_.ToVehicle(e->second.buyer, push);
      sink_.ToVehicle(e->second.seller, push);
      continue;
    }
    if (!std::holds_alternative<chain::TradingRound>(tx.body) || tx.sender != options_.rsu)
      continue;
    const Hash32 hash = chain::TxHash(tx);
    auto it = round_by_tx_.find(hash);
    if (it == round_by_tx_.end()) continue;
    Round& r = rounds_.at(it->second);
    if (r.round_tx != hash) Record(r, tx, hash);  // a version signed before a re-sign
    r.state = RoundState::kCommitted;
    r.block = height;
    r.block_hash = block_hash;
    Push(r, {{"type", "committed"},
             {"round", r.number},
             {"round_tx", r.round_tx.Hex()},
             {"block", height},
             {"block_hash", block_hash.Hex()}});
  }
}

void RoundBook::Forget(int64_t now_ms) {
  const int64_t now_s = now_ms / 1000;
  while (!rounds_.empty()) {
    auto it = rounds_.begin();
    const Round& r = it->second;
    const bool old =
        r.t_stamp_s < now_s - kKeepRoundsS || rounds_.size() > options_.max_rounds_kept;
    if (!old || open_ == r.number || r.state == RoundState::kBuilt) break;
    for (const auto& [hash, ans] : r.answers) bid_round_.erase(hash);
    round_by_tx_.erase(r.round_tx);
    for (const Hash32& h : r.earlier_txs) round_by_tx_.erase(h);
    for (const Hash32& e : r.escrows) escrows_.erase(e);
    rounds_.erase(it);
  }
}

}  // namespace v2v::gateway
