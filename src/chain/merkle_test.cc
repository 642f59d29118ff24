#include "chain/merkle.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace v2v::chain {
namespace {

Hash32 Leaf(uint8_t b) { return MerkleLeaf(Bytes{b}); }

TEST(Merkle, EmptyAndSingle) {
  EXPECT_TRUE(MerkleRoot({}).IsZero());
  EXPECT_EQ(MerkleRoot({Leaf(1)}), Leaf(1));
}

TEST(Merkle, OddNodeIsPromotedNotDuplicated) {
  const Hash32 a = Leaf(1), b = Leaf(2), c = Leaf(3);
  // CVE-2012-2459: with duplication, [a,b,c] and [a,b,c,c] would share a root.
  EXPECT_NE(MerkleRoot({a, b, c}), MerkleRoot({a, b, c, c}));
  Bytes ab{0x01};
  ab.insert(ab.end(), a.bytes.begin(), a.bytes.end());
  ab.insert(ab.end(), b.bytes.begin(), b.bytes.end());
  const Hash32 hab = crypto::Sha256(ab);
  Bytes top{0x01};
  top.insert(top.end(), hab.bytes.begin(), hab.bytes.end());
  top.insert(top.end(), c.bytes.begin(), c.bytes.end());
  EXPECT_EQ(MerkleRoot({a, b, c}), crypto::Sha256(top));
}

TEST(Merkle, LeafAndInnerDomainsDiffer) {
  // An inner node's 64 bytes hashed as a leaf must not equal the inner node.
  const Hash32 a = Leaf(1), b = Leaf(2);
  Bytes cat(a.bytes.begin(), a.bytes.end());
  cat.insert(cat.end(), b.bytes.begin(), b.bytes.end());
  EXPECT_NE(MerkleLeaf(cat), MerkleRoot({a, b}));
}

TEST(Merkle, GoldenRoot) {
  EXPECT_EQ(MerkleRoot({Leaf(1), Leaf(2), Leaf(3)}).Hex(),
            "e2da0242936eb38ec996a543601b3a1da4226391ff92014ed1a7a248ace36347");
}

}  // namespace
}  // namespace v2v::chain
