#include "store/ledger_records.h"

#include <algorithm>

#include "codec/codec.h"
#include "store/schema.h"

namespace v2v::store {
namespace {

Status Corrupt(const std::string& what, const Status& why) {
  return Status::Corruption(what + ": " + why.message());
}

}  // namespace

Bytes EncodeBlockMeta(const BlockMetaRecord& m) {
  codec::Writer w("v2v.blockmeta");
  w.U64(m.header.height);
  w.U64(m.total_difficulty);
  w.Blob(chain::EncodeHeader(m.header));
  w.Blob(m.snapshot);
  return w.Take();
}

Result<BlockMetaRecord> DecodeBlockMeta(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.blockmeta");
  BlockMetaRecord m;
  const uint64_t height = r.U64();
  m.total_difficulty = r.U64();
  const Bytes header = r.Blob(chain::kMaxHeaderBytes);
  m.snapshot = r.Blob();
  V2V_RETURN_IF_ERROR(r.Finish());
  V2V_ASSIGN_OR_RETURN(m.header, chain::DecodeHeader(header));
  if (m.header.height != height) return Status::Corruption("block metadata: height mismatch");
  return m;
}

Bytes EncodeUndo(const UndoRecord& undo) {
  codec::Writer w("v2v.undo");
  w.U32(static_cast<uint32_t>(undo.size()));
  for (const auto& [key, value] : undo) {
    w.Str(key);
    w.Bool(value.has_value());
    if (value) w.Blob(*value);
  }
  return w.Take();
}

Result<UndoRecord> DecodeUndo(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.undo");
  UndoRecord undo(r.Count(UINT32_MAX, 5));
  for (auto& [key, value] : undo) {
    if (!r.ok()) break;
    key = r.Str(codec::kMaxFieldBytes);
    if (r.Bool()) value = r.Blob();
  }
  V2V_RETURN_IF_ERROR(r.Finish());
  return undo;
}

Bytes EncodeBadBlock(const chain::Rejection& why) {
  codec::Writer w("v2v.badblock");
  w.U32(static_cast<uint32_t>(why.code));
  w.I64(why.tx_index);
  w.Str(why.detail);
  return w.Take();
}

Result<chain::Rejection> DecodeBadBlock(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.badblock");
  chain::Rejection why;
  const uint32_t code = r.U32();
  const int64_t tx_index = r.I64();
  why.detail = r.Str(codec::kMaxFieldBytes);
  V2V_RETURN_IF_ERROR(r.Finish());
  why.code = static_cast<chain::Reject>(code);
  if (code > UINT16_MAX || chain::RejectName(why.code) == "unknown") {
    return Status::Corruption("bad-block record: unknown code " + std::to_string(code));
  }
  if (tx_index < -1 || tx_index > INT32_MAX)
    return Status::Corruption("bad-block record: tx index");
  why.tx_index = static_cast<int>(tx_index);
  return why;
}

Bytes EncodeHead(const HeadRecord& head) {
  const std::string be = schema::BigEndian64(head.height);
  Bytes out(be.begin(), be.end());
  out.insert(out.end(), head.hash.bytes.begin(), head.hash.bytes.end());
  return out;
}

Result<HeadRecord> DecodeHead(ByteSpan bytes) {
  if (bytes.size() != 40) return Status::Corruption("bad head record");
  HeadRecord head;
  for (size_t i = 0; i < 8; ++i) head.height = (head.height << 8) | bytes[i];
  std::copy(bytes.begin() + 8, bytes.end(), head.hash.bytes.begin());
  return head;
}

Bytes EncodeHashValue(const Hash32& hash) { return Bytes(hash.bytes.begin(), hash.bytes.end()); }

Result<std::optional<BlockMetaRecord>> LoadBlockMeta(const KvStore& kv, const Hash32& hash) {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv.Get(schema::MetaKey(hash)));
  if (!bytes) return std::optional<BlockMetaRecord>();
  auto meta = DecodeBlockMeta(*bytes);
  if (!meta.ok()) return Corrupt("block " + hash.Hex() + " metadata", meta.status());
  return std::optional<BlockMetaRecord>(std::move(meta).value());
}

Result<std::optional<Hash32>> LoadCanonicalHash(const KvStore& kv, uint64_t height) {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv.Get(schema::CanonicalKey(height)));
  if (!bytes) return std::optional<Hash32>();
  if (bytes->size() != 32) return Status::Corruption("bad canonical index entry");
  Hash32 h;
  std::copy(bytes->begin(), bytes->end(), h.bytes.begin());
  return std::optional<Hash32>(h);
}

Result<std::optional<chain::Rejection>> LoadBadBlock(const KvStore& kv, const Hash32& hash) {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv.Get(schema::BadKey(hash)));
  if (!bytes) return std::optional<chain::Rejection>();
  auto why = DecodeBadBlock(*bytes);
  if (!why.ok()) return Corrupt("bad-block record " + hash.Hex(), why.status());
  return std::optional<chain::Rejection>(std::move(why).value());
}

Result<std::optional<UndoRecord>> LoadUndo(const KvStore& kv, const Hash32& hash) {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv.Get(schema::UndoKey(hash)));
  if (!bytes) return std::optional<UndoRecord>();
  auto undo = DecodeUndo(*bytes);
  if (!undo.ok()) return Corrupt("undo record", undo.status());
  return std::optional<UndoRecord>(std::move(undo).value());
}

Result<std::optional<HeadRecord>> LoadHead(const KvStore& kv) {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv.Get(schema::kHead));
  if (!bytes) return std::optional<HeadRecord>();
  V2V_ASSIGN_OR_RETURN(HeadRecord head, DecodeHead(*bytes));
  return std::optional<HeadRecord>(head);
}

Result<std::optional<chain::Block>> LoadCanonicalBlock(const KvStore& kv, uint64_t height) {
  V2V_ASSIGN_OR_RETURN(auto hash, LoadCanonicalHash(kv, height));
  if (!hash) return std::optional<chain::Block>();
  V2V_ASSIGN_OR_RETURN(auto bytes, kv.Get(schema::BlockKey(*hash)));
  if (!bytes) return Status::Corruption("canonical block " + std::to_string(height) + " missing");
  V2V_ASSIGN_OR_RETURN(chain::Block block, chain::DecodeBlock(*bytes));
  return std::optional<chain::Block>(std::move(block));
}

}  // namespace v2v::store
