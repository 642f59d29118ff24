// Ledger: the chain on one node under Clique (EIP-225; docs/clique.md). Owns the store;
// validates, stores and executes blocks, keeps side branches, picks the head by fork choice and
// reorganises atomically; reopens at the last committed head. It is built from parts with one
// job each (docs/architecture.md):
//   consensus::poa::Engine   the header rules, preparing and sealing, seal timing (pure)
//   BlockTree                stored blocks, side branches, bad blocks, the head, fork choice;
//                            the engine's read-only port (ChainHeaderReader)
//   BlockExecutor            executing a block (CheckStateless, the contract, the state root) and
//                            the undo records that roll it back
//   BuildSealedBlock         the producer's block (block_builder.h)
//   store/ledger_records.h   the stored byte formats (store/schema.h lists the keys)
//
// Header rules (no state needed), checked by the engine against the block's parent, which may be
// any stored block, canonical or side: height = parent + 1; timestamp >= parent + period and, in
// Import, <= now + consensus::poa::AllowedFutureS (the period, at least 1 s); the seal verifies
// for the header's sealer field; Snapshot(parent).Apply(header) succeeds (authorised signer,
// recency, difficulty 2 in turn / 1 out of turn, votes, checkpoint rules); the tx root matches.
// Execution rules (only for blocks that become canonical): block_executor.h.
//
// Fork choice: a block's total difficulty is its parent's plus its difficulty (genesis: 1). A
// new block becomes the head iff consensus::poa::PreferTip says so against the current head:
// greater total difficulty wins; at equal total difficulty the lower height; then the lower
// block hash (bytes compared lexicographically). Otherwise it is stored as a side block, not
// executed. A winning branch is executed from the common ancestor; if any of its blocks fails,
// nothing changes except that the failed block and the branch blocks after it are marked bad
// (schema.h "X/") and dropped from storage; their descendants are refused as bad_ancestor.
//
// Every Import / Append is one synced WriteBatch (schema.h): block, metadata, canonical index,
// undo record, changed state entries, head -- and, on a reorg, the rolled-back blocks' undo
// records applied and removed and the canonical entries above the new head removed. So a crash
// at any instant reopens at a consistent head. Open checks that the stored state hashes to the
// head's state root (Corruption otherwise).
//
// Events: with LedgerOptions::events set, every commit that changes the head publishes to that
// feed (chain_feed.h, docs/spec/node.md N9), after the write: the blocks a reorg rolled back
// (BlockRemoved, newest first), then each block made canonical (BlockApplied, oldest first) with
// the receipts of its execution. Publishing only queues; the owner delivers.
//
// Results: a chain::ValidationResult -- the value; a chain::Rejection (invalid by the rules, with
// its typed code); or a Status that is not a verdict on the block: NotFound("unknown parent")
// from Import, or our own failure (IoError, Corruption of our store).
//
// Not thread-safe: one owner; the one exception is PrecheckBlock, which reads only immutable
// members (and the thread-safe CheckedTxCache) and may run on another thread meanwhile.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "chain/block.h"
#include "chain/reject.h"
#include "chain/state.h"
#include "consensus/poa/engine.h"
#include "consensus/poa/snapshot.h"
#include "contract/checked_tx_cache.h"
#include "contract/genesis.h"
#include "contract/trading_contract.h"
#include "node/block_builder.h"
#include "node/block_executor.h"
#include "node/block_tree.h"
#include "node/chain_feed.h"
#include "node/verifier_factory.h"
#include "store/kv_store.h"

namespace v2v::node {

struct LedgerOptions {
  VerifierFactory verifier = DefaultVerifierFactory();
  int verify_threads = 2;  // CheckStateless parallelism
  // Import refuses headers stamped later than now + this; nullopt: the period, at least 1 s
  // (consensus::poa::AllowedFutureS).
  std::optional<int64_t> allowed_future_s;
  // Hashes of transactions whose CheckStateless passed (shared with the mempool); may be null.
  std::shared_ptr<contract::CheckedTxCache> checked_txs;
  // Where head changes are published (see the file comment); null: nowhere. Must outlive the
  // ledger.
  ChainFeed* events = nullptr;
};

enum class ImportOutcome {
  kExtended,  // the block extends the head and is the new head
  kReorged,   // the block's branch won: the head moved to it through a common ancestor
  kSide,      // stored as a side block (not heavier than the head), not executed
  kKnown,     // already stored; nothing done
};
struct ImportResult {
  ImportOutcome outcome = ImportOutcome::kKnown;
  uint64_t reorg_depth = 0;  // canonical blocks rolled back (kReorged only)
};

class Ledger {
 public:
  // Writes the genesis into an empty store, or checks that the store holds this genesis.
  static Result<std::unique_ptr<Ledger>> Init(std::unique_ptr<store::KvStore> kv,
                                              const contract::Genesis& genesis,
                                              LedgerOptions options = {});
  // Opens a store that holds a genesis; NotFound if it holds none.
  static Result<std::unique_ptr<Ledger>> Open(std::unique_ptr<store::KvStore> kv,
                                              LedgerOptions options = {});

