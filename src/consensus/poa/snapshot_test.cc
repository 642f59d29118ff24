#include "consensus/poa/snapshot.h"

#include <gtest/gtest.h>

#include <random>

#include "crypto/hash.h"

namespace v2v::consensus::poa {
namespace {

Signer Key(const std::string& name) {
  return crypto::PrivateKey::FromSeed(crypto::Sha256(AsBytes("test/" + name)).bytes)->public_key();
}

CliqueHeader Block(const Snapshot& s, const Signer& sealer,
                   std::optional<Vote> vote = std::nullopt) {
  CliqueHeader h;
  h.height = s.height() + 1;
  h.sealer = sealer;
  h.difficulty = s.DifficultyFor(h.height, sealer);
  h.vote = vote;
  return h;
}

TEST(SnapshotTest, SignersAreSortedAndInTurnFollowsTheirOrder) {
  std::vector<Signer> keys = {Key("a"), Key("b"), Key("c")};
  Snapshot s(kDefaultEpoch, keys);
  ASSERT_TRUE(std::is_sorted(s.signers().begin(), s.signers().end()));
  for (uint64_t h = 1; h <= 6; ++h) {
    int in_turn = 0;
    for (const Signer& k : keys) in_turn += s.InTurn(h, k) ? 1 : 0;
    EXPECT_EQ(in_turn, 1);
    EXPECT_TRUE(s.InTurn(h, s.signers()[h % 3]));
    EXPECT_EQ(s.DifficultyFor(h, s.signers()[h % 3]), kDiffInTurn);
    EXPECT_EQ(s.DifficultyFor(h, s.signers()[(h + 1) % 3]), kDiffNoTurn);
  }
  EXPECT_FALSE(s.InTurn(1, Key("stranger")));
}

TEST(SnapshotTest, WrongDifficultyAndHeightAreRefused) {
  Snapshot s(kDefaultEpoch, {Key("a"), Key("b")});
  CliqueHeader h = Block(s, Key("a"));
  h.difficulty = h.difficulty == kDiffInTurn ? kDiffNoTurn : kDiffInTurn;
  EXPECT_EQ(chain::RejectionCode(s.Apply(h)), chain::Reject::kWrongDifficulty);
  CliqueHeader skip = Block(s, Key("a"));
  skip.height = 5;
  EXPECT_EQ(chain::RejectionCode(s.Apply(skip)), chain::Reject::kBadHeight);
}

TEST(SnapshotTest, ApplyIsPure) {
  Snapshot s(kDefaultEpoch, {Key("a"), Key("b")});
  const Snapshot before = s;
  auto next = s.Apply(Block(s, Key("a"), Vote{Key("c"), true}));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(s, before);
  EXPECT_EQ(next->TallyFor(Key("c"), true), 1);
  EXPECT_EQ(s.TallyFor(Key("c"), true), 0);
}

// Near genesis the recency window is not skipped (go-ethereum's verifySeal wraps around there).
TEST(SnapshotTest, RecencyUsesSignedArithmeticNearGenesis) {
  Snapshot s(kDefaultEpoch, {Key("a"), Key("b"), Key("c"), Key("d"), Key("e")});  // limit 3
  auto one = s.Apply(Block(s, Key("a")));
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->RecentlySigned(Key("a")));
  EXPECT_EQ(chain::RejectionCode(one->Apply(Block(*one, Key("a")))),
            chain::Reject::kRecentlySigned);
  auto two = one->Apply(Block(*one, Key("b")));
  auto three = two->Apply(Block(*two, Key("c")));
  ASSERT_TRUE(three.ok());
  EXPECT_FALSE(three->RecentlySigned(Key("a")));  // block 4 pushes block 1 out of the window
  EXPECT_TRUE(three->Apply(Block(*three, Key("a"))).ok());
}

TEST(SnapshotTest, EncodingRoundTripsEveryField) {
  Snapshot s(7, {Key("a"), Key("b"), Key("c")});
  std::vector<std::pair<std::string, std::optional<Vote>>> seq = {{"a", Vote{Key("d"), true}},
                                                                  {"b", Vote{Key("c"), false}},
                                                                  {"c", std::nullopt},
                                                                  {"a", Vote{Key("e"), true}}};
  for (const auto& [who, vote] : seq) {
    auto n = s.Apply(Block(s, Key(who), vote));
    ASSERT_TRUE(n.ok()) << n.ToStatus().ToString();
    s = *n;
  }
  auto back = Snapshot::Decode(s.Encode());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s);
  EXPECT_EQ(back->Encode(), s.Encode());
}

TEST(SnapshotTest, DecodeRefusesMalformedBytes) {
  Snapshot s(kDefaultEpoch, {Key("a"), Key("b")});
  s = *s.Apply(Block(s, Key("a"), Vote{Key("c"), true}));
  const Bytes good = s.Encode();
  for (size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(Snapshot::Decode(ByteSpan(good.data(), cut)).ok()) << cut;
  }
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(Snapshot::Decode(trailing).ok());
  Bytes version = good;
  version[0] = 9;
  EXPECT_FALSE(Snapshot::Decode(version).ok());
  std::mt19937_64 rng(3);
  for (int k = 0; k < 2000; ++k) {  // random corruption never crashes; if it decodes, it re-encodes
    Bytes b = good;
    b[rng() % b.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    auto d = Snapshot::Decode(b);
    if (d.ok()) {
      EXPECT_EQ(d->Encode(), b);
    }
  }
}

}  // namespace
}  // namespace v2v::consensus::poa
