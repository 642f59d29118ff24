#include "chain/block.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "chain/testing/fixtures.h"

namespace v2v::chain {
namespace {

// What consensus::poa::Engine::Seal does (chain may not include consensus).
void SealHeader(BlockHeader& h, const crypto::PrivateKey& key) {
  h.sealer = key.public_key();
  h.seal = key.Sign(SealBytes(h));
}
bool SealValid(const BlockHeader& h) { return crypto::Verify(h.sealer, SealBytes(h), h.seal); }

Block SampleBlock() {
  Block b;
  b.header.height = 5;
  b.header.timestamp_s = 1700000100;
  b.header.difficulty = 2;
  b.header.vote = HeaderVote{testing::FixedKey(3).public_key(), true};
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
  EXPECT_EQ(BlockHash(SampleBlock().header).Hex(),
            "a25e2e4abccdc51b07218c42a15c5b33127f12dbd27c70c2f887f18a02511f13");
}

// A checkpoint header: no vote, the signers listed sorted.
BlockHeader SampleCheckpoint() {
  BlockHeader h;
  h.height = 30000;
  h.timestamp_s = 1700000200;
  h.difficulty = 1;
  for (uint8_t k : {uint8_t{4}, uint8_t{5}, uint8_t{6}})
    h.checkpoint_signers.push_back(testing::FixedKey(k).public_key());
  std::sort(h.checkpoint_signers.begin(), h.checkpoint_signers.end());
  SealHeader(h, testing::FixedKey(9));
  return h;
}

TEST(Block, CheckpointGoldenHashAndRoundTrip) {
  const BlockHeader h = SampleCheckpoint();
  auto back = DecodeHeader(EncodeHeader(h));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, h);
  EXPECT_EQ(BlockHash(h).Hex(), "4b5458345d8003f212bcc8b1d35196676303708868566b90ea2e9068aa33462c");
}

TEST(Block, VoteRoundTripsBothDirections) {
  for (bool authorize : {true, false}) {
    BlockHeader h = SampleBlock().header;
    h.vote->authorize = authorize;
    auto back = DecodeHeader(EncodeHeader(h));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, h);
  }
  BlockHeader none = SampleBlock().header;
  none.vote.reset();
  auto back = DecodeHeader(EncodeHeader(none));
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->vote);
}

// Offset of the vote flag in a header encoding: tag (1 + 10) + version, height, parent,
// timestamp, tx root, state root, difficulty.
constexpr size_t kFlagOffset = 1 + 10 + 1 + 8 + 32 + 8 + 32 + 32 + 8;

TEST(Block, StrictHeaderDecoding) {
  const Bytes enc = EncodeHeader(SampleBlock().header);
  ASSERT_EQ(enc[kFlagOffset], 1);  // add
  Bytes bad = enc;
  bad[kFlagOffset] = 3;  // no such flag
  EXPECT_FALSE(DecodeHeader(bad).ok());
  bad = enc;
  bad.push_back(0);  // trailing byte
  EXPECT_FALSE(DecodeHeader(bad).ok());
  EXPECT_FALSE(DecodeHeader(ByteSpan(enc.data(), enc.size() - 1)).ok());  // truncated

  // Checkpoint signers must be sorted and unique.
  const BlockHeader cp = SampleCheckpoint();
  const Bytes good = EncodeHeader(cp);
  const size_t list = kFlagOffset + 1 + 4;  // flag 0, then u32 count
  ASSERT_EQ(good[kFlagOffset], 0);
  Bytes swapped = good;
  std::swap_ranges(swapped.begin() + list, swapped.begin() + list + 32,
                   swapped.begin() + list + 32);
  EXPECT_FALSE(DecodeHeader(swapped).ok());
  Bytes dup = good;
  std::copy(dup.begin() + list, dup.begin() + list + 32, dup.begin() + list + 32);
  EXPECT_FALSE(DecodeHeader(dup).ok());
  // A count above the bound.
  Bytes huge = good;
  huge[list - 4] = 0x7f;
  EXPECT_FALSE(DecodeHeader(huge).ok());
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
