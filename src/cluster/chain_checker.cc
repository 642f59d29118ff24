#include "cluster/chain_checker.h"

#include <algorithm>

#include "chain/block.h"
#include "consensus/poa/engine.h"
#include "market/bayesian_pricing.h"

namespace v2v::cluster {
namespace {

std::string Short(const Hash32& h) { return h.Hex().substr(0, 12); }

struct Totals {
  int64_t money = 0, energy = 0;
  bool negative = false;
};

Totals TotalsOf(const chain::State& s) {
  Totals t;
  for (const auto& [id, a] : s.accounts) {
    t.money += a.balance;
    t.energy += a.energy_wh;
    t.negative |= a.balance < 0 || a.energy_wh < 0;
  }
  for (const auto& [id, e] : s.escrows) {
    t.money += e.amount;
    t.energy += e.energy_wh + e.loss_wh;
    t.negative |= e.amount < 0 || e.energy_wh < 0 || e.loss_wh < 0;
  }
  t.energy += s.supply.lost_wh;
  return t;
}

}  // namespace

std::optional<std::string> ChainChecker::Init(const node::Ledger& ledger) {
  auto genesis = ledger.BlockAt(0);
  auto state = ledger.StateAt(0);
  if (!genesis.ok() || !state.ok()) return "genesis unreadable";
  const contract::Genesis& g = ledger.genesis();
  period_s_ = g.clique.period_s;
  paper_scheme_ = g.params.mechanism.kind == market::ChainMechanismKind::kBayesian;
  const Totals t = TotalsOf(*state);
  money_ = t.money;
  energy_ = t.energy;
  chain_.push_back({chain::BlockHash(genesis->header),
                    genesis->header.timestamp_s,
                    {},
                    consensus::poa::Snapshot(g.clique.epoch, g.authorities),
                    {},
                    {},
                    {},
                    {}});
  total_difficulty_ = 1;
  return std::nullopt;
}

void ChainChecker::TruncateTo(uint64_t height) {
  while (chain_.size() > height + 1) {
    const Checked& last = chain_.back();
    for (const Hash32& tx : last.txs) tx_height_.erase(tx);
    for (const Hash32& bid : last.bids) bid_height_.erase(bid);
    for (const auto& [sender, nonce] : last.nonces) {
      auto it = nonces_.find(sender);
      it->second.erase(nonce);
      if (it->second.empty()) nonces_.erase(it);
    }
    chain_.pop_back();
  }
}

std::optional<std::string> ChainChecker::Extend(const node::Ledger& ledger,
                                                const chain::Block& block) {
  const chain::BlockHeader& h = block.header;
  const Checked& parent = chain_.back();
  const std::string at =
      "block " + std::to_string(h.height) + " " + Short(chain::BlockHash(h)) + ": ";
  if (h.parent != parent.hash || h.height != chain_.size())
    return at + "does not extend its parent";
  if (h.timestamp_s < parent.time_s + static_cast<int64_t>(period_s_))
    return at + "period not kept";
  if (!consensus::poa::Engine::VerifySeal(h)) return at + "bad seal";
  if (h.tx_root != chain::TxRoot(block.txs)) return at + "bad tx root";
  std::map<uint64_t, crypto::PublicKey> recents;
  if (auto e = CheckSigner(h, recents)) return at + *e;
  auto next = parent.snapshot.Apply(consensus::poa::ToCliqueHeader(h));
  if (!next.ok()) return at + "Clique: " + next.ToStatus().message();
  if (next->signers().size() < parent.snapshot.signers().size()) {  // a signer voted out
    const uint64_t limit = next->signers().size() / 2 + 1;
    if (h.height >= limit) recents.erase(h.height - limit);
  }
  Checked c{chain::BlockHash(h),
            h.timestamp_s,
            std::move(recents),
            std::move(next).value(),
            {},
            {},
            {},
            {}};
  for (const chain::Tx& tx : block.txs) {
    const Hash32 th = chain::TxHash(tx);
    auto [it, fresh] = tx_height_.emplace(th, h.height);
    if (!fresh)
      return at + "transaction " + Short(th) + " applied twice (first at " +
             std::to_string(it->second) + ")";
    c.txs.push_back(th);
    if (auto e = CheckTx(tx, h.height, c)) return at + *e;
  }
  if (auto e = CheckNoncesGapless(c)) return at + *e;
  chain_.push_back(std::move(c));
  (void)ledger;
  return std::nullopt;
}

std::optional<std::string> ChainChecker::CheckTx(const chain::Tx& tx, uint64_t height, Checked& c) {
  if (auto e = UseNonce(tx.sender, tx.nonce, c)) return e;
  const auto* round = std::get_if<chain::TradingRound>(&tx.body);
  if (round == nullptr) return std::nullopt;
  c.rounds.push_back(tx.sender);
  if (auto e = CheckRound(*round, height, c)) {
    return "round " + std::to_string(round->round) + " of " + tx.sender + ": " + *e;
  }
  return std::nullopt;
}

std::optional<std::string> ChainChecker::CheckRound(const chain::TradingRound& round,
                                                    uint64_t height, Checked& c) {
  std::vector<const chain::BuyerBid*> buyers;
  std::vector<const chain::SellerBid*> sellers;
  for (const auto* list : {&round.buyers, &round.sellers}) {
    for (const chain::Tx& bid : *list) {
      const Hash32 bh = chain::TxHash(bid);
      auto [it, fresh] = bid_height_.emplace(bh, height);
      if (!fresh) {
        return "bid " + Short(bh) + " of " + bid.sender + " (nonce " + std::to_string(bid.nonce) +
               ") is also in a round at height " + std::to_string(it->second);
      }
      c.bids.push_back(bh);
      if (auto e = UseNonce(bid.sender, bid.nonce, c)) return e;
      if (const auto* b = std::get_if<chain::BuyerBid>(&bid.body)) buyers.push_back(b);
      if (const auto* s = std::get_if<chain::SellerBid>(&bid.body)) sellers.push_back(s);
    }
  }
  if (buyers.size() != round.buyers.size() || sellers.size() != round.sellers.size())
    return std::string("a bid of the wrong kind");
  for (const chain::Trade& t : round.trades) {
    if (t.buyer >= buyers.size() || t.seller >= sellers.size())
      return std::string("a trade names no bid");
    const chain::BuyerBid& b = *buyers[t.buyer];
    const chain::SellerBid& s = *sellers[t.seller];
    const market::ExactPrice p = market::PriceExact(b.v, b.v_max, s.c, s.c_min);
    if (paper_scheme_ && (!p.trade || p.t != t.price)) {
      return "trade (" + std::to_string(t.buyer) + ", " + std::to_string(t.seller) + ") priced " +
             std::to_string(t.price) + ", PriceExact gives " +
             (p.trade ? std::to_string(p.t) : std::string("no trade"));
    }
  }
  return std::nullopt;
}

std::optional<std::string> ChainChecker::UseNonce(const std::string& sender, uint64_t nonce,
                                                  Checked& c) {
  if (!nonces_[sender].insert(nonce).second)
    return sender + " uses nonce " + std::to_string(nonce) + " twice";
  c.nonces.emplace_back(sender, nonce);
  return std::nullopt;
}

// Nonces start at 1 (an account's nonce counts what it sent; a registration carries 1).
std::optional<std::string> ChainChecker::CheckNoncesGapless(const Checked& c) const {
  for (const auto& [sender, nonce] : c.nonces) {
    const std::set<uint64_t>& used = nonces_.at(sender);
    if (*used.rbegin() != used.size()) {
      return sender + "'s nonces have a gap: " + std::to_string(used.size()) +
             " used, the highest " + std::to_string(*used.rbegin());
    }
  }
  return std::nullopt;
}

uint64_t ChainChecker::rounds_by(const std::string& rsu) const {
  uint64_t n = 0;
  for (const Checked& c : chain_) n += std::count(c.rounds.begin(), c.rounds.end(), rsu);
  return n;
}

// The signer rules restated here rather than taken from Snapshot::Apply alone, so a fault in
// the snapshot cannot hide itself: the sealer is a signer at the parent; it is not among the
// recent sealers (go-ethereum's recents: with N signers a block drops the entry of height
// h - (N/2 + 1), and a removal drops one more); the difficulty is 2 exactly when it is in turn
// (the signer at index height mod N of the signers sorted by key).
std::optional<std::string> ChainChecker::CheckSigner(
    const chain::BlockHeader& h, std::map<uint64_t, crypto::PublicKey>& recents) const {
  std::vector<crypto::PublicKey> signers = chain_.back().snapshot.signers();
  std::sort(signers.begin(), signers.end());
  if (!std::binary_search(signers.begin(), signers.end(), h.sealer))
    return std::string("sealer is not a signer");
  recents = chain_.back().recents;
  const uint64_t limit = signers.size() / 2 + 1;
  if (h.height >= limit) recents.erase(h.height - limit);
  for (const auto& [height, who] : recents) {
    if (who == h.sealer) return "sealer also sealed block " + std::to_string(height) + " (recency)";
  }
  recents[h.height] = h.sealer;
  const bool in_turn = signers[h.height % signers.size()] == h.sealer;
  if (h.difficulty != (in_turn ? 2u : 1u)) {
    return "difficulty " + std::to_string(h.difficulty) + " for a signer " +
           (in_turn ? "in turn" : "out of turn");
  }
  return std::nullopt;
}

std::optional<std::string> ChainChecker::CheckState(const node::Ledger& ledger) const {
  const Totals t = TotalsOf(ledger.state());
  if (t.negative) return "negative balance, energy or escrow";
  if (t.money != money_)
    return "money not conserved: " + std::to_string(t.money) + " != " + std::to_string(money_);
  if (t.energy != energy_) {
    return "energy not conserved: " + std::to_string(t.energy) + " != " + std::to_string(energy_);
  }
  for (const auto& [sender, used] : nonces_) {
    const auto a = ledger.state().accounts.find(sender);
    if (a != ledger.state().accounts.end() && a->second.nonce != *used.rbegin()) {
      return sender + "'s account nonce " + std::to_string(a->second.nonce) +
             " != its last on the chain " + std::to_string(*used.rbegin());
    }
  }
  if (chain::StateRoot(chain::EncodeEntries(ledger.state())) != ledger.head().state_root) {
    return "head state does not hash to the head's state root";
  }
  return std::nullopt;
}

std::optional<std::string> ChainChecker::Check(const node::Ledger& ledger) {
  if (chain_.empty()) {
    if (auto e = Init(ledger)) return e;
  }
  if (ledger.head_hash() == chain_.back().hash) return std::nullopt;
  // Walk back from the head to the last block already checked.
  std::vector<chain::Block> fresh;
  Hash32 cur = ledger.head_hash();
  for (;;) {
    auto b = ledger.BlockByHash(cur);
    if (!b.ok()) return "canonical block " + Short(cur) + " unreadable: " + b.status().message();
    const uint64_t height = b->header.height;
    if (height < chain_.size() && chain_[height].hash == cur) break;
    if (height == 0) return "a chain with another genesis";
    cur = b->header.parent;
    fresh.push_back(std::move(b).value());
  }
  TruncateTo(fresh.empty() ? ledger.head().height : fresh.back().header.height - 1);
  for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) {
    if (auto e = Extend(ledger, *it)) return e;
  }
  total_difficulty_ = ledger.total_difficulty();
  return CheckState(ledger);
}

std::optional<std::string> ChainChecker::CheckSurvived(const node::Ledger& reopened) const {
  for (const Checked& c : chain_) {
    if (!reopened.HasBlock(c.hash)) return "committed block " + Short(c.hash) + " lost in a crash";
  }
  if (reopened.total_difficulty() < total_difficulty_) {
    return "head went back in a crash: total difficulty " +
           std::to_string(reopened.total_difficulty()) + " < " + std::to_string(total_difficulty_);
  }
  return std::nullopt;
}

}  // namespace v2v::cluster