  // Validates and stores a block whose parent is any stored block (canonical or side), then
  // applies fork choice (see the file comment). `now_s` is the local clock for the future-block
  // rule. Already stored -> kKnown; unknown parent -> NotFound("unknown parent <hex>").
  chain::ValidationResult<ImportResult> Import(const chain::Block& block, int64_t now_s);
  // Import of this ledger's own SealedBlock: the same, except that the contract is not run again
  // when the block is executed (its state_after is used).
  chain::ValidationResult<ImportResult> ImportSealed(const SealedBlock& sealed, int64_t now_s);
  // Import for a block that must extend the head (kBadHeight / kBadParent otherwise), with no
  // future-block check (the block's own clock is not compared with ours).
  chain::ValidationStatus Append(const chain::Block& block);
  // The context-free part of validation (seal, tx root, every transaction's structure and
  // signatures). Needs no state and is safe to call from another thread while Append runs, so
  // a node can check the next block as it arrives, overlapping the current block's commit.
  std::optional<chain::Rejection> PrecheckBlock(const chain::Block& block) const;
  // Append that skips the transaction checks. REQUIRES: PrecheckBlock(block) returned nullopt.
  chain::ValidationStatus AppendPrechecked(const chain::Block& block);

  // A sealed block on top of the head at `time` (block_builder.h). FailedPrecondition if
  // `sealer` may not seal now (not a signer, or recently signed); InvalidArgument if `time` is
  // before head + period.
  Result<SealedBlock> SealBlock(std::vector<chain::Tx> txs, int64_t time,
                                const crypto::PrivateKey& sealer,
                                std::optional<chain::HeaderVote> vote) const;

  bool HasBlock(const Hash32& hash) const { return tree_.Has(hash); }
  Result<chain::Block> BlockByHash(const Hash32& hash) const { return tree_.BlockByHash(hash); }
  const chain::BlockHeader& head() const { return tree_.CurrentHeader(); }
  Hash32 head_hash() const { return tree_.CurrentHash(); }
  uint64_t total_difficulty() const { return tree_.head().total_difficulty; }  // of the head
  const consensus::poa::Snapshot& snapshot() const {
    return tree_.CurrentSnapshot();
  }  // after the head
  // The Clique snapshot after a stored block (canonical or side); NotFound otherwise.
  Result<consensus::poa::Snapshot> SnapshotAfter(const Hash32& block_hash) const;
  const consensus::poa::Engine& engine() const { return engine_; }
  const consensus::poa::CliqueConfig& clique_config() const { return engine_.config(); }
  // The engine's read-only view of this chain.
  const consensus::poa::ChainHeaderReader& headers() const { return tree_; }
  const chain::State& state() const { return state_; }
  const contract::Genesis& genesis() const { return genesis_; }
  // The certificate checker the contract runs with (thread-safe; it memoises what it verified).
  const contract::IdentityVerifier& verifier() const { return *verifier_; }
  const contract::TradingContract& contract() const { return *contract_; }
  // The canonical block at `height`.
  Result<chain::Block> BlockAt(uint64_t height) const;
  // The state after canonical block `height`, by replaying from genesis.
  Result<chain::State> StateAt(uint64_t height) const;
  const store::KvStore& kv() const { return *kv_; }

 private:
  // The state after the new block on its parent's state (with the parent state's leaves when the
  // parent is the head, else null), with its transactions' effects (the branch's blocks run
  // Execute).
  using ExecuteNew = std::function<chain::ValidationResult<contract::Executed>(
      const chain::State&, const chain::Block&, const chain::StateLeaves*)>;
  Ledger(std::unique_ptr<store::KvStore> kv, contract::Genesis genesis, LedgerOptions options);
  Status Load();
  // kBadHeight / kBadParent unless `h` is the head's child.
  std::optional<chain::Rejection> NotOnHead(const chain::BlockHeader& h) const;
  chain::ValidationResult<ImportResult> Insert(const chain::Block& block,
                                               std::optional<int64_t> now_s,
                                               const ExecuteNew& execute_new);
  chain::ValidationResult<ImportResult> MakeCanonical(const chain::Block& block, const Hash32& hash,
                                                      BlockMeta meta, const ExecuteNew& execute_new,
                                                      store::WriteBatch batch);
  // MakeCanonical for a child of the head: only the entries the block changed are encoded,
  // hashed and written.
  chain::ValidationResult<ImportResult> ExtendHead(const chain::Block& block, const Hash32& hash,
                                                   BlockMeta meta, const ExecuteNew& execute_new,
                                                   store::WriteBatch batch);
  // Publishes a committed head change to options_.events (see the file comment).
  void Publish(std::vector<BlockRemoved> removed, std::vector<BlockApplied> applied);

  std::unique_ptr<store::KvStore> kv_;
  contract::Genesis genesis_;
  LedgerOptions options_;
  consensus::poa::Engine engine_;
  std::unique_ptr<contract::IdentityVerifier> verifier_;
  std::unique_ptr<contract::TradingContract> contract_;
  BlockExecutor executor_;
  BlockTree tree_;
  chain::State state_;         // after the head
  chain::Entries entries_;     // EncodeEntries(state_)
  chain::StateLeaves leaves_;  // StateLeaves(entries_)
};

// The genesis snapshot (height 0): the genesis authorities under its epoch.
consensus::poa::Snapshot GenesisSnapshot(const contract::Genesis& genesis);
consensus::poa::CliqueConfig CliqueConfigOf(const contract::Genesis& genesis,
                                            std::optional<int64_t> allowed_future_s = std::nullopt);

// The canonical block at `height` of a ledger store (nullopt above the canonical chain).
using store::LoadCanonicalBlock;

}  // namespace v2v::node
