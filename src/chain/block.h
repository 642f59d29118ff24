// Block header and block, their canonical encodings, and the sealing bytes.
//
// The header commits to its parent, height, time (the only clock the contract reads), the
// Merkle root of the transactions (merkle.h over EncodeTx of each) and the root of the state
// after the block (state.h). The sealer signs SealBytes (every header field but the seal, domain
// tag "v2v.header"); the block hash is SHA-256 of the full header encoding, seal included.
// The Clique (EIP-225) fields ride in the header too, sealed and hashed like the rest:
// difficulty (2 in turn, 1 out of turn), an optional vote (Clique's beneficiary + nonce) and, at
// epoch checkpoints, the sorted signer list (Clique's extraData). Consensus rules (who may seal
// when, how a header is sealed: consensus/poa/engine.h) belong to the consensus module; this is
// the data layer.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chain/tx.h"

namespace v2v::chain {

// Most signers a checkpoint header may list (also the genesis authority bound).
inline constexpr uint32_t kMaxCheckpointSigners = 1024;
// Longest header encoding the decoders accept (checkpoint list included).
inline constexpr uint32_t kMaxHeaderBytes = 64 * 1024;

// A Clique vote: authorize (add) or deauthorize (drop) `target` as a signer.
struct HeaderVote {
  crypto::PublicKey target;
  bool authorize = false;
  bool operator==(const HeaderVote&) const = default;
};

struct BlockHeader {
  uint64_t height = 0;
  Hash32 parent;
  int64_t timestamp_s = 0;
  Hash32 tx_root;
  Hash32 state_root;
  uint64_t difficulty = 0;                            // 2 in turn, 1 out of turn (genesis: 1)
  std::optional<HeaderVote> vote;                     // none on checkpoints
  std::vector<crypto::PublicKey> checkpoint_signers;  // sorted, unique; only at epoch heights
  crypto::PublicKey sealer;
  crypto::Signature seal;
  bool operator==(const BlockHeader&) const = default;
};

struct Block {
  BlockHeader header;
  std::vector<Tx> txs;
};

// The bytes a sealer signs: every header field but the seal (consensus/poa/engine.h seals and
// verifies them).
Bytes SealBytes(const BlockHeader& h);
Bytes EncodeHeader(const BlockHeader& h);
Result<BlockHeader> DecodeHeader(ByteSpan bytes);
Hash32 BlockHash(const BlockHeader& h);
Hash32 TxRoot(const std::vector<Tx>& txs);

Bytes EncodeBlock(const Block& b);
Result<Block> DecodeBlock(ByteSpan bytes);

}  // namespace v2v::chain
