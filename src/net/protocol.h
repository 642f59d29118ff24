// Payloads of the RSU peer protocol (docs/spec/node.md N3) carried in the frames of frame.h.
//
// Every payload is a canonical codec value with its own domain tag; decoders are strict (exact
// length, bounded counts) and return Corruption for anything else, so a peer's bytes reach the
// ledger only as well-formed values. Transactions and blocks use chain/'s own encodings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "chain/block.h"
#include "net/frame.h"

namespace v2v::net {

inline constexpr uint32_t kProtocolVersion = 1;
inline constexpr uint32_t kMaxBlocksPerMessage = 256;

struct Hello {
  uint32_t version = kProtocolVersion;
  Hash32 genesis;  // hash of the genesis block: peers on other chains are refused
  uint64_t head_height = 0;
  Hash32 head_hash;
  uint64_t total_difficulty = 0;
  std::string name;  // the sender's RSU name (must match its certificate's subject)
  bool operator==(const Hello&) const = default;
};

struct GetBlocks {
  uint64_t from_height = 0;
  uint32_t max_count = 0;  // 1..kMaxBlocksPerMessage
  bool operator==(const GetBlocks&) const = default;
};

Frame EncodeHello(const Hello& m);
Result<Hello> DecodeHello(ByteSpan payload);
Frame EncodeGetBlocks(const GetBlocks& m);
Result<GetBlocks> DecodeGetBlocks(ByteSpan payload);
// The encoded blocks are passed through (each EncodeBlock bytes) so a responder need not decode.
Frame EncodeBlocks(const std::vector<Bytes>& encoded_blocks);
Result<std::vector<chain::Block>> DecodeBlocks(ByteSpan payload);
Frame EncodeTxMessage(const chain::Tx& tx);
Result<chain::Tx> DecodeTxMessage(ByteSpan payload);
Frame EncodeBlockMessage(const chain::Block& block);
Result<chain::Block> DecodeBlockMessage(ByteSpan payload);

}  // namespace v2v::net
