#include "node/mempool.h"

#include <algorithm>
#include <iterator>
#include <tuple>

namespace v2v::node {
namespace {

MempoolRejection Refuse(MempoolReject code, std::string detail) {
  return {code, std::move(detail)};
}

// Calls f on each bid a transaction carries (a trading round's, each signed with its own
// sender's nonce).
template <typename F>
void ForEachCarriedBid(const chain::Tx& tx, F f) {
  const auto* round = std::get_if<chain::TradingRound>(&tx.body);
  if (round == nullptr) return;
  for (const chain::Tx& b : round->buyers) f(b);
  for (const chain::Tx& b : round->sellers) f(b);
}

// Takes the runs' transactions (each run a sender's consecutive nonces; runs in arrival order),
// up to `max` and `max_bytes`; a transaction that uses a nonce (its own or a carried bid's) before
// the transaction using the one below it is taken waits for a later pass (a round carrying a
// vehicle's bid after the round carrying its previous one, whatever their arrival, e.g. one a reorg
// gave back to the mempool). What never becomes ready goes last, in arrival order: the contract
// refuses it while sealing. A run that meets a size bound ends there (the rest of it waits).
template <typename Entry>
std::vector<chain::Tx> TakeInNonceOrder(const std::vector<std::vector<const Entry*>>& runs,
                                        const NonceOf& committed_nonce, size_t max,
                                        size_t max_bytes) {
  std::map<std::string, uint64_t> next;  // per sender, the next nonce the block can apply
  auto next_of = [&](const std::string& sender) -> uint64_t& {
    auto [it, fresh] = next.try_emplace(sender, 0);
    if (fresh) it->second = committed_nonce(sender) + 1;
    return it->second;
  };
  auto ready = [&](const chain::Tx& tx) {
    bool ok = tx.nonce == next_of(tx.sender);
    ForEachCarriedBid(tx, [&](const chain::Tx& b) { ok = ok && b.nonce == next_of(b.sender); });
    return ok;
  };
  std::vector<chain::Tx> out;
  size_t bytes = 0;
  std::vector<size_t> taken(runs.size(), 0);     // entries of each run taken so far
  std::vector<bool> closed(runs.size(), false);  // the rest of the run waits (size bounds)
  auto take = [&](size_t r) {
    const Entry* e = runs[r][taken[r]];
    if (out.size() >= max || bytes + e->bytes > max_bytes) {
      closed[r] = true;
      return false;
    }
    bytes += e->bytes;
    out.push_back(e->tx);
    next_of(e->tx.sender) = e->tx.nonce + 1;
    ForEachCarriedBid(e->tx, [&](const chain::Tx& b) { next_of(b.sender) = b.nonce + 1; });
    ++taken[r];
    return true;
  };
  auto open = [&](size_t r) { return !closed[r] && taken[r] < runs[r].size(); };
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t r = 0; r < runs.size(); ++r) {
      while (open(r) && ready(runs[r][taken[r]]->tx) && take(r)) progress = true;
    }
  }
  for (size_t r = 0; r < runs.size(); ++r) {
    while (open(r) && take(r)) {
    }
  }
  return out;
}

}  // namespace

std::string_view MempoolRejectName(MempoolReject code) {
  switch (code) {
    case MempoolReject::kDuplicate:
      return "duplicate";
    case MempoolReject::kKnown:
      return "known";
    case MempoolReject::kStaleNonce:
      return "stale_nonce";
    case MempoolReject::kNonceGap:
      return "nonce_gap";
    case MempoolReject::kNonceTaken:
      return "nonce_taken";
    case MempoolReject::kTooManyFuture:
      return "too_many_future";
    case MempoolReject::kFull:
      return "mempool_full";
  }
  return "unknown";
}

std::string MempoolRejection::ToString() const {
  return std::string(MempoolRejectName(code)) + ": " + detail;
}

