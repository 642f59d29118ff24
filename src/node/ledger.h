// Ledger: the chain on one node under Clique (EIP-225; ../shared/CLIQUE.md). Owns the store;
// validates, stores and executes blocks, keeps side branches, picks the head by fork choice and
// reorganises atomically; reopens at the last committed head.
//
// Header rules (no state needed), checked against the block's parent, which may be any stored
// block, canonical or side (CheckHeader):
//   height = parent + 1; timestamp >= parent + period and, in Import, <= now + allowed_future_s
//   (consensus/poa/engine.h VerifyTimestamp); the seal verifies for the header's sealer field;
//   Snapshot(parent).Apply(header) succeeds (authorised signer, recency, difficulty 2 in turn /
//   1 out of turn, votes, checkpoint rules: consensus/poa/snapshot.h); the tx root matches.
// Execution rules (only for blocks that become canonical): every transaction passes CheckTx
// (structure + signatures, in parallel; hashes already in LedgerOptions::checked_txs are
// skipped), the contract applies them all, and the resulting state root is the header's.
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
// Rejections are InvalidArgument whose message starts with the rule's code (chain/reject.h
// names; the Clique ones equal consensus::poa::CliqueErrorCode, so CliqueErrorOf() parses them).
//
// Not thread-safe: one owner; the one exception is PrecheckBlock, which reads only immutable
// members (and the thread-safe CheckedTxCache) and may run on another thread meanwhile.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "chain/block.h"
#include "chain/state.h"
#include "consensus/poa/engine.h"
#include "consensus/poa/snapshot.h"
#include "contract/checked_tx_cache.h"
#include "contract/genesis.h"
#include "contract/trading_contract.h"
#include "store/kv_store.h"

namespace v2v::node {

using VerifierFactory =
    std::function<std::unique_ptr<contract::IdentityVerifier>(const contract::Genesis&)>;
// The compact-certificate verifier (contract/compact_identity.h) with the genesis CA and no
// revocations.
VerifierFactory CompactVerifierFactory();
// The X.509 verifier (contract/x509_identity.h) trusting genesis.ca_certificate when the genesis
// has one, else the compact-certificate verifier (on every node, in production too). A CA
// certificate that does not parse, or whose key is not genesis.ca_key, yields a verifier that
// refuses every certificate with the reason (so the genesis itself fails to load with that
// message).
VerifierFactory DefaultVerifierFactory();

struct LedgerOptions {
  VerifierFactory verifier = DefaultVerifierFactory();
  int verify_threads = 2;         // CheckTx parallelism
  int64_t allowed_future_s = 15;  // Import refuses headers stamped later than now + this
  // Hashes of transactions whose CheckTx passed (shared with the mempool); may be null.
  std::shared_ptr<contract::CheckedTxCache> checked_txs;
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

// Ledger::Propose's result: the sealed block and the transactions left out, with why.
struct Proposal {
  chain::Block block;
  std::vector<std::pair<chain::Tx, chain::Rejection>> dropped;
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
  // rule. Invalid -> InvalidArgument("<code>: ..."); unknown parent -> NotFound("unknown parent
  // <hex>"); already stored -> kKnown; IoError from the store.
  Result<ImportResult> Import(const chain::Block& block, int64_t now_s);
  bool HasBlock(const Hash32& hash) const;
  Result<chain::Block> BlockByHash(const Hash32& hash) const;  // canonical or side

  // The new state if `block` extends the head validly (Clique header rules with no future-block
  // check: the block's own clock is not compared with ours), else the typed rejection.
  std::variant<chain::State, chain::Rejection> Validate(const chain::Block& block) const;
  // REQUIRES: PrecheckBlock(block) returned nullopt.
  std::variant<chain::State, chain::Rejection> ValidateAfterPrecheck(
      const chain::Block& block) const;
  // Validate + commit: the block must extend the head (the rules of Validate; no future-block
  // check). InvalidArgument (the rejection's text) if invalid; IoError from the store.
  Status Append(const chain::Block& block);

  // The context-free part of validation (seal, tx root, every transaction's structure and
  // signatures). Needs no state and is safe to call from another thread while Append runs, so
  // a node can check the next block as it arrives, overlapping the current block's commit.
  // AppendPrechecked then skips the transaction checks.
  std::optional<chain::Rejection> PrecheckBlock(const chain::Block& block) const;
  // REQUIRES: PrecheckBlock(block) returned nullopt.
  Status AppendPrechecked(const chain::Block& block);

