// The chain event feed (chain_feed.h): order, bounded queues and lag, waking, and the ledger's
// events -- a reorg's BlockRemoved then BlockApplied, receipts equal to the contract's execution.
#include "node/chain_feed.h"

#include <gtest/gtest.h>

#include <map>

#include "devnet/block_generator.h"
#include "node/ledger.h"

namespace v2v::node {
namespace {

TxDropped FeedDrop(uint8_t n) {
  Hash32 h;
  h.bytes[0] = n;
  return TxDropped{h, chain::Reject::kExpired};
}

// The events a subscription holds, in order; a Lagged as nullptr.
std::vector<std::shared_ptr<const ChainEvent>> FeedDrain(ChainSubscription& s) {
  std::vector<std::shared_ptr<const ChainEvent>> out;
  while (auto item = s.Next()) {
    auto* e = std::get_if<std::shared_ptr<const ChainEvent>>(&*item);
    out.push_back(e ? *e : nullptr);
  }
  return out;
}

uint8_t FeedDropByte(const std::shared_ptr<const ChainEvent>& e) {
  return std::get<TxDropped>(*e).tx.bytes[0];
}

TEST(ChainFeed, EverySubscriberGetsEveryEventInOrderSharedNotCopied) {
  ChainFeed feed;
  auto a = feed.Subscribe();
  auto b = feed.Subscribe();
  for (uint8_t i = 1; i <= 3; ++i) feed.Publish(FeedDrop(i));
  auto late = feed.Subscribe();  // sees only what comes after it
  feed.Publish(FeedDrop(4));
  const auto got_a = FeedDrain(*a), got_b = FeedDrain(*b), got_late = FeedDrain(*late);
  ASSERT_EQ(got_a.size(), 4u);
  ASSERT_EQ(got_b.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(FeedDropByte(got_a[i]), i + 1);
    EXPECT_EQ(got_a[i].get(), got_b[i].get());  // one event, shared
  }
  ASSERT_EQ(got_late.size(), 1u);
  EXPECT_EQ(FeedDropByte(got_late[0]), 4);
  EXPECT_EQ(feed.published(), 4u);
  EXPECT_EQ(feed.subscribers(), 3u);
  b.reset();  // letting go unsubscribes
  EXPECT_EQ(feed.subscribers(), 2u);
  feed.Publish(FeedDrop(5));
  EXPECT_EQ(a->queued(), 1u);
}

// A full queue never blocks the publisher: the subscriber loses what it held and everything up
// to the Lagged it then takes first; afterwards it receives normally. Others are not affected.
TEST(ChainFeed, ASubscriberThatFallsBehindIsToldItLaggedAndLosesNothingElse) {
  ChainFeed feed;
  auto slow = feed.Subscribe(2);
  auto fast = feed.Subscribe(8);
  feed.Publish(FeedDrop(1));
  feed.Publish(FeedDrop(2));
  EXPECT_EQ(slow->queued(), 2u);
  feed.Publish(FeedDrop(3));  // over the bound: 1, 2 and 3 are lost
  EXPECT_EQ(slow->queued(), 0u);
  EXPECT_TRUE(slow->waiting());
  feed.Publish(FeedDrop(4));  // lost too: the Lagged has not been taken
  EXPECT_EQ(feed.lagged(), 1u);
  auto first = slow->Next();
  ASSERT_TRUE(first && std::holds_alternative<Lagged>(*first));
  EXPECT_EQ(std::get<Lagged>(*first).missed, 4u);
  EXPECT_FALSE(slow->Next().has_value());
  feed.Publish(FeedDrop(5));
  const auto after = FeedDrain(*slow);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(FeedDropByte(after[0]), 5);
  EXPECT_EQ(slow->missed(), 4u);
  EXPECT_EQ(slow->lags(), 1u);
  EXPECT_EQ(FeedDrain(*fast).size(), 5u);
}

TEST(ChainFeed, DeliverWakesOnlySubscribersWithSomethingWaiting) {
  ChainFeed feed;
  auto a = feed.Subscribe();
  auto b = feed.Subscribe();
  auto polled = feed.Subscribe();  // no wake: it polls
  int woken_a = 0, woken_b = 0;
  std::vector<uint8_t> seen;
  a->SetWake([&] {
    ++woken_a;
    for (const auto& e : FeedDrain(*a)) seen.push_back(FeedDropByte(e));
  });
  b->SetWake([&] { ++woken_b; });  // does not drain
  feed.Deliver();
  EXPECT_EQ(woken_a, 0);
  feed.Publish(FeedDrop(1));
  feed.Publish(FeedDrop(2));
  feed.Deliver();
  EXPECT_EQ(woken_a, 1);
  EXPECT_EQ(woken_b, 1);
  EXPECT_EQ(seen, (std::vector<uint8_t>{1, 2}));
  EXPECT_EQ(polled->queued(), 2u);
  // A wake that publishes: the event reaches everyone in the same Deliver.
  a->SetWake([&] {
    for (const auto& e : FeedDrain(*a)) {
      seen.push_back(FeedDropByte(e));
      if (FeedDropByte(e) == 3) feed.Publish(FeedDrop(4));
    }
  });
  feed.Publish(FeedDrop(3));
  feed.Deliver();
  EXPECT_EQ(seen, (std::vector<uint8_t>{1, 2, 3, 4}));
  // A wake that lets another subscriber go: that one is not woken any more.
  b->SetWake([&] { a.reset(); });
  feed.Publish(FeedDrop(5));
  feed.Deliver();
  EXPECT_EQ(feed.subscribers(), 2u);
}

TEST(ChainFeed, ASubscriptionReceivesOnlyItsTopics) {
  ChainFeed feed;
  auto blocks = feed.Subscribe(kDefaultFeedQueue, FeedTopics{.blocks = true, .drops = false});
  auto drops = feed.Subscribe(kDefaultFeedQueue, FeedTopics{.blocks = false, .drops = true});
  feed.Publish(BlockRemoved{3, Hash32{}});
  feed.Publish(FeedDrop(1));
  ASSERT_EQ(blocks->queued(), 1u);
  EXPECT_TRUE(std::holds_alternative<BlockRemoved>(
      *std::get<std::shared_ptr<const ChainEvent>>(*blocks->Next())));
  ASSERT_EQ(drops->queued(), 1u);
  EXPECT_EQ(FeedDropByte(FeedDrain(*drops).at(0)), 1);
}

// --- the ledger's events ------------------------------------------------------------------------

std::unique_ptr<Ledger> FeedLedger(const devnet::BlockGenerator& sim, ChainFeed* feed) {
  LedgerOptions o;
  o.events = feed;
  return std::move(Ledger::Init(store::NewMemKvStore(), sim.genesis(), std::move(o))).value();
}

// Every receipt is what the contract's execution of the block on its parent state reports.
void ExpectReceiptsOfExecution(const Ledger& ledger, const BlockApplied& a,
                               const chain::State& parent) {
  ASSERT_TRUE(a.block);
  EXPECT_EQ(a.hash, chain::BlockHash(a.block->header));
  EXPECT_EQ(a.height, a.block->header.height);
  EXPECT_EQ(a.time_s, a.block->header.timestamp_s);
  auto executed = ledger.contract().Execute(parent, *a.block);
  ASSERT_TRUE(std::holds_alternative<contract::Executed>(executed));
  const auto& effects = std::get<contract::Executed>(executed).effects;
  ASSERT_EQ(a.receipts.size(), a.block->txs.size());
  for (size_t i = 0; i < a.receipts.size(); ++i) {
    const TxReceipt& r = a.receipts[i];
    EXPECT_EQ(r.tx, chain::TxHash(a.block->txs[i]));
    EXPECT_EQ(r.index, i);
    EXPECT_EQ(r.escrows, effects[i].escrows);
    EXPECT_EQ(r.payments, effects[i].payments);
    EXPECT_EQ(r.settlements, effects[i].settlements);
    for (uint32_t k = 0; k < r.escrows.size(); ++k)
      EXPECT_EQ(r.escrows[k].escrow, contract::EscrowId(r.tx, k));
  }
}

TEST(ChainFeed, TheLedgerPublishesAppliedBlocksWithTheReceiptsOfTheirExecution) {
  devnet::BlockGenerator sim;
  ChainFeed feed;
  auto sub = feed.Subscribe();
  auto ledger = FeedLedger(sim, &feed);
  base::Rng rng(7);
  size_t escrows = 0, payments = 0;
  std::map<Hash32, contract::EscrowCreated> created;
  for (uint64_t h = 1; h <= 6; ++h) {
    const chain::State parent = ledger->state();
    if (h % 2 == 0) {  // the producer's path: SealBlock + ImportSealed (the contract runs once)
      const int64_t t = ledger->head().timestamp_s + 70;
      auto txs = sim.NextTxs(*ledger, t, h, rng);
      ASSERT_TRUE(txs.ok());
      auto p = ledger->SealBlock(*txs, t, sim.authority(), std::nullopt);
      ASSERT_TRUE(p.ok());
      ASSERT_TRUE(ledger->ImportSealed(*p, t).ok());
    } else {
      auto block = sim.NextBlock(*ledger, rng);
      ASSERT_TRUE(block.ok());
      ASSERT_TRUE(ledger->Append(*block).ok());
    }
    const auto events = FeedDrain(*sub);
    ASSERT_EQ(events.size(), 1u);
    const BlockApplied& a = std::get<BlockApplied>(*events[0]);
    EXPECT_EQ(a.height, h);
    EXPECT_EQ(a.hash, ledger->head_hash());
    ExpectReceiptsOfExecution(*ledger, a, parent);
    for (const TxReceipt& r : a.receipts) {
      for (const auto& e : r.escrows) {
        created[e.escrow] = e;
        EXPECT_EQ(ledger->state().escrows.count(e.escrow) + 0u, 1u);  // no settlement same block
      }
      for (const auto& p : r.payments) {
        const contract::EscrowCreated& e = created.at(p.escrow);
        EXPECT_EQ(p.amount, chain::Payment(e.price, p.delivered_wh));
        EXPECT_EQ(ledger->state().escrows.count(p.escrow), 0u);
      }
      escrows += r.escrows.size();
      payments += r.payments.size();
    }
  }
  EXPECT_GT(escrows, 0u);
  EXPECT_GT(payments, 0u);
}

// Branch A (a1) is applied; branch B (b1, b2) from genesis outweighs it: a1 is removed before b1
// and b2 are applied, oldest first, and a failed import publishes nothing.
TEST(ChainFeed, AReorgPublishesTheRemovedBlocksThenTheAppliedOnes) {
  devnet::BlockGenerator sim;
  ChainFeed feed;
  auto sub = feed.Subscribe();
  auto ledger = FeedLedger(sim, &feed);
  auto other = FeedLedger(sim, nullptr);
  base::Rng rng_a(1), rng_b(2);
  auto a1 = sim.NextBlock(*ledger, rng_a);
  ASSERT_TRUE(a1.ok());
  ASSERT_TRUE(ledger->Import(*a1, a1->header.timestamp_s).ok());
  std::vector<chain::Block> b;
  for (int i = 0; i < 2; ++i) {
    auto next = sim.NextBlock(*other, rng_b);
    ASSERT_TRUE(next.ok());
    ASSERT_TRUE(other->Append(*next).ok());
    b.push_back(*next);
  }
  ASSERT_NE(chain::BlockHash(b[0].header), chain::BlockHash(a1->header));
  chain::Block bad = b[1];
  bad.header.state_root.bytes[0] ^= 1;  // refused: nothing is published
  EXPECT_FALSE(ledger->Import(bad, bad.header.timestamp_s).ok());
  for (const auto& blk : b) ASSERT_TRUE(ledger->Import(blk, blk.header.timestamp_s).ok());
  EXPECT_EQ(ledger->head_hash(), chain::BlockHash(b[1].header));

  const auto events = FeedDrain(*sub);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(std::get<BlockApplied>(*events[0]).hash, chain::BlockHash(a1->header));
  const BlockRemoved& removed = std::get<BlockRemoved>(*events[1]);
  EXPECT_EQ(removed.hash, chain::BlockHash(a1->header));
  EXPECT_EQ(removed.height, 1u);
  const chain::State genesis = *ledger->StateAt(0);
  const BlockApplied& applied1 = std::get<BlockApplied>(*events[2]);
  const BlockApplied& applied2 = std::get<BlockApplied>(*events[3]);
  EXPECT_EQ(applied1.hash, chain::BlockHash(b[0].header));
  EXPECT_EQ(applied2.hash, chain::BlockHash(b[1].header));
  ExpectReceiptsOfExecution(*ledger, applied1, genesis);
  ExpectReceiptsOfExecution(*ledger, applied2, *ledger->StateAt(1));
}

}  // namespace
}  // namespace v2v::node
