// Transaction admission (docs/spec/node.md N3): the contract's CheckTx (structure, signatures;
// remembered in the shared CheckedTxCache), then the mempool's nonce and size rules. Also puts
// back the transactions of blocks a reorg abandoned, and prunes after a new head.
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
  kInvalid,    // invalid by the rules (CheckTx): a peer that sent it is penalised
  kRefused,    // valid but not admitted now (mempool.h MempoolReject): a normal race
};
struct TxAdmitted {
  TxVerdict verdict;
  // The hash, or the typed rejection: the contract's CheckTx code (kInvalid), kDuplicate, or the
  // mempool's refusal as its chain::Reject (kKnown, kStaleNonce, ..., kMempoolFull).
  chain::ValidationResult<Hash32> hash;
};

// The mempool's refusal as the one rejection code (1:1, same names).
chain::Rejection ToRejection(const MempoolRefusal& r);

// What the head state `head` says about `tx` for Mempool::Admit.
ChainView ViewOf(const chain::Tx& tx, const chain::State& head);

class TxAdmission {
 public:
  TxAdmission(MempoolOptions options, std::shared_ptr<contract::CheckedTxCache> checked)
      : mempool_(options), checked_(std::move(checked)) {}

  TxAdmitted Admit(const Ledger& ledger, const chain::Tx& tx, int64_t now_ms);
  // Forgets what the head's state now holds (nonce <= committed) and drops the rounds carrying a
  // bid it made stale (Mempool::Prune); returns those drops.
  std::vector<MempoolDrop> Prune(const chain::State& state);
  // Re-admits the transactions of the `depth` blocks below `old_head` that a reorg abandoned
  // (those the new chain holds are refused as stale); returns how many came back.
  size_t ReadmitAbandoned(const Ledger& ledger, Hash32 old_head, uint64_t depth, int64_t now_ms);
  const std::shared_ptr<contract::CheckedTxCache>& checked() const { return checked_; }
  Mempool& mempool() { return mempool_; }
  const Mempool& mempool() const { return mempool_; }

 private:
  Mempool mempool_;
  std::shared_ptr<contract::CheckedTxCache> checked_;
};

}  // namespace v2v::node