bool AlreadyApplied(const chain::Tx& tx, const chain::State& head) {
  if (const auto* revoke = std::get_if<chain::Revoke>(&tx.body)) {
    return head.revoked.contains(revoke->certificate);
  }
  if (const auto* recertify = std::get_if<chain::Recertify>(&tx.body)) {
    auto it = head.accounts.find(recertify->account);
    if (it == head.accounts.end()) return false;
    // Applied, or past: the account moved on from `replaces`, which is retired (revoked) and can
    // never be its certificate again (contract C-3.6).
    return it->second.certificate == recertify->certificate ||
           (it->second.cert_hash != recertify->replaces &&
            head.revoked.contains(recertify->replaces));
  }
  return false;
}

std::optional<MempoolRejection> Mempool::CheckSender(const chain::Tx& tx, const SenderTxs* mine,
                                                     uint64_t committed) const {
  if (tx.nonce <= committed) {
    return Refuse(MempoolReject::kStaleNonce, "nonce " + std::to_string(tx.nonce) +
                                                  " already used (committed nonce " +
                                                  std::to_string(committed) + ")");
  }
  if (tx.nonce - committed > options_.max_nonce_gap) {
    return Refuse(MempoolReject::kNonceGap, "nonce " + std::to_string(tx.nonce) + " is more than " +
                                                std::to_string(options_.max_nonce_gap) +
                                                " ahead of the committed nonce " +
                                                std::to_string(committed));
  }
  if (mine == nullptr) return std::nullopt;
  if (mine->count(tx.nonce)) {
    return Refuse(MempoolReject::kNonceTaken, "sender " + tx.sender + " already has nonce " +
                                                  std::to_string(tx.nonce) + " pending");
  }
  // The ready run: consecutive nonces from committed + 1. Beyond it, transactions wait.
  uint64_t next = committed + 1;
  for (auto it = mine->find(next); it != mine->end() && it->first == next; ++it) ++next;
  if (tx.nonce == next) return std::nullopt;  // extends the run: ready
  const auto waiting = static_cast<size_t>(std::distance(mine->upper_bound(next), mine->end()));
  if (waiting >= options_.max_future_per_sender) {
    return Refuse(MempoolReject::kTooManyFuture,
                  "sender " + tx.sender + " already has " + std::to_string(waiting) +
                      " transactions waiting for an earlier nonce (limit " +
                      std::to_string(options_.max_future_per_sender) + ")");
  }
  return std::nullopt;
}

std::optional<Hash32> Mempool::NonceUser(const std::string& sender, uint64_t nonce) const {
  if (auto s = by_sender_.find(sender); s != by_sender_.end()) {
    if (auto e = s->second.find(nonce); e != s->second.end()) return e->second.hash;
  }
  if (auto b = bid_nonces_.find(sender); b != bid_nonces_.end()) {
    if (auto e = b->second.find(nonce); e != b->second.end()) return e->second;
  }
  return std::nullopt;
}

uint64_t Mempool::HighestPendingRound(const std::string& rsu) const {
  uint64_t highest = 0;
  if (auto s = by_sender_.find(rsu); s != by_sender_.end()) {
    for (const auto& [nonce, e] : s->second) {
      if (const auto* r = std::get_if<chain::TradingRound>(&e.tx.body)) {
        highest = std::max(highest, r->round);
      }
    }
  }
  return highest;
}

std::optional<MempoolRejection> Mempool::CheckNonceUsers(const chain::Tx& tx) const {
  auto taken = [this](const std::string& sender,
                      uint64_t nonce) -> std::optional<MempoolRejection> {
    auto user = NonceUser(sender, nonce);
    if (!user) return std::nullopt;
    return Refuse(MempoolReject::kNonceTaken, sender + "'s nonce " + std::to_string(nonce) +
                                                  " is used by pending transaction " +
                                                  user->Hex().substr(0, 16));
  };
  std::optional<MempoolRejection> out = taken(tx.sender, tx.nonce);
  ForEachCarriedBid(tx, [&](const chain::Tx& bid) {
    if (!out) out = taken(bid.sender, bid.nonce);
  });
  return out;
}