  // A sealed block on top of the head at `time`: difficulty from snapshot().DifficultyFor,
  // checkpoint_signers at epoch heights (then no vote), else `vote`. Transactions the contract
  // rejects are left out and returned in `dropped` with their rejection; the state root is
  // filled in. FailedPrecondition if `sealer` may not seal now (not a signer, or recently
  // signed); InvalidArgument if `time` is before head + period.
  using Proposal = node::Proposal;
  Result<Proposal> Propose(std::vector<chain::Tx> txs, int64_t time,
                           const crypto::PrivateKey& sealer,
                           std::optional<chain::HeaderVote> vote) const;

  const chain::BlockHeader& head() const { return head_; }
  Hash32 head_hash() const { return head_hash_; }
  uint64_t total_difficulty() const { return head_td_; }  // of the head
  const consensus::poa::Snapshot& snapshot() const { return snapshot_; }  // after the head
  // The Clique snapshot after a stored block (canonical or side); NotFound otherwise.
  Result<consensus::poa::Snapshot> SnapshotAfter(const Hash32& block_hash) const;
  const consensus::poa::CliqueConfig& clique_config() const { return clique_; }
  const chain::State& state() const { return state_; }
  const contract::Genesis& genesis() const { return genesis_; }
  const contract::TradingContract& contract() const { return *contract_; }
  // The canonical block at `height`.
  Result<chain::Block> BlockAt(uint64_t height) const;
  // The state after canonical block `height`, by replaying from genesis.
  Result<chain::State> StateAt(uint64_t height) const;
  const store::KvStore& kv() const { return *kv_; }

 private:
  Ledger(std::unique_ptr<store::KvStore> kv, contract::Genesis genesis, LedgerOptions options);
  Status Load();
  Result<std::optional<std::string>> BadReason(const Hash32& hash) const;
  Result<ImportResult> Insert(const chain::Block& block, std::optional<int64_t> now_s,
                              bool txs_checked, bool must_extend);
  std::optional<chain::Rejection> Execute(const chain::State& state, const chain::Block& block,
                                          bool txs_checked, chain::State& next) const;
  // Marks `hashes` bad (schema "X/") and drops those stored; one synced batch.
  Status MarkBad(const std::vector<Hash32>& hashes, const chain::Rejection& why);

  std::unique_ptr<store::KvStore> kv_;
  contract::Genesis genesis_;
  LedgerOptions options_;
  consensus::poa::CliqueConfig clique_;
  std::unique_ptr<contract::IdentityVerifier> verifier_;
  std::unique_ptr<contract::TradingContract> contract_;
  chain::BlockHeader head_;
  Hash32 head_hash_;
  uint64_t head_td_ = 0;
  consensus::poa::Snapshot snapshot_{1, {}};
  chain::State state_;
  // The state after the last block Propose sealed, by that block's hash: importing it then skips
  // running the contract a second time (the sealer's own block). Sound because the block hash
  // commits to the parent and to every transaction, and the state after a given parent is
  // deterministic.
  struct ProposedState {
    Hash32 hash;
    chain::State state;
  };
  mutable std::optional<ProposedState> proposed_;
  chain::Entries entries_;  // EncodeEntries(state_)
};

// The Clique header rules of `block` against its parent, without state: height, parent link,
// timestamp (period; future only when `now_s` is set), seal, Snapshot(parent).Apply, tx root.
// Returns the snapshot after the block, or the typed rejection.
std::variant<consensus::poa::Snapshot, chain::Rejection> CheckHeader(
    const chain::Block& block, const chain::BlockHeader& parent,
    const consensus::poa::Snapshot& parent_snapshot, const consensus::poa::CliqueConfig& config,
    std::optional<int64_t> now_s);

// The Clique fields of a header, for consensus::poa::Snapshot::Apply.
consensus::poa::CliqueHeader ToCliqueHeader(const chain::BlockHeader& h);
// A consensus::poa error Status (CliqueStatus) as a typed rejection.
chain::Rejection CliqueRejection(const Status& s);

// The genesis snapshot (height 0): the genesis authorities under its epoch.
consensus::poa::Snapshot GenesisSnapshot(const contract::Genesis& genesis);
consensus::poa::CliqueConfig CliqueConfigOf(const contract::Genesis& genesis,
                                            int64_t allowed_future_s = 15);

// The canonical block at `height` of a ledger store (nullopt above the canonical chain).
Result<std::optional<chain::Block>> LoadCanonicalBlock(const store::KvStore& kv, uint64_t height);

}  // namespace v2v::node
