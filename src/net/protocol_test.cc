#include "net/protocol.h"

#include <gtest/gtest.h>

namespace v2v::net {
namespace {

TEST(Protocol, HelloRoundTripsAndIsStrict) {
  Hello h;
  h.genesis.bytes.fill(7);
  h.head_height = 42;
  h.head_hash.bytes.fill(9);
  h.total_difficulty = 80;
  h.name = "rsu-3";
  const Frame f = EncodeHello(h);
  EXPECT_EQ(f.type, MessageType::kHello);
  auto back = DecodeHello(f.payload);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, h);
  Bytes longer = f.payload;
  longer.push_back(0);
  EXPECT_EQ(DecodeHello(longer).status().code(), StatusCode::kCorruption);
  Bytes shorter(f.payload.begin(), f.payload.end() - 1);
  EXPECT_FALSE(DecodeHello(shorter).ok());
  EXPECT_FALSE(DecodeHello(EncodeGetBlocks({1, 2}).payload).ok());  // wrong tag
}

TEST(Protocol, GetBlocksBoundsTheCount) {
  auto ok = DecodeGetBlocks(EncodeGetBlocks({5, kMaxBlocksPerMessage}).payload);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->from_height, 5u);
  EXPECT_FALSE(DecodeGetBlocks(EncodeGetBlocks({5, 0}).payload).ok());
  EXPECT_FALSE(DecodeGetBlocks(EncodeGetBlocks({5, kMaxBlocksPerMessage + 1}).payload).ok());
}

chain::Block EmptyBlock(uint64_t height) {
  chain::Block b;
  b.header.height = height;
  b.header.timestamp_s = 1000 + static_cast<int64_t>(height);
  b.header.tx_root = chain::TxRoot({});
  return b;
}

TEST(Protocol, BlocksRoundTripAndMustBeConsecutive) {
  std::vector<Bytes> enc{chain::EncodeBlock(EmptyBlock(3)), chain::EncodeBlock(EmptyBlock(4))};
  auto back = DecodeBlocks(EncodeBlocks(enc).payload);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].header.height, 4u);
  std::vector<Bytes> gap{chain::EncodeBlock(EmptyBlock(3)), chain::EncodeBlock(EmptyBlock(5))};
  EXPECT_FALSE(DecodeBlocks(EncodeBlocks(gap).payload).ok());
  std::vector<Bytes> junk{Bytes{1, 2, 3}};
  EXPECT_FALSE(DecodeBlocks(EncodeBlocks(junk).payload).ok());
  EXPECT_TRUE(DecodeBlocks(EncodeBlocks({}).payload).ok());
}

}  // namespace
}  // namespace v2v::net
