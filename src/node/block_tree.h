// BlockTree: the stored blocks of one ledger as a tree -- canonical and side blocks, their
// metadata (total difficulty, the Clique snapshot after each), the canonical index, the blocks
// found bad, and the head -- with fork choice against the head (consensus::poa::PreferTip).
//
// It is the consensus engine's read-only port to the chain (consensus::poa::ChainHeaderReader).
// Writes are staged into a caller's WriteBatch (Stage*) so that the ledger commits one batch per
// import; SetHead then moves the in-memory head after the commit. Keys: store/schema.h; byte
// formats: store/ledger_records.h.
//
// Not thread-safe. The KvStore must outlive the tree.
#pragma once

#include <optional>
#include <vector>

#include "chain/block.h"
#include "chain/reject.h"
#include "consensus/poa/engine.h"
#include "store/kv_store.h"
#include "store/ledger_records.h"

namespace v2v::node {

// A stored block's metadata, decoded.
struct BlockMeta {
  uint64_t total_difficulty = 0;
  chain::BlockHeader header;
  consensus::poa::Snapshot snapshot{1, {}};  // after the block
};

// The side blocks between the canonical chain and a new block's parent.
struct Branch {
  uint64_t ancestor_height = 0;  // the common ancestor (canonical)
  std::vector<Hash32> blocks;    // stored side blocks above it, oldest first
};

class BlockTree final : public consensus::poa::ChainHeaderReader {
 public:
  explicit BlockTree(store::KvStore& kv) : kv_(kv) {}

  // Reads the head record and its metadata; Corruption if they disagree.
  Status LoadHead();
  // The head moves (after the batch that staged it was written).
  void SetHead(const Hash32& hash, BlockMeta meta);

  const BlockMeta& head() const { return head_; }
  uint64_t head_height() const { return head_.header.height; }

  // consensus::poa::ChainHeaderReader
  const chain::BlockHeader& CurrentHeader() const override { return head_.header; }
  const Hash32& CurrentHash() const override { return head_hash_; }
  const consensus::poa::Snapshot& CurrentSnapshot() const override { return head_.snapshot; }
  Result<std::optional<consensus::poa::StoredHeader>> HeaderByHash(
      const Hash32& hash) const override;

  Result<std::optional<BlockMeta>> Meta(const Hash32& hash) const;
  Result<std::optional<Hash32>> CanonicalHash(uint64_t height) const;
  Result<chain::Block> BlockByHash(const Hash32& hash) const;  // NotFound if not stored
  bool Has(const Hash32& hash) const;
  // Why the block was found bad, if it was.
  Result<std::optional<chain::Rejection>> BadReason(const Hash32& hash) const;

  // Whether a block with this total difficulty, height and hash wins fork choice over the head.
  bool PreferredOverHead(uint64_t total_difficulty, uint64_t height, const Hash32& hash) const;
  // The branch from the canonical chain to the stored block `parent` at `parent_height`:
  // kBadAncestor if a block on it was found bad; Corruption if it is broken.
  chain::ValidationResult<Branch> BranchTo(const Hash32& parent, uint64_t parent_height) const;

  // Staged writes.
  static void StageBlock(store::WriteBatch& batch, const Hash32& hash, const chain::Block& block,
                         const BlockMeta& meta);
  static void StageCanonical(store::WriteBatch& batch, uint64_t height, const Hash32& hash);
  static void StageHead(store::WriteBatch& batch, uint64_t height, const Hash32& hash);
  // Marks `hashes` bad (the first for `why`, the rest as its descendants) and drops those
  // stored; one synced batch.
  Status MarkBad(const std::vector<Hash32>& hashes, const chain::Rejection& why);

 private:
  store::KvStore& kv_;
  Hash32 head_hash_;
  BlockMeta head_;
};

}  // namespace v2v::node
