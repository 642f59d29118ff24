#include "net/protocol.h"

#include "codec/codec.h"

namespace v2v::net {

Frame EncodeHello(const Hello& m) {
  codec::Writer w("v2v.p2p.hello");
  w.U32(m.version);
  w.Hash(m.genesis);
  w.U64(m.head_height);
  w.Hash(m.head_hash);
  w.U64(m.total_difficulty);
  w.Str(m.name);
  return {MessageType::kHello, w.Take()};
}

Result<Hello> DecodeHello(ByteSpan payload) {
  codec::Reader r(payload);
  r.ExpectTag("v2v.p2p.hello");
  Hello m;
  m.version = r.U32();
  m.genesis = r.Hash();
  m.head_height = r.U64();
  m.head_hash = r.Hash();
  m.total_difficulty = r.U64();
  m.name = r.Str(chain::kMaxIdBytes);
  V2V_RETURN_IF_ERROR(r.Finish());
  return m;
}

Frame EncodeGetBlocks(const GetBlocks& m) {
  codec::Writer w("v2v.p2p.get_blocks");
  w.U64(m.from_height);
  w.U32(m.max_count);
  return {MessageType::kGetBlocks, w.Take()};
}

Result<GetBlocks> DecodeGetBlocks(ByteSpan payload) {
  codec::Reader r(payload);
  r.ExpectTag("v2v.p2p.get_blocks");
  GetBlocks m;
  m.from_height = r.U64();
  m.max_count = r.U32();
  V2V_RETURN_IF_ERROR(r.Finish());
  if (m.max_count == 0 || m.max_count > kMaxBlocksPerMessage) {
    return Status::Corruption("get_blocks: max_count must be in [1, " +
                              std::to_string(kMaxBlocksPerMessage) + "], got " +
                              std::to_string(m.max_count));
  }
  return m;
}

Frame EncodeBlocks(const std::vector<Bytes>& encoded_blocks) {
  codec::Writer w("v2v.p2p.blocks");
  w.U32(static_cast<uint32_t>(encoded_blocks.size()));
  for (const Bytes& b : encoded_blocks) w.Blob(b);
  return {MessageType::kBlocks, w.Take()};
}

Result<std::vector<chain::Block>> DecodeBlocks(ByteSpan payload) {
  codec::Reader r(payload);
  r.ExpectTag("v2v.p2p.blocks");
  std::vector<chain::Block> blocks(r.Count(kMaxBlocksPerMessage, 4 + 100));
  for (chain::Block& b : blocks) {
    if (!r.ok()) break;
    const Bytes bytes = r.Blob(kMaxFrameBytes);
    if (!r.ok()) break;
    V2V_ASSIGN_OR_RETURN(b, chain::DecodeBlock(bytes));
  }
  V2V_RETURN_IF_ERROR(r.Finish());
  for (size_t i = 1; i < blocks.size(); ++i) {
    if (blocks[i].header.height != blocks[i - 1].header.height + 1) {
      return Status::Corruption("blocks: heights not consecutive");
    }
  }
  return blocks;
}

Frame EncodeTxMessage(const chain::Tx& tx) {
  return {MessageType::kTransaction, chain::EncodeTx(tx)};
}
Result<chain::Tx> DecodeTxMessage(ByteSpan payload) { return chain::DecodeTx(payload); }
Frame EncodeBlockMessage(const chain::Block& block) {
  return {MessageType::kBlock, chain::EncodeBlock(block)};
}
Result<chain::Block> DecodeBlockMessage(ByteSpan payload) { return chain::DecodeBlock(payload); }

}  // namespace v2v::net
