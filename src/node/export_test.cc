#include "node/export.h"

#include <gtest/gtest.h>

#include <sstream>

#include "devnet/block_generator.h"

namespace v2v::node {
namespace {

Bytes ExportOf(int blocks) {
  devnet::BlockGenerator generator;
  auto ledger = std::move(Ledger::Init(store::NewMemKvStore(), generator.genesis())).value();
  base::Rng rng(5);
  for (int i = 0; i < blocks; ++i)
    EXPECT_TRUE(ledger->Append(*generator.NextBlock(*ledger, rng)).ok());
  return *ExportChain(*ledger);
}

Status Verify(const Bytes& bytes) {
  std::istringstream in(std::string(bytes.begin(), bytes.end()));
  return VerifyExport(in).status();
}

std::string MessageOf(const Bytes& bytes) { return Verify(bytes).message(); }

TEST(ExportReader, StreamsAGoodExportBlockByBlock) {
  const Bytes bytes = ExportOf(3);
  std::istringstream in(std::string(bytes.begin(), bytes.end()));
  ExportReader reader(in);
  auto genesis = reader.ReadHeader();
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  ASSERT_EQ(reader.block_count(), 3u);
  for (uint64_t h = 1; h <= 3; ++h) {
    auto b = reader.NextBlock();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_EQ(b->header.height, h);
  }
  EXPECT_TRUE(reader.Finish().ok());
  std::istringstream again(std::string(bytes.begin(), bytes.end()));
  auto imported = ImportChain(store::NewMemKvStore(), again);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ((*imported)->head().height, 3u);
}

TEST(ExportReader, EveryBadInputIsOneCorruption) {
  const Bytes good = ExportOf(2);
  EXPECT_EQ(MessageOf({}), "export is empty");
  EXPECT_EQ(Verify(Bytes(1 << 20, 0)).code(), StatusCode::kCorruption);
  EXPECT_NE(MessageOf(Bytes(1 << 20, 0)).find("not a chain export"), std::string::npos);
  base::Rng rng(9);
  Bytes random(4096);
  for (auto& b : random) b = static_cast<uint8_t>(rng.Next());
  EXPECT_EQ(Verify(random).code(), StatusCode::kCorruption);
  // Every truncation, at a sample of lengths, names the truncation.
  for (size_t n = 1; n < good.size(); n += good.size() / 29 + 1) {
    const Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    const Status s = Verify(cut);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << n;
    EXPECT_NE(s.message().find("truncated"), std::string::npos) << n << ": " << s.message();
  }
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_NE(MessageOf(trailing).find("bytes after the checksum"), std::string::npos);
  Bytes flipped = good;
  flipped[flipped.size() - 40] ^= 1;
  EXPECT_EQ(Verify(flipped).code(), StatusCode::kCorruption);
}

// A length prefix above the codec's cap is refused as soon as it is read: the input holds only
// the tag and the prefix, so nothing of that size can have been read or allocated.
TEST(ExportReader, RefusesAHugeDeclaredLengthBeforeReadingIt) {
  Bytes bytes = codec::Writer("v2v.export").Take();
  for (int i = 0; i < 4; ++i) bytes.push_back(0xff);
  const std::string m = MessageOf(bytes);
  EXPECT_NE(m.find("the genesis declares 4294967295 bytes, above the limit of 16777216"),
            std::string::npos)
      << m;

  // The same for a block, after a valid genesis.
  const Bytes good = ExportOf(1);
  std::istringstream in(std::string(good.begin(), good.end()));
  ExportReader reader(in);
  ASSERT_TRUE(reader.ReadHeader().ok());
  Bytes head(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(in.tellg()));
  head.insert(head.end(), {0x01, 0x00, 0x00, 0x01});  // 16 MiB + 1
  const std::string b = MessageOf(head);
  EXPECT_NE(b.find("block 1 declares 16777217 bytes"), std::string::npos) << b;
}

TEST(ExportReader, DecodeExportHoldsWhatWasExported) {
  const Bytes good = ExportOf(2);
  auto decoded = DecodeExport(good);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->blocks.size(), 2u);
  EXPECT_EQ(decoded->blocks[1].header.height, 2u);
  EXPECT_EQ(contract::EncodeGenesis(decoded->genesis),
            contract::EncodeGenesis(devnet::BlockGenerator().genesis()));
}

}  // namespace
}  // namespace v2v::node
