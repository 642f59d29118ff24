#include "chain/block.h"

#include "chain/merkle.h"
#include "codec/codec.h"
#include "crypto/hash.h"

namespace v2v::chain {
namespace {

void PutUnsealed(codec::Writer& w, const BlockHeader& h) {
  w.U64(h.height);
  w.Hash(h.parent);
  w.I64(h.timestamp_s);
  w.Hash(h.tx_root);
  w.Hash(h.state_root);
  w.U64(h.difficulty);
  if (!h.vote) {
    w.U8(0);
  } else {
    w.U8(h.vote->authorize ? 1 : 2);
    w.Raw(h.vote->target.bytes);
  }
  w.U32(static_cast<uint32_t>(h.checkpoint_signers.size()));
  for (const auto& k : h.checkpoint_signers) w.Raw(k.bytes);
  w.Raw(h.sealer.bytes);
}

}  // namespace

Bytes SealBytes(const BlockHeader& h) {
  codec::Writer w("v2v.header");
  PutUnsealed(w, h);
  return w.Take();
}

Bytes EncodeHeader(const BlockHeader& h) {
  codec::Writer w("v2v.header");
  PutUnsealed(w, h);
  w.Raw(h.seal.bytes);
  return w.Take();
}

Result<BlockHeader> DecodeHeader(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.header");
  BlockHeader h;
  h.height = r.U64();
  h.parent = r.Hash();
  h.timestamp_s = r.I64();
  h.tx_root = r.Hash();
  h.state_root = r.Hash();
  h.difficulty = r.U64();
  const uint8_t flag = r.U8();
  if (flag == 1 || flag == 2) {
    HeaderVote v;
    v.target.bytes = r.Fixed<32>();
    v.authorize = flag == 1;
    h.vote = v;
  } else if (flag != 0) {
    r.Fail("bad vote flag");
  }
  h.checkpoint_signers.resize(r.Count(kMaxCheckpointSigners, 32));
  for (size_t i = 0; i < h.checkpoint_signers.size() && r.ok(); ++i) {
    h.checkpoint_signers[i].bytes = r.Fixed<32>();
    if (i > 0 && !(h.checkpoint_signers[i - 1] < h.checkpoint_signers[i])) {
      r.Fail("checkpoint signers not sorted and unique");
    }
  }
  h.sealer.bytes = r.Fixed<32>();
  h.seal.bytes = r.Fixed<64>();
  V2V_RETURN_IF_ERROR(r.Finish());
  return h;
}

Hash32 BlockHash(const BlockHeader& h) { return crypto::Sha256(EncodeHeader(h)); }

Hash32 TxRoot(const std::vector<Tx>& txs) {
  std::vector<Hash32> leaves;
  leaves.reserve(txs.size());
  for (const Tx& tx : txs) leaves.push_back(MerkleLeaf(EncodeTx(tx)));
  return MerkleRoot(std::move(leaves));
}

Bytes EncodeBlock(const Block& b) {
  codec::Writer w("v2v.block");
  w.Blob(EncodeHeader(b.header));
  w.U32(static_cast<uint32_t>(b.txs.size()));
  for (const Tx& tx : b.txs) w.Blob(EncodeTx(tx));
  return w.Take();
}

Result<Block> DecodeBlock(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.block");
  Bytes header = r.Blob(kMaxHeaderBytes);
  Block b;
  b.txs.resize(r.Count(kMaxTxsPerBlock, 4 + 100));
  for (Tx& tx : b.txs) {
    if (!r.ok()) break;
    Bytes tx_bytes = r.Blob();
    auto decoded = DecodeTx(tx_bytes);
    if (!decoded.ok()) return decoded.status();
    tx = std::move(decoded).value();
  }
  V2V_RETURN_IF_ERROR(r.Finish());
  V2V_ASSIGN_OR_RETURN(b.header, DecodeHeader(header));
  return b;
}

}  // namespace v2v::chain