std::optional<MempoolRejection> Mempool::Admit(const chain::Tx& tx, const Hash32& hash,
                                               const ChainView& chain, int64_t now_ms) {
  if (by_hash_.count(hash)) return Refuse(MempoolReject::kDuplicate, "already pending");
  if (chain.applied) return Refuse(MempoolReject::kKnown, "already on the chain");
  if (chain.bid_stale) {
    return Refuse(MempoolReject::kStaleNonce, "a bid inside it uses a nonce already on the chain");
  }
  auto found = by_sender_.find(tx.sender);
  if (auto r = CheckSender(tx, found == by_sender_.end() ? nullptr : &found->second,
                           chain.committed_nonce)) {
    return r;
  }
  if (auto r = CheckNonceUsers(tx)) return r;
  if (by_hash_.size() >= options_.max_txs) {
    return Refuse(MempoolReject::kFull, std::to_string(options_.max_txs) + " transactions pending");
  }
  const uint64_t seq = next_seq_++;
  by_sender_[tx.sender].emplace(tx.nonce, Entry{tx, hash, seq, chain::EncodeTx(tx).size(), now_ms,
                                                chain.not_before_s, now_ms});
  by_hash_.emplace(hash, std::make_pair(tx.sender, tx.nonce));
  by_time_.emplace(std::make_pair(now_ms, seq), hash);
  ForEachCarriedBid(
      tx, [&](const chain::Tx& bid) { bid_nonces_[bid.sender].emplace(bid.nonce, hash); });
  return std::nullopt;
}

std::vector<chain::Tx> Mempool::Select(const NonceOf& committed_nonce, size_t max, size_t max_bytes,
                                       int64_t block_time_s) const {
  std::vector<std::vector<const Entry*>> runs;
  for (const auto& [sender, txs] : by_sender_) {
    uint64_t want = committed_nonce(sender) + 1;
    std::vector<const Entry*> run;
    for (auto it = txs.find(want); it != txs.end() && it->first == want; ++it, ++want) {
      if (it->second.not_before_s > block_time_s) break;  // locked: it and the rest wait
      run.push_back(&it->second);
    }
    if (!run.empty()) runs.push_back(std::move(run));
  }
  std::sort(runs.begin(), runs.end(),
            [](const auto& a, const auto& b) { return a.front()->seq < b.front()->seq; });
  return TakeInNonceOrder(runs, committed_nonce, max, max_bytes);
}

void Mempool::Defer(const Hash32& hash, int64_t not_before_s) {
  auto h = by_hash_.find(hash);
  if (h == by_hash_.end()) return;
  Entry& e = by_sender_.at(h->second.first).at(h->second.second);
  e.not_before_s = std::max(e.not_before_s, not_before_s);
}

std::optional<int64_t> Mempool::NotBefore(const Hash32& hash) const {
  auto h = by_hash_.find(hash);
  if (h == by_hash_.end()) return std::nullopt;
  return by_sender_.at(h->second.first).at(h->second.second).not_before_s;
}

Mempool::SenderTxs::iterator Mempool::Erase(SenderTxs& txs, SenderTxs::iterator it) {
  const Entry& e = it->second;
  ForEachCarriedBid(e.tx, [&](const chain::Tx& bid) {
    auto b = bid_nonces_.find(bid.sender);
    if (b == bid_nonces_.end()) return;
    auto n = b->second.find(bid.nonce);
    if (n != b->second.end() && n->second == e.hash) b->second.erase(n);
    if (b->second.empty()) bid_nonces_.erase(b);
  });
  by_hash_.erase(e.hash);
  by_time_.erase(std::make_pair(e.added_ms, e.seq));
  return txs.erase(it);
}

