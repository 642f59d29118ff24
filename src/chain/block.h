// Block header and block, their canonical encodings, and the sealing bytes.
//
// The header commits to its parent, height, time (the only clock the contract reads), the
// Merkle root of the transactions (merkle.h over EncodeTx of each) and the root of the state
// after the block (state.h). The sealer signs SealBytes (every header field but the seal, domain
// tag "v2v.header"); the block hash is SHA-256 of the full header encoding, seal included.
// Consensus rules (who may seal when) belong to the consensus module; this is the data layer.
#pragma once

#include <cstdint>
#include <vector>

#include "chain/tx.h"

namespace v2v::chain {

struct BlockHeader {
  uint64_t height = 0;
  Hash32 parent;
  int64_t timestamp_s = 0;
  Hash32 tx_root;
  Hash32 state_root;
  crypto::PublicKey sealer;
  crypto::Signature seal;
  bool operator==(const BlockHeader&) const = default;
};

struct Block {
  BlockHeader header;
  std::vector<Tx> txs;
};

Bytes SealBytes(const BlockHeader& h);
Bytes EncodeHeader(const BlockHeader& h);
Result<BlockHeader> DecodeHeader(ByteSpan bytes);
Hash32 BlockHash(const BlockHeader& h);
Hash32 TxRoot(const std::vector<Tx>& txs);

Bytes EncodeBlock(const Block& b);
Result<Block> DecodeBlock(ByteSpan bytes);

// Sets sealer and seal.
void SealHeader(BlockHeader& h, const crypto::PrivateKey& key);
bool SealValid(const BlockHeader& h);

}  // namespace v2v::chain
