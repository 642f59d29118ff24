#include "consensus/poa/engine.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/hash.h"

namespace v2v::consensus::poa {
namespace {

Signer Key(const std::string& name) {
  return crypto::PrivateKey::FromSeed(crypto::Sha256(AsBytes("engine/" + name)).bytes)->public_key();
}

TEST(EngineTest, TimestampRules) {
  CliqueConfig c;
  c.period_s = 5;
  EXPECT_TRUE(VerifyTimestamp(c, 100, 105, 105).ok());
  EXPECT_EQ(CliqueErrorOf(VerifyTimestamp(c, 100, 104, 200)), CliqueError::kInvalidTimestamp);
  EXPECT_EQ(CliqueErrorOf(VerifyTimestamp(c, 100, 200, 150)), CliqueError::kFutureBlock);
  EXPECT_TRUE(VerifyTimestamp(c, 100, 160, 150).ok());  // within the allowed 15 s of drift
  EXPECT_EQ(NextTimestamp(c, 100, 90), 105);
  EXPECT_EQ(NextTimestamp(c, 100, 120), 120);
  CliqueConfig zero;
  zero.period_s = 0;
  EXPECT_FALSE(ShouldSeal(zero, 0));
  EXPECT_TRUE(ShouldSeal(zero, 3));
  EXPECT_TRUE(ShouldSeal(c, 0));
}

TEST(EngineTest, OutOfTurnDelayStaysInGethsWiggleAndInTurnIsImmediate) {
  Snapshot s(kDefaultEpoch, {Key("a"), Key("b"), Key("c"), Key("d")});  // wiggle (4/2+1)*500
  const Signer in = s.signers()[5 % 4], out = s.signers()[6 % 4];
  EXPECT_EQ(SealDelayMs(s, 5, in, 0.7), 0);
  EXPECT_EQ(SealDelayMs(s, 5, out, 0.0), 0);
  EXPECT_EQ(SealDelayMs(s, 5, out, 0.5), 750);
  EXPECT_LT(SealDelayMs(s, 5, out, 1.0), 1500);
}

TEST(EngineTest, ProposalsOnlyOfferVotesThatChangeStatus) {
  Snapshot s(10, {Key("a"), Key("b")});
  Proposals p;
  p.Propose(Key("a"), true);   // already a signer: not offered
  p.Propose(Key("x"), false);  // not a signer: not offered
  EXPECT_FALSE(p.Choose(s, 1, 0.3).has_value());
  p.Propose(Key("c"), true);
  p.Propose(Key("b"), false);
  std::set<Signer> seen;
  for (double u : {0.0, 0.49, 0.5, 0.99}) seen.insert(p.Choose(s, 1, u)->target);
  EXPECT_EQ(seen, (std::set<Signer>{Key("c"), Key("b")}));
  EXPECT_FALSE(p.Choose(s, 10, 0.3).has_value());  // checkpoint: no vote
  p.Discard(Key("c"));
  p.Discard(Key("b"));
  EXPECT_FALSE(p.Choose(s, 1, 0.3).has_value());
}

TEST(EngineTest, ForkChoice) {
  ChainTip a{10, 6, {}}, b{9, 5, {}};
  EXPECT_TRUE(PreferTip(a, b));
  EXPECT_FALSE(PreferTip(b, a));
  ChainTip shorter{10, 5, {}};
  EXPECT_TRUE(PreferTip(shorter, a));  // same difficulty in fewer blocks: more in-turn blocks
  ChainTip h1{10, 5, {}}, h2{10, 5, {}};
  h1.hash.bytes[0] = 1;
  h2.hash.bytes[0] = 2;
  EXPECT_TRUE(PreferTip(h1, h2));
  EXPECT_FALSE(PreferTip(h2, h1));
  EXPECT_FALSE(PreferTip(h1, h1));  // the current head stays on a full tie
}

}  // namespace
}  // namespace v2v::consensus::poa
