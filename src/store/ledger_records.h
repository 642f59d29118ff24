// The ledger's stored byte formats, one encoder and one strict decoder each, for the values
// schema.h lists: block metadata ("m/"), undo records ("u/"), bad-block records ("X/"), the head
// record ("H") and canonical index entries ("c/"). Decoders return Corruption for bytes that are
// not what they claim to be (the store is ours: a bad value is a broken store, not a bad input).
//
// The Clique snapshot inside the metadata is opaque bytes here (consensus/poa/snapshot.h
// Encode): the store knows no consensus rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "chain/block.h"
#include "chain/reject.h"
#include "store/kv_store.h"

namespace v2v::store {

// "m/": what the ledger knows about a stored block without reading its transactions.
struct BlockMetaRecord {
  uint64_t total_difficulty = 0;  // genesis included
  chain::BlockHeader header;
  Bytes snapshot;  // the Clique snapshot after the block, encoded
};
Bytes EncodeBlockMeta(const BlockMetaRecord& meta);
Result<BlockMetaRecord> DecodeBlockMeta(ByteSpan bytes);

// "u/": the prior value (or absence) of every state entry a block changed.
using UndoRecord = std::vector<std::pair<std::string, std::optional<Bytes>>>;
Bytes EncodeUndo(const UndoRecord& undo);
Result<UndoRecord> DecodeUndo(ByteSpan bytes);

// "X/": why a block was found invalid (its code, detail and transaction index).
Bytes EncodeBadBlock(const chain::Rejection& why);
Result<chain::Rejection> DecodeBadBlock(ByteSpan bytes);

// "H": the head's height and hash.
struct HeadRecord {
  uint64_t height = 0;
  Hash32 hash;
};
Bytes EncodeHead(const HeadRecord& head);
Result<HeadRecord> DecodeHead(ByteSpan bytes);

// "c/": the canonical block's hash at a height.
Bytes EncodeHashValue(const Hash32& hash);

// Readers over a ledger store: nullopt when the key is absent; Corruption when its value does
// not decode; IoError from the store.
Result<std::optional<BlockMetaRecord>> LoadBlockMeta(const KvStore& kv, const Hash32& hash);
Result<std::optional<Hash32>> LoadCanonicalHash(const KvStore& kv, uint64_t height);
Result<std::optional<chain::Rejection>> LoadBadBlock(const KvStore& kv, const Hash32& hash);
Result<std::optional<UndoRecord>> LoadUndo(const KvStore& kv, const Hash32& hash);
Result<std::optional<HeadRecord>> LoadHead(const KvStore& kv);
// The canonical block at `height` (nullopt above the canonical chain).
Result<std::optional<chain::Block>> LoadCanonicalBlock(const KvStore& kv, uint64_t height);

}  // namespace v2v::store
