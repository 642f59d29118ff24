// Executing and undoing blocks: the execution rules of docs/spec/node.md and the undo records
// that let a reorg roll the state back (store/ledger_records.h "u/").
//
// Execute: every transaction passes CheckStateless (structure + signatures, in parallel; hashes in
// the shared CheckedTxCache are skipped), the contract applies them all at the block's timestamp,
// and the resulting state root is the header's. The result is the state after the block and each
// transaction's effects (contract/receipts.h), from which the ledger publishes receipts.
// ExecuteChecked skips the CheckStateless step, for a block whose transactions were checked
// already (Ledger::PrecheckBlock). Given the leaves of `state` (chain/state_leaves.h), the root
// is computed from them and the entries the block changed; without, from the whole state.
//
// Pure apart from the CheckedTxCache (thread-safe); the contract must outlive the executor.
#pragma once

#include <memory>

#include "chain/block.h"
#include "chain/reject.h"
#include "chain/state.h"
#include "chain/state_leaves.h"
#include "contract/checked_tx_cache.h"
#include "contract/receipts.h"
#include "contract/trading_contract.h"
#include "node/chain_events.h"
#include "store/kv_store.h"
#include "store/ledger_records.h"

namespace v2v::node {

class BlockExecutor {
 public:
  BlockExecutor(const contract::TradingContract& contract, int verify_threads,
                std::shared_ptr<contract::CheckedTxCache> checked_txs)
      : contract_(contract),
        verify_threads_(verify_threads),
        checked_txs_(std::move(checked_txs)) {}

  // The state after `block` on `state` and the effects of its transactions, or the rule it
  // breaks. Never an error Status.
  chain::ValidationResult<contract::Executed> Execute(
      const chain::State& state, const chain::Block& block,
      const chain::StateLeaves* leaves = nullptr) const;
  // REQUIRES: CheckTxs(block.txs) found nothing.
  chain::ValidationResult<contract::Executed> ExecuteChecked(
      const chain::State& state, const chain::Block& block,
      const chain::StateLeaves* leaves = nullptr) const;
  // The state root of `after`, the state a block's `changes` made from the state whose leaves are
  // `parent_leaves` (null: from `after` whole). Debug builds check one against the other.
  Hash32 StateRootAfter(const chain::State& after, const chain::EntryChanges& changes,
                        const chain::StateLeaves* parent_leaves) const;
  // CheckStateless of every transaction, in parallel; the first rejection (with its tx index).
  std::optional<chain::Rejection> CheckTxs(const std::vector<chain::Tx>& txs) const;
  // The same check of each transaction on its own: its rejection or nullopt, in order.
  std::vector<std::optional<chain::Rejection>> CheckEachTx(
      const std::vector<chain::Tx>& txs) const {
    return contract::CheckEachTx(txs, verify_threads_, checked_txs_.get());
  }

  const contract::TradingContract& contract() const { return contract_; }

 private:
  const contract::TradingContract& contract_;
  int verify_threads_;
  std::shared_ptr<contract::CheckedTxCache> checked_txs_;
};

// The undo record of a block that turned the state entries `before` into `after`.
store::UndoRecord MakeUndo(const chain::Entries& before, const chain::Entries& after);
// The same record for a block whose entry changes turned `before` into ApplyChanges of them.
store::UndoRecord MakeUndo(const chain::Entries& before, const chain::EntryChanges& changes);
// Stages the "S/" puts and deletes of the keys whose value `changes` changes.
void StageStateChanges(const chain::Entries& before, const chain::EntryChanges& changes,
                       store::WriteBatch& batch);
void ApplyChanges(chain::Entries& entries, const chain::EntryChanges& changes);
// Stages the "S/" puts and deletes that turn `before` into `after`.
void StageStateChanges(const chain::Entries& before, const chain::Entries& after,
                       store::WriteBatch& batch);
// The state entries after canonical block `ancestor`, from `entries` (those after canonical
// block `head_height`) and the undo records of the blocks above it, whose deletion is staged.
// The blocks rolled back are appended to `removed` (newest first) when it is not null.
// Corruption if an undo record or canonical entry is missing.
Result<chain::Entries> RollBack(const store::KvStore& kv, chain::Entries entries,
                                uint64_t head_height, uint64_t ancestor, store::WriteBatch& batch,
                                std::vector<BlockRemoved>* removed = nullptr);

}  // namespace v2v::node
