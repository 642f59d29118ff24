#include "node/peer_tx_queue.h"

#include <gtest/gtest.h>

#include "chain/testing/fixtures.h"

namespace v2v::node {
namespace {

using chain::testing::FixedKey;
using chain::testing::SampleBuyerTx;
using chain::testing::SampleSellerTx;

// A round of `buyers` + `sellers` bids, each signed by its own sender (only the bids matter here).
chain::Tx Round(int buyers, int sellers) {
  chain::TradingRound r;
  for (int i = 0; i < buyers; ++i)
    r.buyers.push_back(
        SampleBuyerTx(FixedKey(static_cast<uint8_t>(i + 1)), "b" + std::to_string(i)));
  for (int i = 0; i < sellers; ++i)
    r.sellers.push_back(
        SampleSellerTx(FixedKey(static_cast<uint8_t>(i + 50)), "s" + std::to_string(i)));
  chain::Tx tx;
  tx.sender = "rsu-1";
  tx.nonce = 1;
  tx.body = r;
  chain::SignTx(tx, FixedKey(99));
  return tx;
}

const chain::TradingRound& BidsOf(const chain::Tx& tx) {
  return std::get<chain::TradingRound>(tx.body);
}

TEST(PeerTxQueueTest, AStepChecksAtMostItsBudgetAndRecordsEachBidThatPasses) {
  contract::CheckedTxCache checked;
  PeerTxQueue q;
  q.Push(3, Round(5, 3), 1000);
  EXPECT_FALSE(q.Step(checked, 3));
  EXPECT_EQ(checked.size(), 3u);
  EXPECT_FALSE(q.Step(checked, 3));
  EXPECT_EQ(checked.size(), 6u);
  auto done = q.Step(checked, 3);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->from, 3u);
  EXPECT_EQ(checked.size(), 8u);
  EXPECT_TRUE(q.empty());
  for (const auto* bids : {&BidsOf(done->tx).buyers, &BidsOf(done->tx).sellers}) {
    for (const chain::Tx& b : *bids) EXPECT_TRUE(checked.Contains(chain::TxHash(b)));
  }
}

TEST(PeerTxQueueTest, BidsCheckedBeforeCostNothing) {
  contract::CheckedTxCache checked;
  const chain::Tx round = Round(4, 4);
  for (const auto* bids : {&BidsOf(round).buyers, &BidsOf(round).sellers}) {
    for (const chain::Tx& b : *bids) checked.Insert(chain::TxHash(b));
  }
  PeerTxQueue q;
  q.Push(1, round, 1000);
  EXPECT_TRUE(q.Step(checked, 1)) << "no signature left to verify";
}

TEST(PeerTxQueueTest, ABadBidEndsTheChecksAndIsNotRecorded) {
  contract::CheckedTxCache checked;
  chain::Tx round = Round(4, 0);
  auto& r = std::get<chain::TradingRound>(round.body);
  r.buyers[2].signature.bytes[0] ^= 1;
  PeerTxQueue q;
  q.Push(1, round, 1000);
  auto done = q.Step(checked, 100);
  ASSERT_TRUE(done);
  EXPECT_EQ(checked.size(), 2u) << "the two before it";
  EXPECT_FALSE(checked.Contains(chain::TxHash(r.buyers[2])));
  EXPECT_FALSE(checked.Contains(chain::TxHash(r.buyers[3]))) << "left to admission";
}

// A block carrying the round was imported meanwhile: its own hash is in the cache, and the rest
// of its bids are left alone (admission skips the round whole).
TEST(PeerTxQueueTest, ARoundCheckedWholeMeanwhileComesBackAtOnce) {
  contract::CheckedTxCache checked;
  const chain::Tx round = Round(6, 0);
  PeerTxQueue q;
  q.Push(1, round, 1000);
  EXPECT_FALSE(q.Step(checked, 2));
  checked.Insert(chain::TxHash(round));
  auto done = q.Step(checked, 2);
  ASSERT_TRUE(done);
  EXPECT_EQ(checked.size(), 3u) << "the two bids checked before, and the round";
}

TEST(PeerTxQueueTest, ATransactionWithoutBidsComesBackAtOnce) {
  contract::CheckedTxCache checked;
  PeerTxQueue q;
  q.Push(2, SampleBuyerTx(FixedKey(1)), 1000);
  auto done = q.Step(checked, 1);
  ASSERT_TRUE(done);
  EXPECT_EQ(checked.size(), 0u) << "its own signature is admission's to check";
}

TEST(PeerTxQueueTest, BoundedByTheBytesOfItsFramesToo) {
  PeerTxQueue q(100, 5000);
  q.Push(1, SampleSellerTx(FixedKey(7)), 3000);
  EXPECT_FALSE(q.full());
  q.Push(1, SampleSellerTx(FixedKey(8)), 3000);
  EXPECT_TRUE(q.full());
  contract::CheckedTxCache checked;
  ASSERT_TRUE(q.Step(checked, 1));
  EXPECT_FALSE(q.full()) << "3,000 bytes left";
}

TEST(PeerTxQueueTest, FirstInFirstOutAndBounded) {
  contract::CheckedTxCache checked;
  PeerTxQueue q(2);
  const chain::Tx a = Round(3, 0), b = SampleSellerTx(FixedKey(7));
  q.Push(1, a, 1000);
  EXPECT_FALSE(q.full());
  q.Push(2, b, 1000);
  EXPECT_TRUE(q.full());
  PeerTxQueue::Item first = q.Finish(checked);
  EXPECT_EQ(chain::TxHash(first.tx), chain::TxHash(a));
  EXPECT_EQ(checked.size(), 3u) << "Finish checks every bid left";
  auto second = q.Step(checked, 1);
  ASSERT_TRUE(second);
  EXPECT_EQ(chain::TxHash(second->tx), chain::TxHash(b));
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace v2v::node
