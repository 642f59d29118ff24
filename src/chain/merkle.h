// Merkle root over a list of leaves (transactions, state entries).
//
//   leaf  = SHA-256(0x00 || leaf bytes)
//   inner = SHA-256(0x01 || left || right)
//   an odd node at the end of a level is promoted to the next level unchanged.
//   root of no leaves = 32 zero bytes.
//
// Why not Bitcoin's scheme: Bitcoin pairs an odd node with a copy of itself, so the lists
// [a, b, c] and [a, b, c, c] have the same root (CVE-2012-2459), and a node that leaves a
// duplicated transaction out of a block would accept a different block under the same header.
// Promoting the odd node gives every distinct list its own root; the 0x00/0x01 prefixes stop an
// inner node (64 bytes) from being passed off as a leaf (second-preimage attack).
#pragma once

#include <vector>

#include "base/bytes.h"

namespace v2v::chain {

Hash32 MerkleLeaf(ByteSpan data);
// Root from leaf hashes already computed by MerkleLeaf.
Hash32 MerkleRoot(std::vector<Hash32> leaves);

}  // namespace v2v::chain
