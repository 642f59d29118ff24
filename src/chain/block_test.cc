#include "chain/block.h"

#include <gtest/gtest.h>

#include "chain/testing/fixtures.h"

namespace v2v::chain {
namespace {

Block SampleBlock() {
  Block b;
  b.header.height = 5;
  b.header.timestamp_s = 1700000100;
  b.txs.push_back(testing::SampleBuyerTx(testing::FixedKey(1)));
  b.header.tx_root = TxRoot(b.txs);
  SealHeader(b.header, testing::FixedKey(9));
  return b;
}

TEST(Block, RoundTripAndSeal) {
  Block b = SampleBlock();
  EXPECT_TRUE(SealValid(b.header));
  Bytes enc = EncodeBlock(b);
  auto back = DecodeBlock(enc);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(EncodeBlock(*back), enc);
  EXPECT_EQ(BlockHash(back->header), BlockHash(b.header));
  b.header.timestamp_s += 1;
  EXPECT_FALSE(SealValid(b.header));
}

TEST(Block, GoldenHash) {
  EXPECT_EQ(BlockHash(SampleBlock().header).Hex(), "85659e4805653394a50ae095b69d98590c91c2613b5e3e991c79a51435ab6fec");
}

TEST(Block, CorruptedBytesNeverDecodeToAnotherBlock) {
  const Block b = SampleBlock();
  const Bytes enc = EncodeBlock(b);
  for (size_t i = 0; i < enc.size(); i += 3) {
    Bytes bad = enc;
    bad[i] ^= 0x40;
    auto back = DecodeBlock(bad);
    if (back.ok()) {  // a flip inside a signature or value still decodes: it must differ
      EXPECT_NE(EncodeBlock(*back), enc);
    }
  }
}

}  // namespace
}  // namespace v2v::chain
