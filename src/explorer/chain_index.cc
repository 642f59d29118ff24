#include "explorer/chain_index.h"

#include <algorithm>
#include <set>
#include <variant>

#include "contract/trading_contract.h"
#include "store/schema.h"

namespace v2v::explorer {
namespace {

// The hash of the canonical block at `height`, or nullopt above the canonical chain.
Result<std::optional<Hash32>> CanonicalHash(const node::Ledger& ledger, uint64_t height) {
  V2V_ASSIGN_OR_RETURN(auto bytes, ledger.kv().Get(store::schema::CanonicalKey(height)));
  if (!bytes) return std::optional<Hash32>();
  if (bytes->size() != 32) return Status::Corruption("canonical index entry is not 32 bytes");
  Hash32 h;
  std::copy(bytes->begin(), bytes->end(), h.bytes.begin());
  return std::optional<Hash32>(h);
}

}  // namespace

std::vector<std::string> TouchedAccounts(
    const chain::Tx& tx,
    const std::map<Hash32, std::pair<std::string, std::string>>& escrow_parties) {
  std::set<std::string> out{tx.sender};
  auto add_escrow = [&](const Hash32& id) {
    auto it = escrow_parties.find(id);
    if (it == escrow_parties.end()) return;
    out.insert(it->second.first);
    out.insert(it->second.second);
  };
  if (const auto* r = std::get_if<chain::TradingRound>(&tx.body)) {
    for (const auto& b : r->buyers) out.insert(b.sender);
    for (const auto& s : r->sellers) out.insert(s.sender);
  } else if (const auto* m = std::get_if<chain::MeterReport>(&tx.body)) {
    add_escrow(m->escrow);
  } else if (const auto* f = std::get_if<chain::Refund>(&tx.body)) {
    add_escrow(f->escrow);
  } else if (const auto* c = std::get_if<chain::Recertify>(&tx.body)) {
    out.insert(c->account);
  }
  return {out.begin(), out.end()};
}

void ChainIndex::Follow(node::ChainFeed& feed, size_t queue) {
  feed_ = feed.Subscribe(queue, {.blocks = true, .drops = false});
  feed_->SetWake([this] { TakeFeed(); });
  stale_ = true;
}

Status ChainIndex::Sync(const node::Ledger& ledger) {
  if (feed_) {
    TakeFeed();
    if (!stale_ && AtHead(ledger)) return Status::Ok();
  }
  V2V_RETURN_IF_ERROR(SyncFromStore(ledger));
  stale_ = false;
  return Status::Ok();
}

bool ChainIndex::AtHead(const node::Ledger& ledger) const {
  return !blocks_.empty() && blocks_.size() - 1 == ledger.head().height &&
         blocks_.back().hash == ledger.head_hash();
}

// In publication order: an applied block extends the index (or is one the store already gave
// it), a removed one is its top. Anything else, or a Lagged, leaves it to the store.
void ChainIndex::TakeFeed() {
  while (auto item = feed_->Next()) {
    if (std::holds_alternative<node::Lagged>(*item)) {
      stale_ = true;
      continue;
    }
    const auto event = std::get<std::shared_ptr<const node::ChainEvent>>(std::move(*item));
    if (stale_) continue;  // drained; the store brings the index to the head
    if (const auto* a = std::get_if<node::BlockApplied>(event.get())) {
      if (a->height < blocks_.size() && blocks_[a->height].hash == a->hash) continue;
      const bool extends = a->block && a->height == blocks_.size() && !blocks_.empty() &&
                           a->block->header.parent == blocks_.back().hash;
      if (extends) {
        Add(*a->block);
      } else {
        stale_ = true;
      }
    } else if (const auto* r = std::get_if<node::BlockRemoved>(event.get())) {
      if (r->height >= blocks_.size()) continue;  // never indexed
      if (r->height + 1 == blocks_.size() && blocks_.back().hash == r->hash) {
        RemoveTop();
      } else {
        stale_ = true;
      }
    }
  }
}

Status ChainIndex::SyncFromStore(const node::Ledger& ledger) {
  const uint64_t head = ledger.head().height;
  // Drop indexed blocks that are no longer canonical (a reorg) or above the head.
  while (!blocks_.empty()) {
    const uint64_t top = blocks_.size() - 1;
    if (top <= head) {
      V2V_ASSIGN_OR_RETURN(auto h, CanonicalHash(ledger, top));
      if (h && *h == blocks_.back().hash) break;
    }
    RemoveTop();
  }
  for (uint64_t height = blocks_.size(); height <= head; ++height) {
    V2V_ASSIGN_OR_RETURN(auto block, ledger.BlockAt(height));
    ++blocks_read_;
    Add(block);
  }
  return Status::Ok();
}

void ChainIndex::Add(const chain::Block& block) {
  BlockRecord rec;
  rec.hash = chain::BlockHash(block.header);
  const uint64_t height = blocks_.size();
  for (uint32_t i = 0; i < block.txs.size(); ++i) {
    const chain::Tx& tx = block.txs[i];
    const Hash32 hash = chain::TxHash(tx);
    const TxLocation loc{height, i};
    txs_[hash] = loc;
    rec.txs.push_back(hash);
    if (const auto* r = std::get_if<chain::TradingRound>(&tx.body)) {
      for (uint32_t t = 0; t < r->trades.size(); ++t) {
        const auto& trade = r->trades[t];
        if (trade.buyer >= r->buyers.size() || trade.seller >= r->sellers.size()) continue;
        const Hash32 id = contract::EscrowId(hash, t);
        escrows_[id] = {r->buyers[trade.buyer].sender, r->sellers[trade.seller].sender};
        rec.escrows.push_back(id);
      }
    }
    for (auto& account : TouchedAccounts(tx, escrows_)) {
      by_account_[account].push_back(loc);
      rec.accounts.push_back(std::move(account));
    }
  }
  blocks_.push_back(std::move(rec));
}

void ChainIndex::RemoveTop() {
  BlockRecord& rec = blocks_.back();
  for (auto it = rec.accounts.rbegin(); it != rec.accounts.rend(); ++it) {
    auto& list = by_account_[*it];
    list.pop_back();
    if (list.empty()) by_account_.erase(*it);
  }
  for (const auto& h : rec.txs) txs_.erase(h);
  for (const auto& e : rec.escrows) escrows_.erase(e);
  blocks_.pop_back();
}

std::optional<TxLocation> ChainIndex::Find(const Hash32& tx_hash) const {
  auto it = txs_.find(tx_hash);
  if (it == txs_.end()) return std::nullopt;
  return it->second;
}

std::vector<TxLocation> ChainIndex::History(const std::string& account,
                                            std::optional<TxLocation> before, size_t limit) const {
  std::vector<TxLocation> out;
  auto it = by_account_.find(account);
  if (it == by_account_.end()) return out;
  const auto& list = it->second;
  auto end = before ? std::lower_bound(list.begin(), list.end(), *before) : list.end();
  while (end != list.begin() && out.size() < limit) out.push_back(*--end);
  return out;
}

std::optional<std::pair<std::string, std::string>> ChainIndex::EscrowParties(
    const Hash32& escrow) const {
  auto it = escrows_.find(escrow);
  if (it == escrows_.end()) return std::nullopt;
  return it->second;
}

}  // namespace v2v::explorer
