// N4: the order of our own due block and a peer's block of the same height on the node core's
// thread. The core handles what was queued for it in order and notices its timer only after that
// queue, so a peer's block can be handled while our block is already due; these tests hand the
// core exactly that order on a fake clock and transport.
#include <gtest/gtest.h>

#include <sstream>

#include "base/clock.h"
#include "chain/testing/fixtures.h"
#include "devnet/block_generator.h"
#include "node/service.h"
#include "store/kv_store.h"

namespace v2v::node {
namespace {

class HalfRandom final : public Random {
 public:
  double Uniform01() override { return 0.5; }  // an out-of-turn wiggle of 500 ms (2 signers)
};

class SilentTransport final : public net::PeerTransport {
 public:
  net::PeerId Connect(const std::string&, uint16_t) override { return next_++; }
  void Send(net::PeerId, net::Frame) override {}
  void Disconnect(net::PeerId) override {}

 private:
  net::PeerId next_ = 1;
};

// Two signers, keys 5 and 6. The node holds the one in turn at height 1, or the other one.
class SealOrderTest : public ::testing::Test {
 protected:
  void Open(bool in_turn_at_1) {
    genesis_ = market_.genesis();
    genesis_.authorities = {chain::testing::FixedKey(5).public_key(),
                            chain::testing::FixedKey(6).public_key()};
    genesis_.clique.period_s = 2;
    t0_ms_ = genesis_.timestamp_s * 1000;
    clock_.Set(t0_ms_);
    OpenWith(5);
    if (node_->ledger().snapshot().InTurn(1, chain::testing::FixedKey(5).public_key()) !=
        in_turn_at_1) {
      node_.reset();
      OpenWith(6);
    }
    ASSERT_EQ(node_->ledger().snapshot().InTurn(1, Key(mine_).public_key()), in_turn_at_1);
    node_->Start();  // plans the block at height 1
    node_->OnPeerConnected(1, "rsu-b", "rsu-b");
    net::Hello h;
    h.genesis = chain::BlockHash(node_->ledger().BlockAt(0)->header);
    h.head_hash = h.genesis;
    h.total_difficulty = 1;
    h.name = "rsu-b";
    node_->OnPeerFrame(1, net::EncodeHello(h));
  }
  void OpenWith(uint8_t key) {
    mine_ = key;
    peer_ = key == 5 ? 6 : 5;
    NodeConfig c;
    c.name = "rsu-a";
    c.peers = {{"rsu-b", 1}};
    auto n = NodeService::Open(c, genesis_, Key(mine_), store::NewMemKvStore(),
                               NodePorts{&clock_, &random_, &transport_, &log_, nullptr, {}});
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    node_ = std::move(n).value();
  }
  static crypto::PrivateKey Key(uint8_t n) { return chain::testing::FixedKey(n); }
  // The peer's block at height 1, stamped at the period (what its own producer would seal).
  chain::Block PeerBlockAt1() {
    auto p = node_->ledger().SealBlock({}, genesis_.timestamp_s + 2, Key(peer_), std::nullopt);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p->block;
  }
  // Hands the core the peer's block of height 1 (`difficulty`: 1 out of turn, 2 in turn) at
  // t0 + `at_ms`, when our own block is due in `due_in_ms`.
  chain::Block HandleTheirBlockAt1(uint64_t difficulty, int64_t at_ms, int64_t due_in_ms) {
    const chain::Block theirs = PeerBlockAt1();
    EXPECT_EQ(theirs.header.difficulty, difficulty);
    clock_.Set(t0_ms_ + at_ms);
    EXPECT_EQ(node_->MsUntilSeal(), std::optional<int64_t>(due_in_ms));
    node_->OnPeerFrame(1, net::EncodeBlockMessage(theirs));
    return theirs;
  }

  devnet::BlockGenerator market_;
  contract::Genesis genesis_;
  int64_t t0_ms_ = 0;
  base::FakeClock clock_;
  HalfRandom random_;
  SilentTransport transport_;
  std::ostringstream log_text_;
  Logger log_{"rsu-a", LogLevel::kInfo, log_text_, clock_};
  uint8_t mine_ = 5, peer_ = 6;  // FixedKey numbers
  std::unique_ptr<NodeService> node_;
};

// Our in-turn block was due at t0 + 2 s; before the core reached its timer, a peer's out-of-turn
// block of height 1 was handled. Ours is sealed first and is the head; the peer's is kept aside.
TEST_F(SealOrderTest, ADueInTurnBlockIsSealedBeforeAPeersBlockOfItsHeight) {
  Open(/*in_turn_at_1=*/true);
  const chain::Block theirs =
      HandleTheirBlockAt1(/*difficulty=*/1, /*at_ms=*/2300, /*due_in_ms=*/0);
  EXPECT_EQ(node_->metrics().blocks_sealed, 1u);
  ASSERT_EQ(node_->ledger().head().height, 1u);
  EXPECT_EQ(node_->ledger().head().sealer, Key(mine_).public_key());
  EXPECT_EQ(node_->ledger().head().difficulty, 2u);
  EXPECT_TRUE(node_->ledger().HasBlock(chain::BlockHash(theirs.header))) << "kept as a side block";
}

// Not due yet (the peer's clock runs a little ahead): the peer's block is taken, nothing sealed.
TEST_F(SealOrderTest, AnInTurnBlockNotYetDueIsNotSealedEarly) {
  Open(/*in_turn_at_1=*/true);
  const chain::Block theirs = HandleTheirBlockAt1(1, 1900, 100);
  EXPECT_EQ(node_->metrics().blocks_sealed, 0u);
  EXPECT_EQ(node_->ledger().head_hash(), chain::BlockHash(theirs.header));
}

// Out of turn, our block was due at t0 + 2.5 s (the wiggle); the in-turn peer's block handled
// after that is still taken first: the wiggle is a wait for the in-turn block, not a race.
TEST_F(SealOrderTest, ADueOutOfTurnBlockGivesWayToThePeersBlock) {
  Open(/*in_turn_at_1=*/false);
  const chain::Block theirs = HandleTheirBlockAt1(2, 2600, 0);  // the peer is in turn
  EXPECT_EQ(node_->metrics().blocks_sealed, 0u);
  EXPECT_EQ(node_->ledger().head_hash(), chain::BlockHash(theirs.header));
  node_->OnTick();  // a new plan on the new head: height 2, not before t0 + 4 s
  EXPECT_EQ(node_->metrics().blocks_sealed, 0u);
  EXPECT_EQ(node_->ledger().head().height, 1u);
}

}  // namespace
}  // namespace v2v::node
