#include "net/frame.h"

#include <gtest/gtest.h>

#include <random>

namespace v2v::net {
namespace {

TEST(FrameTest, RoundTripAcrossArbitrarySplits) {
  std::vector<Frame> frames = {{MessageType::kHello, {1, 2, 3}},
                               {MessageType::kPing, {}},
                               {MessageType::kBlock, Bytes(70000, 7)}};
  Bytes wire;
  for (const Frame& f : frames) {
    Bytes b = EncodeFrame(f);
    wire.insert(wire.end(), b.begin(), b.end());
  }
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    FrameDecoder d;
    std::vector<Frame> got;
    for (size_t pos = 0; pos < wire.size();) {
      const size_t n = std::min(wire.size() - pos, static_cast<size_t>(1 + rng() % 5000));
      ASSERT_TRUE(d.Feed(ByteSpan(wire.data() + pos, n)).ok());
      pos += n;
      while (auto f = d.Next()) got.push_back(*f);
    }
    EXPECT_EQ(got, frames);
    EXPECT_EQ(d.buffered(), 0u);
  }
}

TEST(FrameTest, MalformedStreamsAreTypedErrorsAndSticky) {
  FrameDecoder oversized;
  const Bytes big = {0x10, 0x00, 0x00, 0x00, 1};
  Status s = oversized.Feed(big);
  EXPECT_EQ(s.message().rfind("oversized_frame", 0), 0u) << s.message();
  EXPECT_FALSE(oversized.Feed(EncodeFrame({MessageType::kPing, {}})).ok());  // no resync
  FrameDecoder empty;
  EXPECT_EQ(empty.Feed(Bytes{0, 0, 0, 0}).message().rfind("empty_frame", 0), 0u);
  FrameDecoder unknown;
  EXPECT_EQ(unknown.Feed(Bytes{0, 0, 0, 2, 99, 0}).message().rfind("unknown_message_type", 0), 0u);
  FrameDecoder partial;  // a truncated frame is just incomplete, not an error
  Bytes f = EncodeFrame({MessageType::kTransaction, {1, 2, 3, 4}});
  EXPECT_TRUE(partial.Feed(ByteSpan(f.data(), f.size() - 1)).ok());
  EXPECT_FALSE(partial.Next().has_value());
}

}  // namespace
}  // namespace v2v::net