std::vector<MempoolDrop> Mempool::Prune(const NonceOf& committed_nonce, const OnChain& on_chain,
                                        const std::function<bool(const chain::Tx&)>& applied) {
  std::vector<MempoolDrop> out;
  for (auto it = by_sender_.begin(); it != by_sender_.end();) {
    const uint64_t done = committed_nonce(it->first);
    auto& txs = it->second;
    while (!txs.empty() && txs.begin()->first <= done) {
      const Hash32& hash = txs.begin()->second.hash;
      if (!on_chain(hash)) out.push_back({hash, chain::Reject::kStaleNonce});  // replaced
      Erase(txs, txs.begin());
    }
    // The CA's Revoke and Recertify carry no sequenced nonce (the CA has no account, so its
    // committed nonce stays 0): each leaves once the head holds its effect (`applied`).
    for (auto t = txs.begin(); applied && t != txs.end();) {
      t = applied(t->second.tx) ? Erase(txs, t) : std::next(t);
    }
    it = txs.empty() ? by_sender_.erase(it) : std::next(it);
  }
  // A round carrying a bid whose nonce the chain now holds can never apply.
  std::vector<Hash32> stale;
  for (const auto& [vehicle, nonces] : bid_nonces_) {
    const uint64_t done = committed_nonce(vehicle);
    for (auto n = nonces.begin(); n != nonces.end() && n->first <= done; ++n) {
      stale.push_back(n->second);
    }
  }
  for (const Hash32& h : stale) {
    for (const MempoolDrop& d : RemoveWithSuccessors(h, chain::Reject::kStaleNonce)) {
      out.push_back(d);
    }
  }
  return out;
}

std::vector<MempoolDrop> Mempool::RemoveWithSuccessors(const Hash32& hash, chain::Reject code) {
  std::vector<MempoolDrop> out;
  auto h = by_hash_.find(hash);
  if (h == by_hash_.end()) return out;
  const auto [sender, nonce] = h->second;  // a copy: Erase invalidates h
  auto& txs = by_sender_[sender];
  for (auto it = txs.lower_bound(nonce); it != txs.end();) {
    out.push_back({it->second.hash, out.empty() ? code : chain::Reject::kPredecessorDropped});
    it = Erase(txs, it);
  }
  if (txs.empty()) by_sender_.erase(sender);
  return out;
}

std::vector<MempoolDrop> Mempool::Expire(int64_t now_ms) {
  std::vector<MempoolDrop> out;
  while (!by_time_.empty() && by_time_.begin()->first.first <= now_ms - options_.tx_lifetime_ms) {
    const Hash32 oldest = by_time_.begin()->second;  // a copy: the removal erases the entry
    for (const MempoolDrop& d : RemoveWithSuccessors(oldest, chain::Reject::kExpired)) {
      out.push_back(d);
    }
  }
  return out;
}

std::vector<chain::Tx> Mempool::Reannounce(const NonceOf& committed_nonce, int64_t now_ms) {
  std::vector<Entry*> due;
  for (auto& [sender, txs] : by_sender_) {
    uint64_t want = committed_nonce(sender) + 1;
    for (auto it = txs.find(want); it != txs.end() && it->first == want; ++it, ++want) {
      if (it->second.not_before_s > now_ms / 1000) break;  // locked: it and the rest wait
      if (now_ms - it->second.announced_ms >= options_.reannounce_after_ms) {
        due.push_back(&it->second);
      }
    }
  }
  std::sort(due.begin(), due.end(), [](const Entry* a, const Entry* b) {
    return std::tie(a->announced_ms, a->seq) < std::tie(b->announced_ms, b->seq);
  });
  std::vector<chain::Tx> out;
  size_t bytes = 0;
  for (Entry* e : due) {
    if (out.size() >= options_.max_reannounced ||
        bytes + e->bytes > options_.max_reannounced_bytes) {
      break;
    }
    bytes += e->bytes;
    e->announced_ms = now_ms;
    out.push_back(e->tx);
  }
  return out;
}

}  // namespace v2v::node
