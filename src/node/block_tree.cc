#include "node/block_tree.h"

#include <algorithm>

#include "store/schema.h"

namespace v2v::node {

namespace schema = store::schema;
using chain::Reject;
using chain::Rejected;

Status BlockTree::LoadHead() {
  V2V_ASSIGN_OR_RETURN(auto head, store::LoadHead(kv_));
  if (!head) return Status::Corruption("missing or bad head record");
  V2V_ASSIGN_OR_RETURN(auto meta, Meta(head->hash));
  if (!meta || meta->header.height != head->height ||
      chain::BlockHash(meta->header) != head->hash) {
    return Status::Corruption("head record does not name a stored block");
  }
  V2V_ASSIGN_OR_RETURN(auto canonical, CanonicalHash(head->height));
  if (!canonical || *canonical != head->hash) {
    return Status::Corruption("head is not the canonical block at its height");
  }
  SetHead(head->hash, std::move(*meta));
  return Status::Ok();
}

void BlockTree::SetHead(const Hash32& hash, BlockMeta meta) {
  head_hash_ = hash;
  head_ = std::move(meta);
}

Result<std::optional<BlockMeta>> BlockTree::Meta(const Hash32& hash) const {
  V2V_ASSIGN_OR_RETURN(auto record, store::LoadBlockMeta(kv_, hash));
  if (!record) return std::optional<BlockMeta>();
  auto snapshot = consensus::poa::Snapshot::Decode(record->snapshot);
  if (!snapshot.ok()) {
    return Status::Corruption("block " + hash.Hex() + " metadata: " + snapshot.status().message());
  }
  return std::optional<BlockMeta>(
      BlockMeta{record->total_difficulty, std::move(record->header), std::move(snapshot).value()});
}

Result<std::optional<consensus::poa::StoredHeader>> BlockTree::HeaderByHash(
    const Hash32& hash) const {
  V2V_ASSIGN_OR_RETURN(auto meta, Meta(hash));
  if (!meta) return std::optional<consensus::poa::StoredHeader>();
  return std::optional<consensus::poa::StoredHeader>(
      consensus::poa::StoredHeader{std::move(meta->header), std::move(meta->snapshot)});
}

Result<std::optional<Hash32>> BlockTree::CanonicalHash(uint64_t height) const {
  return store::LoadCanonicalHash(kv_, height);
}

Result<chain::Block> BlockTree::BlockByHash(const Hash32& hash) const {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv_.Get(schema::BlockKey(hash)));
  if (!bytes) return Status::NotFound("no block " + hash.Hex());
  return chain::DecodeBlock(*bytes);
}

bool BlockTree::Has(const Hash32& hash) const {
  auto meta = kv_.Get(schema::MetaKey(hash));
  return meta.ok() && meta->has_value();
}

Result<std::optional<chain::Rejection>> BlockTree::BadReason(const Hash32& hash) const {
  return store::LoadBadBlock(kv_, hash);
}

bool BlockTree::PreferredOverHead(uint64_t total_difficulty, uint64_t height,
                                  const Hash32& hash) const {
  return consensus::poa::PreferTip({total_difficulty, height, hash},
                                   {head_.total_difficulty, head_.header.height, head_hash_});
}

chain::ValidationResult<Branch> BlockTree::BranchTo(const Hash32& parent,
                                                    uint64_t parent_height) const {
  Branch branch;
  Hash32 cursor = parent;
  uint64_t at = parent_height;
  for (;;) {
    V2V_ASSIGN_OR_RETURN(auto canonical, CanonicalHash(at));
    if (canonical && *canonical == cursor) break;
    if (at == 0) return Status::Corruption("branch does not reach the genesis block");
    V2V_ASSIGN_OR_RETURN(auto m, Meta(cursor));
    if (!m) {
      V2V_ASSIGN_OR_RETURN(auto why, BadReason(cursor));
      if (why) return Rejected(Reject::kBadAncestor, "ancestor " + cursor.Hex());
      return Status::Corruption("side block " + cursor.Hex() + " missing");
    }
    branch.blocks.push_back(cursor);
    cursor = m->header.parent;
    --at;
  }
  std::reverse(branch.blocks.begin(), branch.blocks.end());
  branch.ancestor_height = at;
  return branch;
}

void BlockTree::StageBlock(store::WriteBatch& batch, const Hash32& hash, const chain::Block& block,
                           const BlockMeta& meta) {
  batch.Put(schema::BlockKey(hash), chain::EncodeBlock(block));
  batch.Put(schema::MetaKey(hash),
            store::EncodeBlockMeta({meta.total_difficulty, meta.header, meta.snapshot.Encode()}));
}

void BlockTree::StageCanonical(store::WriteBatch& batch, uint64_t height, const Hash32& hash) {
  batch.Put(schema::CanonicalKey(height), store::EncodeHashValue(hash));
}

void BlockTree::StageHead(store::WriteBatch& batch, uint64_t height, const Hash32& hash) {
  batch.Put(std::string(schema::kHead), store::EncodeHead({height, hash}));
}

Status BlockTree::MarkBad(const std::vector<Hash32>& hashes, const chain::Rejection& why) {
  store::WriteBatch batch;
  for (size_t i = 0; i < hashes.size(); ++i) {
    const chain::Rejection reason = i == 0 ? why : Rejected(Reject::kBadAncestor, hashes[0].Hex());
    batch.Put(schema::BadKey(hashes[i]), store::EncodeBadBlock(reason));
    batch.Delete(schema::BlockKey(hashes[i]));
    batch.Delete(schema::MetaKey(hashes[i]));
  }
  return kv_.Write(batch, /*sync=*/true);
}

}  // namespace v2v::node
