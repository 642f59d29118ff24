#include "consensus/poa/engine.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "crypto/hash.h"

namespace v2v::consensus::poa {
namespace {

Signer EngineSigner(const std::string& name) {
  return crypto::PrivateKey::FromSeed(crypto::Sha256(AsBytes("engine/" + name)).bytes)
      ->public_key();
}

crypto::PrivateKey PrivateKey(const std::string& name) {
  return std::move(crypto::PrivateKey::FromSeed(crypto::Sha256(AsBytes("engine/" + name)).bytes))
      .value();
}

// A chain of stored headers in memory: the engine's port, as the ledger's BlockTree is.
class FakeChain final : public ChainHeaderReader {
 public:
  FakeChain(CliqueConfig config, std::vector<Signer> signers) {
    chain::BlockHeader genesis;
    genesis.timestamp_s = 1000;
    genesis.difficulty = 1;
    Add(genesis, Snapshot(config.epoch, std::move(signers)));
  }
  void Add(const chain::BlockHeader& h, Snapshot snap) {
    head_hash_ = chain::BlockHash(h);
    stored_.insert_or_assign(head_hash_, StoredHeader{h, std::move(snap)});
  }
  const chain::BlockHeader& CurrentHeader() const override { return stored_.at(head_hash_).header; }
  const Hash32& CurrentHash() const override { return head_hash_; }
  const Snapshot& CurrentSnapshot() const override { return stored_.at(head_hash_).snapshot; }
  Result<std::optional<StoredHeader>> HeaderByHash(const Hash32& hash) const override {
    if (failing) return Status::IoError("disk on fire");
    auto it = stored_.find(hash);
    if (it == stored_.end()) return std::optional<StoredHeader>();
    return std::optional<StoredHeader>(it->second);
  }
  bool failing = false;

