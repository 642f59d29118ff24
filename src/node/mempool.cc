#include "node/mempool.h"

#include <algorithm>

namespace v2v::node {

std::optional<chain::Rejection> Mempool::Add(const chain::Tx& tx, const Hash32& hash,
                                             uint64_t committed_nonce) {
  using chain::Reject;
  using chain::Rejected;
  if (by_hash_.count(hash)) return Rejected(Reject::kAlreadyPending, "");
  if (tx.nonce <= committed_nonce) {
    return Rejected(Reject::kStaleNonce, "nonce " + std::to_string(tx.nonce) +
                                   " already used (committed nonce " +
                                   std::to_string(committed_nonce) + ")");
  }
  if (tx.nonce - committed_nonce > options_.max_nonce_gap) {
    return Rejected(Reject::kNonceGap, "nonce " + std::to_string(tx.nonce) + " is more than " +
                                   std::to_string(options_.max_nonce_gap) +
                                   " ahead of the committed nonce " + std::to_string(committed_nonce));
  }
  auto& mine = by_sender_[tx.sender];
  if (mine.count(tx.nonce)) {
    if (mine.empty()) by_sender_.erase(tx.sender);
    return Rejected(Reject::kNonceTaken, "sender " + tx.sender + " already has nonce " +
                                   std::to_string(tx.nonce) + " pending");
  }
  if (by_hash_.size() >= options_.max_txs) {
    if (mine.empty()) by_sender_.erase(tx.sender);
    return Rejected(Reject::kMempoolFull,  std::to_string(options_.max_txs) +
                                   " transactions pending");
  }
  mine.emplace(tx.nonce, Entry{tx, hash, next_seq_++, chain::EncodeTx(tx).size()});
  by_hash_.emplace(hash, std::make_pair(tx.sender, tx.nonce));
  return std::nullopt;
}

std::vector<chain::Tx> Mempool::Select(const NonceOf& committed_nonce, size_t max, size_t max_bytes) const {
  struct Run {
    uint64_t first_seq;
    std::vector<const Entry*> entries;
  };
  std::vector<Run> runs;
  for (const auto& [sender, txs] : by_sender_) {
    uint64_t want = committed_nonce(sender) + 1;
    Run run{0, {}};
    for (auto it = txs.find(want); it != txs.end() && it->first == want; ++it, ++want) {
      run.entries.push_back(&it->second);
    }
    if (run.entries.empty()) continue;
    run.first_seq = run.entries.front()->seq;
    runs.push_back(std::move(run));
  }
  std::sort(runs.begin(), runs.end(),
            [](const Run& a, const Run& b) { return a.first_seq < b.first_seq; });
  std::vector<chain::Tx> out;
  size_t bytes = 0;
  for (const Run& run : runs) {
    for (const Entry* e : run.entries) {
      if (out.size() >= max || bytes + e->bytes > max_bytes) break;  // the rest of this run waits
      bytes += e->bytes;
      out.push_back(e->tx);
    }
    if (out.size() >= max) break;
  }
  return out;
}

void Mempool::Prune(const NonceOf& committed_nonce) {
  for (auto it = by_sender_.begin(); it != by_sender_.end();) {
    const uint64_t done = committed_nonce(it->first);
    auto& txs = it->second;
    while (!txs.empty() && txs.begin()->first <= done) {
      by_hash_.erase(txs.begin()->second.hash);
      txs.erase(txs.begin());
    }
    it = txs.empty() ? by_sender_.erase(it) : std::next(it);
  }
}

size_t Mempool::RemoveWithSuccessors(const Hash32& hash) {
  auto h = by_hash_.find(hash);
  if (h == by_hash_.end()) return 0;
  const auto [sender, nonce] = h->second;
  auto& txs = by_sender_[sender];
  size_t n = 0;
  for (auto it = txs.lower_bound(nonce); it != txs.end();) {
    by_hash_.erase(it->second.hash);
    it = txs.erase(it);
    ++n;
  }
  if (txs.empty()) by_sender_.erase(sender);
  return n;
}

}  // namespace v2v::node
