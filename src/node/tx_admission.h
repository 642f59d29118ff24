// Transaction admission (docs/spec/node.md N3, N4.1): the network (C-3.0, final: another
// network's bytes are never pooled), the contract's context-free check (structure, signatures;
// remembered in the shared CheckedTxCache), then the mempool's nonce and
// size rules, with the lock time the contract's CheckTx gives against the head (a transaction not
// yet valid waits in the mempool for a block that can take it). Also puts back the transactions of
// blocks a reorg abandoned, and prunes after a new head.
// Not thread-safe (one owner).
#pragma once

#include <memory>

#include "chain/reject.h"
#include "contract/checked_tx_cache.h"
#include "node/ledger.h"
#include "node/mempool.h"

namespace v2v::node {

enum class TxVerdict {
  kAdmitted,   // new in the mempool: gossip it
  kDuplicate,  // already pending
  kInvalid,    // invalid by the context-free rules: a peer that sent it is penalised
  kRefused,    // valid but not admitted now (mempool.h MempoolReject): a normal race
};
struct TxAdmitted {
  TxVerdict verdict;
  // The hash, or the typed rejection: the context-free check's code (kInvalid), kDuplicate, or the
  // mempool's refusal as its chain::Reject (kKnown, kStaleNonce, ..., kMempoolFull).
  chain::ValidationResult<Hash32> hash;
};

// The mempool's refusal as the one rejection code (1:1, same names).
chain::Rejection ToRejection(const MempoolRejection& r);

// What the head state `head` says about `tx` for Mempool::Admit (not_before_s left 0).
ChainView ViewOf(const chain::Tx& tx, const chain::State& head);

// The lock time of `tx` for a block on `head` at `now_s` or later: the earliest block time the
// contract's time rules allow (contract/time_rules.h) when it is after `now_s`, else 0: the time
// CheckTx names when it says not yet, without executing the transaction. Whether it passes the
// other rules is not decided here: a rejection against the head is not final for a pending
// transaction (its sender's or others' pending transactions may change what it needs); the block
// decides it, and the producer drops it once (N4.2).
int64_t LockTime(const chain::State& head, const chain::Tx& tx, int64_t now_s);

class TxAdmission {
 public:
  TxAdmission(MempoolOptions options, std::shared_ptr<contract::CheckedTxCache> checked)
      : mempool_(options), checked_(std::move(checked)) {}

  TxAdmitted Admit(const Ledger& ledger, const chain::Tx& tx, int64_t now_ms) {
    return Admit(ledger.contract(), ledger.state(), tx, now_ms);
  }
  // The same against the head state `head` that `contract` runs on.
  TxAdmitted Admit(const contract::TradingContract& contract, const chain::State& head,
                   const chain::Tx& tx, int64_t now_ms);
  // Takes out what the head's state now holds (nonce <= committed): forgotten if `on_chain` says
  // the chain holds it, dropped if another transaction used its nonce; and drops the rounds
  // carrying a bid the head made stale (Mempool::Prune). Returns the drops.
  std::vector<MempoolDrop> Prune(const chain::State& state, const OnChain& on_chain);
  // Re-admits the transactions of the `depth` blocks below `old_head` that a reorg abandoned
  // (those the new chain holds are refused as stale). One the mempool refuses and the new chain
  // does not hold (a nonce of its, or of a bid inside it, taken on the new chain or by a pending
  // transaction) leaves without a block taking it: it is among the drops returned.
  struct Readmitted {
    size_t count = 0;
    std::vector<MempoolDrop> dropped;
  };
  Readmitted ReadmitAbandoned(const Ledger& ledger, Hash32 old_head, uint64_t depth,
                              int64_t now_ms);
  const std::shared_ptr<contract::CheckedTxCache>& checked() const { return checked_; }
  Mempool& mempool() { return mempool_; }
  const Mempool& mempool() const { return mempool_; }

 private:
  Mempool mempool_;
  std::shared_ptr<contract::CheckedTxCache> checked_;
};

}  // namespace v2v::node