 private:
  std::map<Hash32, StoredHeader> stored_;
  Hash32 head_hash_;
};

CliqueConfig Config(uint64_t period_s = 5, uint64_t epoch = 10) {
  CliqueConfig c;
  c.period_s = period_s;
  c.epoch = epoch;
  return c;
}

TEST(EngineTest, TimestampRules) {
  const Engine e(Config());
  EXPECT_FALSE(e.VerifyTimestamp(100, 105, 105));
  EXPECT_EQ(e.VerifyTimestamp(100, 104, 200)->code, chain::Reject::kInvalidTimestamp);
  EXPECT_EQ(e.VerifyTimestamp(100, 200, 150)->code, chain::Reject::kFutureBlock);
  EXPECT_FALSE(e.VerifyTimestamp(100, 155, 150));  // within the window: the period, 5 s
  EXPECT_EQ(e.VerifyTimestamp(100, 156, 150)->code, chain::Reject::kFutureBlock);
  EXPECT_EQ(NextTimestamp(e.config(), 100, 90), 105);
  EXPECT_EQ(NextTimestamp(e.config(), 100, 120), 120);
  const Engine zero(Config(/*period_s=*/0));
  EXPECT_FALSE(zero.ShouldSeal(0));
  EXPECT_TRUE(zero.ShouldSeal(3));
  EXPECT_TRUE(e.ShouldSeal(0));
}

// Security review finding E: with a fixed 15 s window, a signer whose clock ran 15 s ahead made
// every node wait about 15 s for the block after each of its own (the next block may not be
// stamped before its time + period). The window is now the period, at least 1 s, so an accepted
// block delays the next by at most one period; a configured value still wins.
TEST(EngineTest, TheFutureWindowIsThePeriodAtLeastOneSecond) {
  EXPECT_EQ(AllowedFutureS(Config(/*period_s=*/5)), 5);
  EXPECT_EQ(AllowedFutureS(Config(/*period_s=*/1)), 1);
  EXPECT_EQ(AllowedFutureS(Config(/*period_s=*/0)), 1);
  CliqueConfig wide = Config(/*period_s=*/1);
  wide.allowed_future_s = 15;
  EXPECT_EQ(AllowedFutureS(wide), 15);
  const Engine e(Config(/*period_s=*/1));
  EXPECT_FALSE(e.VerifyTimestamp(100, 102, 101));  // 1 s ahead of our clock: accepted
  EXPECT_EQ(e.VerifyTimestamp(100, 117, 101)->code, chain::Reject::kFutureBlock);  // 16 s ahead
  EXPECT_EQ(e.VerifyTimestamp(100, 103, 101)->code, chain::Reject::kFutureBlock);  // 2 s ahead
  // Accepted at local time t, a block is stamped at most t + 1 (the window), so the next block
  // is due at most at t + 2 = t + 2 x period: one block interval at most doubles.
  EXPECT_LE(NextTimestamp(e.config(), 102, 101) - 101,
            2 * static_cast<int64_t>(e.config().period_s));
}

TEST(EngineTest, PrepareSealVerify) {
  const Engine e(Config());
  FakeChain chain(e.config(), {EngineSigner("a"), EngineSigner("b"), EngineSigner("c")});
  const Signer in_turn = chain.CurrentSnapshot().signers()[1];
  const crypto::PrivateKey* key = nullptr;
  std::vector<crypto::PrivateKey> keys;
  for (const char* name : {"a", "b", "c"}) keys.push_back(PrivateKey(name));
  for (const auto& k : keys) key = k.public_key() == in_turn ? &k : key;
  ASSERT_NE(key, nullptr);
  auto h = e.Prepare(chain, 1005, in_turn, chain::HeaderVote{EngineSigner("d"), true});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->height, 1u);
  EXPECT_EQ(h->parent, chain.CurrentHash());
  EXPECT_EQ(h->difficulty, kDiffInTurn);
  EXPECT_TRUE(h->vote.has_value());
  EXPECT_EQ(e.Prepare(chain, 1004, in_turn, std::nullopt).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(e.Prepare(chain, 1005, EngineSigner("x"), std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);

  chain::Block block{*h, {}};
  block.header.tx_root = chain::TxRoot({});
  Engine::Seal(block.header, *key);
  chain::BlockHeader unsealed = block.header;
  unsealed.seal = crypto::Signature{};
  EXPECT_EQ(Engine::SealHash(block.header), Engine::SealHash(unsealed));  // the seal is not signed
  unsealed.timestamp_s += 1;
  EXPECT_NE(Engine::SealHash(block.header), Engine::SealHash(unsealed));
  EXPECT_TRUE(Engine::VerifySeal(block.header));
  auto next = e.VerifyHeader(chain, block, /*now_s=*/1005);
  ASSERT_TRUE(next.ok()) << next.ToStatus().ToString();
  EXPECT_EQ(next->TallyFor(EngineSigner("d"), true), 1);

  chain::Block tampered = block;
  tampered.header.timestamp_s += 1;
  EXPECT_EQ(chain::RejectionCode(e.VerifyHeader(chain, tampered, 1006)), chain::Reject::kBadSeal);
  EXPECT_EQ(chain::RejectionCode(e.VerifyHeader(chain, block, 1005 - 16)),
            chain::Reject::kFutureBlock);
  chain::Block orphan = block;
  orphan.header.parent.bytes[0] ^= 1;
  Engine::Seal(orphan.header, *key);
  auto unknown = e.VerifyHeader(chain, orphan, 1005);
  ASSERT_TRUE(unknown.error());
  EXPECT_EQ(unknown.error_status().code(), StatusCode::kNotFound);
  chain.failing = true;  // the reader's own failure is not a verdict on the header
  auto broken = e.VerifyHeader(chain, block, 1005);
  ASSERT_TRUE(broken.error());
  EXPECT_EQ(broken.error_status().code(), StatusCode::kIoError);
}

TEST(EngineTest, CheckpointPrepareListsSignersAndSealPlanWaitsOutOfTurn) {
  const Engine e(Config(/*period_s=*/1, /*epoch=*/1));
  FakeChain chain(e.config(),
                  {EngineSigner("a"), EngineSigner("b"), EngineSigner("c"), EngineSigner("d")});
  const Snapshot& snap = chain.CurrentSnapshot();
  auto h = e.Prepare(chain, 1001, snap.signers()[1], chain::HeaderVote{EngineSigner("x"), true});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->checkpoint_signers, snap.signers());
  EXPECT_FALSE(h->vote.has_value());
  EXPECT_TRUE(e.MaySeal(chain, snap.signers()[0]));
  EXPECT_FALSE(e.MaySeal(chain, EngineSigner("x")));
  const SealPlan in = e.SealPlanFor(chain, snap.signers()[1], 1000500, 0.5);
  EXPECT_EQ(in.parent, chain.CurrentHash());
  EXPECT_EQ(in.block_time_s, 1001);
  EXPECT_EQ(in.at_ms, 1001000);  // in turn: at once
  EXPECT_TRUE(in.in_turn);
  const SealPlan out = e.SealPlanFor(chain, snap.signers()[2], 1000500, 0.5);
  EXPECT_EQ(out.at_ms, 1001000 + 750);  // wiggle (4/2 + 1) * 500 ms, half of it
  EXPECT_FALSE(out.in_turn);
  EXPECT_FALSE(e.SealPlanFor(chain, snap.signers()[2], 1000500, 0.0).in_turn) << "no wiggle drawn";
}

TEST(EngineTest, OutOfTurnDelayStaysInGethsWiggleAndInTurnIsImmediate) {
  Snapshot s(kDefaultEpoch, {EngineSigner("a"), EngineSigner("b"), EngineSigner("c"),
                             EngineSigner("d")});  // wiggle (4/2+1)*500
  const Signer in = s.signers()[5 % 4], out = s.signers()[6 % 4];
  EXPECT_EQ(SealDelayMs(s, 5, in, 0.7), 0);
  EXPECT_EQ(SealDelayMs(s, 5, out, 0.0), 0);
  EXPECT_EQ(SealDelayMs(s, 5, out, 0.5), 750);
  EXPECT_LT(SealDelayMs(s, 5, out, 1.0), 1500);
}

TEST(EngineTest, ProposalsOnlyOfferVotesThatChangeStatus) {
  Snapshot s(10, {EngineSigner("a"), EngineSigner("b")});
  Proposals p;
  p.Propose(EngineSigner("a"), true);   // already a signer: not offered
  p.Propose(EngineSigner("x"), false);  // not a signer: not offered
  EXPECT_FALSE(p.Choose(s, 1, 0.3).has_value());
  p.Propose(EngineSigner("c"), true);
  p.Propose(EngineSigner("b"), false);
  std::set<Signer> seen;
  for (double u : {0.0, 0.49, 0.5, 0.99}) seen.insert(p.Choose(s, 1, u)->target);
  EXPECT_EQ(seen, (std::set<Signer>{EngineSigner("c"), EngineSigner("b")}));
  EXPECT_FALSE(p.Choose(s, 10, 0.3).has_value());  // checkpoint: no vote
  p.Discard(EngineSigner("c"));
  p.Discard(EngineSigner("b"));
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
