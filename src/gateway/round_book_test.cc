#include "gateway/round_book.h"

#include <gtest/gtest.h>

#include "contract/trading_contract.h"
#include "crypto/hash.h"
#include "gateway/testing_fake_node.h"
#include "market/bayesian_pricing.h"

namespace v2v::gateway {
namespace {

using contract::testing::World;
using testing::FakeNode;
using testing::RecordingSink;

constexpr int64_t kT0 = World::kT0;
constexpr int64_t kMs = 1000;

class RoundBookTest : public ::testing::Test {
 protected:
  // `shortfall_penalty`: the genesis rate a delivery shortfall costs the seller (contract C-5.1).
  // `grid`: the genesis's grid areas (contract C-4.7).
  explicit RoundBookTest(int64_t shortfall_penalty = 0, std::vector<contract::GridArea> grid = {})
      : penalty_((w_.genesis.params.grid = std::move(grid),
                  w_.genesis.params.shortfall_penalty_per_kwh = shortfall_penalty)),
        node_(w_),
        book_(Options(), chain::testing::FixedKey(101), node_, sink_) {}
  static RoundBookOptions Options() {
    RoundBookOptions o;
    o.rsu = "rsu-1";
    o.t_limit_s = 10;
    return o;
  }
  chain::Tx Buyer(int car, uint64_t nonce, int64_t ts, uint64_t round = 1, int64_t v = 300) {
    chain::Tx tx;
    tx.sender = World::CarId(car);
    tx.nonce = nonce;
    tx.body = chain::BuyerBid{"rsu-1", round, v, 200, 400, 1000, 5000, 3000, 0, 0, ts};
    chain::SignTx(tx, w_.cars[static_cast<size_t>(car)]);
    return tx;
  }
  chain::Tx Seller(int car, uint64_t nonce, int64_t ts, uint64_t round = 1, int64_t c = 150) {
    chain::Tx tx;
    tx.sender = World::CarId(car);
    tx.nonce = nonce;
    tx.body = chain::SellerBid{"rsu-1", round, c, 100, 200, 20'000, 5'000, 50'000, 100, 0, ts};
    chain::SignTx(tx, w_.cars[static_cast<size_t>(car)]);
    return tx;
  }
  // car-0 (the buyer) co-signs `delivered` Wh of `escrow`, car-2 (the seller, nonce 2) reports
  // it at kT0 + 14 and a block at kT0 + 15 takes it; the book follows the head.
  void ReportAndSeal(const Hash32& escrow, int64_t delivered) {
    const crypto::Signature sig = w_.cars[0].Sign(chain::MeterSigningBytes(0, escrow, delivered));
    ASSERT_FALSE(book_.Cosign(escrow, delivered, w_.cars[0].public_key(), sig).has_value());
    chain::Tx report;
    report.sender = "car-2";
    report.nonce = 2;
    report.body = chain::MeterReport{escrow, delivered, w_.cars[0].public_key(), sig};
    chain::SignTx(report, w_.cars[2]);
    ASSERT_TRUE(std::holds_alternative<Hash32>(book_.Submit(report, (kT0 + 14) * kMs)));
    ASSERT_FALSE(node_.Seal(kT0 + 15).has_value());
    book_.OnHead((kT0 + 15) * kMs);
  }
  static Reason ReasonOf(const BidResult& r) {
    EXPECT_TRUE(std::holds_alternative<Refusal>(r));
    return std::holds_alternative<Refusal>(r) ? std::get<Refusal>(r).reason : Reason::kInternal;
  }

  World w_{4};
  int64_t penalty_;  // set in w_'s genesis before the node reads it
  FakeNode node_;
  RecordingSink sink_;
  RoundBook book_;
};

// A genesis with a shortfall penalty: a meter report below the trade costs the seller that rate
// per kWh not delivered, paid to the buyer, and both parties' `settled` push says how much.
class ShortfallTest : public RoundBookTest {
 protected:
  static constexpr int64_t kPenalty = 90;  // smallest units per kWh
  ShortfallTest() : RoundBookTest(kPenalty) {}
};

TEST_F(ShortfallTest, TheSettledPushCarriesThePenaltyTheSellerPaid) {
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Request(Buyer(0, 1, kT0), kT0 * kMs)));
  ASSERT_TRUE(
      std::holds_alternative<BidAnswer>(book_.Offer(Seller(2, 1, kT0 + 3), (kT0 + 3) * kMs)));
  book_.Tick((kT0 + 11) * kMs);
  const auto trade = sink_.Of("car-0", "scheme").at(0)["trades"].at(0);
  const int64_t wh = trade["energy_wh"].get<int64_t>(), price = trade["price"].get<int64_t>();
  ASSERT_FALSE(node_.Seal(kT0 + 13).has_value());
  book_.OnHead((kT0 + 13) * kMs);
  const Hash32 escrow = book_.Find(1)->escrows.at(0);
  const auto before = node_.HeadState();
  const int64_t delivered = 600;
  ASSERT_GT(wh, delivered);
  ReportAndSeal(escrow, delivered);
  const int64_t penalty = chain::Payment(kPenalty, wh - delivered);
  ASSERT_GT(penalty, 0);
  for (const char* party : {"car-0", "car-2"}) {
    const auto settled = sink_.Of(party, "settled");
    ASSERT_EQ(settled.size(), 1u) << party;
    EXPECT_EQ(settled[0]["delivered_wh"], delivered);
    EXPECT_EQ(settled[0]["penalty"], penalty) << party;
  }
  const chain::State& after = node_.HeadState();
  const int64_t amount = before.escrows.at(escrow).amount, pay = chain::Payment(price, delivered);
  EXPECT_EQ(after.accounts.at("car-0").balance,
            before.accounts.at("car-0").balance + amount - pay + penalty);
  EXPECT_EQ(after.accounts.at("car-2").balance,
            before.accounts.at("car-2").balance + pay - penalty);
}

// The grid model on chain (contract C-4.7): rsu-1's area has a flat tariff with no charger, so a
// buyer's outside option is the import price, 320; a seller's floor is ceil(feed-in x 1.05).
class GridBookTest : public RoundBookTest {
 protected:
  explicit GridBookTest(int64_t feed_in, int64_t fee = 0)
      : RoundBookTest(0, {{"rsu-1", Tariff(feed_in, fee)}}) {}
  static market::GridTariff Tariff(int64_t feed_in, int64_t fee) {
    market::GridTariff g;
    g.import = {{0, 320}};
    g.feed_in = feed_in;
    g.fee = fee;
    return g;
  }
};
struct FeedInAboveEveryOption : GridBookTest {
  FeedInAboveEveryOption() : GridBookTest(330) {}
};
struct SellersFloorAboveEveryOption : GridBookTest {
  SellersFloorAboveEveryOption() : GridBookTest(310) {}  // floor 326 > 320
};
struct BothBeatTheGrid : GridBookTest {
  BothBeatTheGrid() : GridBookTest(140) {}  // floor 147 < 320
};
struct WithANetworkFee : GridBookTest {
  WithANetworkFee() : GridBookTest(140, 20) {}  // the buyer's cap: 320 - 20
};

TEST_F(WithANetworkFee, TheSchemeShowsTheFeeAndTheSettlementPaysItToTheRsu) {
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Request(Buyer(0, 1, kT0), kT0 * kMs)));
  ASSERT_TRUE(
      std::holds_alternative<BidAnswer>(book_.Offer(Seller(2, 1, kT0 + 3), (kT0 + 3) * kMs)));
  book_.Tick((kT0 + 10) * kMs);
  const auto trade = sink_.Of("car-0", "scheme").at(0)["trades"].at(0);
  const int64_t wh = trade["energy_wh"].get<int64_t>(), price = trade["price"].get<int64_t>();
  EXPECT_EQ(price, market::PriceExact(300, 300, 150, 147).t);
  EXPECT_EQ(trade["fee"], 20);
  EXPECT_EQ(trade["amount"], chain::Payment(price, wh) + chain::Payment(20, wh));
  ASSERT_FALSE(node_.Seal(kT0 + 13).has_value());
  book_.OnHead((kT0 + 13) * kMs);
  const Hash32 escrow = book_.Find(1)->escrows.at(0);
  const auto before = node_.HeadState();
  ReportAndSeal(escrow, wh);
  EXPECT_EQ(sink_.Of("car-0", "settled").at(0)["fee"], chain::Payment(20, wh));
  EXPECT_EQ(node_.HeadState().accounts.at("rsu-1").balance,
            before.accounts.at("rsu-1").balance + chain::Payment(20, wh));
}

TEST_F(FeedInAboveEveryOption, ABuyerTheGridBeatsIsRefusedAtOnceAndNothingIsKept) {
  const BidResult r = book_.Request(Buyer(0, 1, kT0), kT0 * kMs);
  EXPECT_EQ(ReasonOf(r), Reason::kGridCheaper);
  EXPECT_EQ(ReasonName(Reason::kGridCheaper), "grid_cheaper");
  EXPECT_NE(std::get<Refusal>(r).detail.find("320"), std::string::npos);
  EXPECT_EQ(book_.NextNonce("car-0"), 1u);
  EXPECT_EQ(book_.OpenRound(), nullptr);
  EXPECT_TRUE(sink_.Of("calls", "call").empty());
}

TEST_F(SellersFloorAboveEveryOption, ASellerThatShouldFeedInIsDroppedWithItsReason) {
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Request(Buyer(0, 1, kT0), kT0 * kMs)));
  ASSERT_TRUE(
      std::holds_alternative<BidAnswer>(book_.Offer(Seller(2, 1, kT0 + 3), (kT0 + 3) * kMs)));
  book_.Tick((kT0 + 10) * kMs);
  const auto dropped = sink_.Of("car-2", "bid_dropped");
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0]["reason"], "feed_in_better");
  EXPECT_NE(dropped[0]["detail"].get<std::string>().find("326"), std::string::npos);
  EXPECT_EQ(book_.NextNonce("car-2"), 1u);  // its nonce is free again
  // The buyer's round goes on without it, and the contract under the same tariff takes it.
  ASSERT_EQ(book_.Find(1)->state, RoundState::kBuilt);
  EXPECT_EQ(book_.Find(1)->sellers.size(), 0u);
  EXPECT_FALSE(node_.Seal(kT0 + 11).has_value());
  book_.OnHead((kT0 + 11) * kMs);
  EXPECT_EQ(book_.Find(1)->state, RoundState::kCommitted);
}

TEST_F(BothBeatTheGrid, TheRoundIsPricedOnCappedRangesAndCommits) {
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Request(Buyer(0, 1, kT0), kT0 * kMs)));
  ASSERT_TRUE(
      std::holds_alternative<BidAnswer>(book_.Offer(Seller(2, 1, kT0 + 3), (kT0 + 3) * kMs)));
  book_.Tick((kT0 + 10) * kMs);
  const auto scheme = sink_.Of("car-0", "scheme");
  ASSERT_EQ(scheme.size(), 1u);
  const auto trade = scheme[0]["trades"].at(0);
  // Capped: v 300 -> 300, v_max 400 -> 320; raised: c 150, c_min 100 -> 147.
  EXPECT_EQ(trade["price"], market::PriceExact(300, 320, 150, 147).t);
  EXPECT_LE(trade["price"].get<int64_t>(), 320);
  EXPECT_FALSE(node_.Seal(kT0 + 11).has_value());
  book_.OnHead((kT0 + 11) * kMs);
  EXPECT_EQ(book_.Find(1)->state, RoundState::kCommitted);
}

TEST_F(RoundBookTest, ARoundIsPricedBuiltCommittedAndSettled) {
  auto a = book_.Request(Buyer(0, 1, kT0), kT0 * kMs);
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(a));
  EXPECT_EQ(std::get<BidAnswer>(a).t_stamp_s, kT0);
  EXPECT_EQ(sink_.Of("calls", "call").size(), 1u);
  ASSERT_TRUE(
      std::holds_alternative<BidAnswer>(book_.Offer(Seller(2, 1, kT0 + 3), (kT0 + 3) * kMs)));
  EXPECT_EQ(book_.NextNonce("car-0"), 2u);  // the pending bid counts
  // Built at the instant the window [kT0, kT0 + 10] closes: no wait after the deadline.
  EXPECT_EQ(*book_.NextTickMs(), (kT0 + 10) * kMs);
  book_.Tick((kT0 + 10) * kMs - 1);  // still open: not yet built
  EXPECT_EQ(node_.pending(), 0u);
  book_.Tick((kT0 + 10) * kMs);
  ASSERT_EQ(node_.pending(), 1u);
  const auto scheme = sink_.Of("car-0", "scheme");
  ASSERT_EQ(scheme.size(), 1u);
  ASSERT_EQ(scheme[0]["trades"].size(), 1u);
  const auto trade = scheme[0]["trades"][0];
  EXPECT_EQ(trade["counterparty"], "car-2");
  EXPECT_EQ(trade["price"].get<int64_t>(), market::PriceExact(300, 400, 150, 100).t);
  const int64_t wh = trade["energy_wh"].get<int64_t>();
  EXPECT_GE(wh, 1000);
  EXPECT_EQ(sink_.Of("car-2", "scheme")[0]["trades"][0]["role"], "seller");

  const auto before = node_.HeadState();
  ASSERT_FALSE(node_.Seal(kT0 + 13).has_value());  // the contract accepts the round
  book_.OnHead((kT0 + 13) * kMs);
  const auto committed = sink_.Of("car-0", "committed");
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_EQ(committed[0]["block"], 1);
  EXPECT_EQ(book_.Find(1)->state, RoundState::kCommitted);
  EXPECT_EQ(book_.NextNonce("car-0"), 2u);  // now from the ledger
  const Hash32 escrow = book_.Find(1)->escrows.at(0);
  EXPECT_EQ(trade["escrow"], escrow.Hex());

  // Settlement: the buyer co-signs 600 Wh, pushed to the seller, who reports it.
  const crypto::Signature sig = w_.cars[0].Sign(chain::MeterSigningBytes(0, escrow, 600));
  crypto::Signature bad = sig;
  bad.bytes[0] ^= 1;
  EXPECT_EQ(book_.Cosign(escrow, 600, w_.cars[0].public_key(), bad)->reason, Reason::kBadSignature);
  EXPECT_EQ(book_.Cosign(escrow, wh + 1, w_.cars[0].public_key(), sig)->reason,
            Reason::kOverDelivery);
  EXPECT_FALSE(book_.Cosign(escrow, 600, w_.cars[0].public_key(), sig).has_value());
  ASSERT_EQ(sink_.Of("car-2", "cosign").size(), 1u);
  chain::Tx report;
  report.sender = "car-2";
  report.nonce = 2;
  report.body = chain::MeterReport{escrow, 600, w_.cars[0].public_key(), sig};
  chain::SignTx(report, w_.cars[2]);
  ASSERT_TRUE(std::holds_alternative<Hash32>(book_.Submit(report, (kT0 + 14) * kMs)));
  EXPECT_TRUE(
      std::holds_alternative<Hash32>(book_.Submit(report, (kT0 + 14) * kMs)));  // idempotent
  ASSERT_EQ(node_.pending(), 1u);
  ASSERT_FALSE(node_.Seal(kT0 + 15).has_value());
  book_.OnHead((kT0 + 15) * kMs);
  EXPECT_EQ(sink_.Of("car-0", "settled").size(), 1u);
  const auto& s = node_.HeadState();
  const int64_t price = trade["price"].get<int64_t>();
  EXPECT_EQ(s.accounts.at("car-0").balance,
            before.accounts.at("car-0").balance - chain::Payment(price, 600));
  EXPECT_EQ(s.accounts.at("car-2").balance,
            before.accounts.at("car-2").balance + chain::Payment(price, 600));
  EXPECT_EQ(s.accounts.at("car-0").energy_wh, before.accounts.at("car-0").energy_wh + 600);
}

// The round is built as its window closes and submitted at once; a block stamped before
// T_stamp + T_limit cannot take it (contract C-4.1), and the mempool keeps it (no `dropped`, no
// rebuild) for the next block, which commits it.
TEST_F(RoundBookTest, ARoundBuiltAsItsWindowClosesWaitsForABlockPastIt) {
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Request(Buyer(0, 1, kT0), kT0 * kMs)));
  ASSERT_TRUE(
      std::holds_alternative<BidAnswer>(book_.Offer(Seller(2, 1, kT0 + 3), (kT0 + 3) * kMs)));
  book_.Tick((kT0 + 11) * kMs);
  ASSERT_EQ(node_.pending(), 1u);
  const Hash32 round_tx = book_.Find(1)->round_tx;
  EXPECT_FALSE(node_.Seal(kT0 + 9).has_value());  // planned before the deadline: nothing refused
  book_.OnHead((kT0 + 11) * kMs);
  EXPECT_TRUE(node_.Holds(round_tx));
  EXPECT_EQ(book_.Find(1)->state, RoundState::kBuilt);
  EXPECT_TRUE(sink_.Of("car-0", "dropped").empty());
  ASSERT_FALSE(node_.Seal(kT0 + 10).has_value());  // stamped at T_stamp + T_limit: taken
  book_.OnHead((kT0 + 12) * kMs);
  EXPECT_EQ(book_.Find(1)->state, RoundState::kCommitted);
  EXPECT_EQ(*book_.Find(1)->block, 2u);
  EXPECT_EQ(book_.Find(1)->round_tx, round_tx);  // never signed again
}

TEST_F(RoundBookTest, RefusalsRecordNothing) {
  const int64_t now = (kT0 + 1) * kMs;
  chain::Tx tampered = Buyer(0, 1, kT0);
  std::get<chain::BuyerBid>(tampered.body).v = 310;
  EXPECT_EQ(ReasonOf(book_.Request(tampered, now)), Reason::kBadSignature);
  EXPECT_EQ(ReasonOf(book_.Request(Buyer(0, 2, kT0), now)), Reason::kBadNonce);
  EXPECT_EQ(ReasonOf(book_.Request(Buyer(0, 1, kT0 - 30), now)), Reason::kClockSkew);
  EXPECT_EQ(ReasonOf(book_.Request(Seller(2, 1, kT0), now)), Reason::kWrongKind);
  EXPECT_EQ(ReasonOf(book_.Offer(Seller(2, 1, kT0), now)), Reason::kNoOpenRound);
  auto low = Buyer(0, 1, kT0 + 1);
  std::get<chain::BuyerBid>(low.body).v_min = 50;
  std::get<chain::BuyerBid>(low.body).v = 60;
  chain::SignTx(low, w_.cars[0]);
  const BidResult r = book_.Request(low, now);
  EXPECT_EQ(ReasonOf(r), Reason::kInvalidBid);
  EXPECT_EQ(std::get<Refusal>(r).bound, "v_min");
  node_.MutableState().revoked.insert(node_.HeadState().accounts.at("car-1").cert_hash);
  EXPECT_EQ(ReasonOf(book_.Request(Buyer(1, 1, kT0), now)), Reason::kCertificateRevoked);
  chain::Tx stranger = Buyer(0, 1, kT0);
  stranger.sender = "car-99";
  chain::SignTx(stranger, w_.cars[0]);
  EXPECT_EQ(ReasonOf(book_.Request(stranger, now)), Reason::kUnknownVehicle);
  node_.MutableState().accounts.at("car-3").certificate =
      w_.Cert("car-3", crypto::Role::kVehicle, w_.cars[3], kT0 - 1000, kT0 - 1);
  EXPECT_EQ(ReasonOf(book_.Request(Buyer(3, 1, kT0), now)), Reason::kCertificateExpired);
  EXPECT_TRUE(sink_.pushes.empty());
  EXPECT_EQ(book_.OpenRound(), nullptr);
  EXPECT_EQ(book_.NextNonce("car-0"), 1u);
}

TEST_F(RoundBookTest, IdempotentDuplicateAndDeadline) {
  const chain::Tx bid = Buyer(0, 1, kT0);
  auto a = book_.Request(bid, kT0 * kMs);
  auto b = book_.Request(bid, (kT0 + 2) * kMs);
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(b));
  EXPECT_EQ(std::get<BidAnswer>(a).bid_hash, std::get<BidAnswer>(b).bid_hash);
  EXPECT_EQ(sink_.Of("car-0", "bid").size(), 1u);  // recorded once
  EXPECT_EQ(ReasonOf(book_.Request(Buyer(0, 2, kT0 + 1), (kT0 + 1) * kMs)), Reason::kDuplicate);
  EXPECT_EQ(ReasonOf(book_.Request(Buyer(1, 1, kT0, 7), (kT0 + 1) * kMs)), Reason::kWrongRound);
  EXPECT_EQ(ReasonOf(book_.Offer(Seller(2, 1, kT0 + 12), (kT0 + 10) * kMs - 1)),
            Reason::kBidOutsideWindow);
  // Signed inside the window, arriving as it closes (Step 5: replies arriving after
  // T_stamp + T_limit are dropped).
  const BidResult late = book_.Offer(Seller(2, 1, kT0 + 10), (kT0 + 10) * kMs);
  EXPECT_EQ(ReasonOf(late), Reason::kDeadlinePassed);
  EXPECT_EQ(*std::get<Refusal>(late).deadline_s, kT0 + 10);
  const BidResult built = book_.Offer(Seller(2, 1, kT0 + 12), (kT0 + 12) * kMs);  // built by now
  EXPECT_EQ(ReasonOf(built), Reason::kDeadlinePassed);
  EXPECT_EQ(book_.Find(1)->state, RoundState::kBuilt);
  EXPECT_EQ(book_.Find(1)->sellers.size(), 0u);
}

// Finding J: T_stamp was the earlier of the server time and the opening request's timestamp, so
// a buyer stamping kMaxSkewS in the past closed a round with T_limit <= 5 s as it opened and no
// seller could join (and one stamping past T_stamp + T_limit made the round fail on chain). T_stamp
// is now the RSU's time of acceptance, and the opening bid, like every bid, must lie in [T_stamp,
// T_stamp + T_limit] (contract C-4.1), so the round the RSU builds passes the contract.
TEST_F(RoundBookTest, TStampIsTheRsusTimeOfAcceptance) {
  RoundBookOptions o = Options();
  o.t_limit_s = 3;
  RecordingSink sink;
  RoundBook book(o, chain::testing::FixedKey(101), node_, sink);
  const int64_t now = kT0 * kMs + 400;
  const BidResult backdated = book.Request(Buyer(0, 1, kT0 - 5), now);  // within the skew bound
  EXPECT_EQ(ReasonOf(backdated), Reason::kBidOutsideWindow);
  EXPECT_EQ(ReasonOf(book.Request(Buyer(0, 1, kT0 + 4), now)), Reason::kBidOutsideWindow);
  EXPECT_EQ(book.OpenRound(), nullptr);
  EXPECT_TRUE(sink.pushes.empty());

  const BidResult opened = book.Request(Buyer(0, 1, kT0 + 2), now);
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(opened));
  EXPECT_EQ(std::get<BidAnswer>(opened).t_stamp_s, kT0);  // the RSU's second, not the bid's
  EXPECT_EQ(book.OpenRound()->deadline_s(), kT0 + 3);
  // A seller joins during the whole window, until the instant it closes.
  ASSERT_TRUE(
      std::holds_alternative<BidAnswer>(book.Offer(Seller(2, 1, kT0 + 2), (kT0 + 3) * kMs - 1)));
  book.Tick((kT0 + 5) * kMs);
  ASSERT_EQ(node_.pending(), 1u);
  ASSERT_FALSE(node_.Seal(kT0 + 6).has_value());  // the contract accepts the round
  const auto scheme = sink.Of("car-0", "scheme");
  ASSERT_EQ(scheme.size(), 1u);
  EXPECT_EQ(scheme[0]["trades"].size(), 1u);
}

// An RSU restarted with its clock set back (the hosts harness's clock skew fault found one
// numbering a round as one it had committed before the restart): a new book starts above every
// round number of this RSU's pending or on chain.
TEST_F(RoundBookTest, ARestartedBookNeverReusesARoundNumber) {
  const int64_t now = kT0 * kMs + 400;
  const uint64_t first = book_.CurrentRoundNumber(now);
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Request(Buyer(0, 1, kT0, first), now)));
  ASSERT_TRUE(
      std::holds_alternative<BidAnswer>(book_.Offer(Seller(2, 1, kT0 + 1, first), now + kMs)));
  book_.Tick((kT0 + 11) * kMs);
  ASSERT_EQ(node_.pending(), 1u);
  const int64_t behind = now - 17 * kMs;  // the restarted RSU's clock
  RecordingSink sink;
  RoundBook while_pending(Options(), chain::testing::FixedKey(101), node_, sink);
  EXPECT_EQ(while_pending.CurrentRoundNumber(behind), first + 1);
  ASSERT_FALSE(node_.Seal(kT0 + 12).has_value());
  RoundBook after_commit(Options(), chain::testing::FixedKey(101), node_, sink);
  EXPECT_EQ(after_commit.CurrentRoundNumber(behind), first + 1);
  EXPECT_EQ(ReasonOf(after_commit.Request(Buyer(1, 1, kT0 - 17, first), behind)),
            Reason::kWrongRound);
  EXPECT_TRUE(std::holds_alternative<BidAnswer>(
      after_commit.Request(Buyer(1, 1, kT0 - 17, first + 1), behind)));
}

TEST_F(RoundBookTest, AReorgUncommitsAndAStaleRoundIsDropped) {
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Request(Buyer(0, 1, kT0), kT0 * kMs)));
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Offer(Seller(2, 1, kT0), kT0 * kMs)));
  book_.Tick((kT0 + 12) * kMs);
  const chain::State before = node_.HeadState();
  ASSERT_FALSE(node_.Seal(kT0 + 13).has_value());
  book_.OnHead((kT0 + 13) * kMs);
  ASSERT_EQ(sink_.Of("car-0", "committed").size(), 1u);
  node_.ReplaceHeadWithEmpty(before);
  book_.OnHead((kT0 + 14) * kMs);
  EXPECT_EQ(sink_.Of("car-0", "uncommitted").size(), 1u);
  EXPECT_EQ(book_.Find(1)->state, RoundState::kBuilt);
  EXPECT_EQ(book_.NextNonce("car-0"), 2u);
  book_.Tick((kT0 + 10 + 600 + 31) * kMs);
  EXPECT_EQ(sink_.Of("car-2", "dropped").size(), 1u);
  EXPECT_EQ(book_.NextNonce("car-0"), 1u);  // released
}

// The book follows the chain on the node's feed: one that fell behind it (over its queue) is
// told so, pushes nothing for what it lost, and follows the events published after.
TEST_F(RoundBookTest, ABookBehindTheChainFeedIsToldItLaggedAndCarriesOn) {
  for (size_t i = 0; i <= node::kDefaultFeedQueue; ++i) node_.feed().Publish(node::BlockRemoved{});
  book_.OnHead(kT0 * kMs);
  EXPECT_EQ(book_.lagged(), 1u);
  EXPECT_TRUE(sink_.pushes.empty());
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Request(Buyer(0, 1, kT0), kT0 * kMs)));
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Offer(Seller(2, 1, kT0), kT0 * kMs)));
  book_.Tick((kT0 + 12) * kMs);
  ASSERT_FALSE(node_.Seal(kT0 + 13).has_value());
  book_.OnHead((kT0 + 13) * kMs);
  ASSERT_EQ(sink_.Of("car-2", "committed").size(), 1u);
  EXPECT_EQ(book_.Find(1)->state, RoundState::kCommitted);
  EXPECT_EQ(book_.lagged(), 1u);
}

// A refund in a block is pushed to both parties from the receipt's settlement.
TEST_F(RoundBookTest, ARefundOnChainIsPushedToBothParties) {
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Request(Buyer(0, 1, kT0), kT0 * kMs)));
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book_.Offer(Seller(2, 1, kT0), kT0 * kMs)));
  book_.Tick((kT0 + 12) * kMs);
  ASSERT_FALSE(node_.Seal(kT0 + 13).has_value());
  book_.OnHead((kT0 + 13) * kMs);
  const Hash32 escrow = book_.Find(1)->escrows.at(0);
  const int64_t after = node_.HeadState().escrows.at(escrow).deadline_s + 1;
  chain::Tx refund;
  refund.sender = "car-0";
  refund.nonce = 2;
  refund.body = chain::Refund{escrow};
  chain::SignTx(refund, w_.cars[0]);
  ASSERT_TRUE(std::holds_alternative<Hash32>(book_.Submit(refund, after * kMs)));
  ASSERT_FALSE(node_.Seal(after).has_value());
  book_.OnHead(after * kMs);
  for (const char* id : {"car-0", "car-2"}) {
    const auto pushed = sink_.Of(id, "refunded");
    ASSERT_EQ(pushed.size(), 1u) << id;
    EXPECT_EQ(pushed[0]["escrow"], escrow.Hex());
    EXPECT_EQ(pushed[0]["block"], 2);
  }
  EXPECT_TRUE(sink_.Of("car-0", "settled").empty());
}

// Rounds overlap: the next round opens at the open one's deadline, when that one closes and is
// built, and each is committed in its own block, in order.
TEST_F(RoundBookTest, TheNextRoundOpensAtTheDeadlineOfTheLast) {
  RoundBookOptions o = Options();
  o.t_limit_s = 3;
  RecordingSink sink;
  RoundBook book(o, chain::testing::FixedKey(101), node_, sink);
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book.Request(Buyer(0, 1, kT0), kT0 * kMs)));
  EXPECT_EQ(book.CurrentRoundNumber((kT0 + 2) * kMs), 1u);  // buyers still join round 1
  const int64_t last = (kT0 + 3) * kMs;                     // round 1's deadline
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book.Offer(Seller(2, 1, kT0 + 2, 1), last - 1)));
  EXPECT_EQ(book.OpenRoundAt(last - 1)->number, 1u);
  EXPECT_EQ(book.OpenRoundAt(last), nullptr);
  const uint64_t next = book.CurrentRoundNumber(last);
  EXPECT_EQ(next, static_cast<uint64_t>(kT0 + 3));
  const BidResult opened = book.Request(Buyer(1, 1, kT0 + 3, next), last);
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(opened));
  EXPECT_EQ(std::get<BidAnswer>(opened).t_stamp_s, kT0 + 3);
  EXPECT_EQ(book.Find(1)->state, RoundState::kBuilt) << "built as round `next` opened";
  EXPECT_EQ(ReasonOf(book.Offer(Seller(3, 1, kT0 + 3, 1), last)), Reason::kDeadlinePassed);
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book.Offer(Seller(3, 1, kT0 + 3, next), last)));
  EXPECT_EQ(*book.NextTickMs(), (kT0 + 6) * kMs);
  book.Tick((kT0 + 4) * kMs);
  EXPECT_EQ(book.Find(1)->state, RoundState::kBuilt);
  EXPECT_EQ(book.OpenRound()->number, next);
  EXPECT_EQ(ReasonOf(book.Offer(Seller(2, 2, kT0 + 4, 1), (kT0 + 4) * kMs)),
            Reason::kDeadlinePassed);
  ASSERT_FALSE(node_.Seal(kT0 + 4).has_value());  // round 1 only: `next` is still open
  book.OnHead((kT0 + 4) * kMs);
  EXPECT_EQ(book.Find(1)->state, RoundState::kCommitted);
  book.Tick((kT0 + 7) * kMs);
  ASSERT_EQ(node_.pending(), 1u);
  ASSERT_FALSE(node_.Seal(kT0 + 7).has_value());
  book.OnHead((kT0 + 7) * kMs);
  EXPECT_EQ(book.Find(next)->state, RoundState::kCommitted);
  for (const char* id : {"car-0", "car-1", "car-2", "car-3"}) {
    const auto scheme = sink.Of(id, "scheme");
    ASSERT_EQ(scheme.size(), 1u) << id;
    ASSERT_EQ(scheme[0]["trades"].size(), 1u) << id;
  }
  EXPECT_EQ(sink.Of("car-0", "scheme")[0]["trades"][0]["counterparty"], "car-2");
  EXPECT_EQ(sink.Of("car-1", "scheme")[0]["trades"][0]["counterparty"], "car-3");
}

// A full round lets the next one open before its deadline; the rounds open and the rounds not
// yet on chain are both bounded (too_many_rounds), and a committed round frees its place.
TEST_F(RoundBookTest, AFullRoundOpensTheNextAndRoundsInFlightAreBounded) {
  RoundBookOptions o = Options();
  o.max_bids_per_round = 1;
  o.max_rounds_in_flight = 2;
  RecordingSink sink;
  RoundBook book(o, chain::testing::FixedKey(101), node_, sink);
  const int64_t now = kT0 * kMs;
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book.Request(Buyer(0, 1, kT0), now)));
  const uint64_t second = book.CurrentRoundNumber(now);  // round 1 is full
  EXPECT_GT(second, 1u);
  ASSERT_TRUE(std::holds_alternative<BidAnswer>(book.Request(Buyer(1, 1, kT0, second), now)));
  EXPECT_EQ(book.RoundsInFlight(), 2u);
  const uint64_t third = book.CurrentRoundNumber(now);
  EXPECT_EQ(ReasonOf(book.Request(Buyer(2, 1, kT0, third), now)), Reason::kTooManyRounds);
  book.Tick((kT0 + 11) * kMs);  // both built: still not on chain
  EXPECT_EQ(book.RoundsInFlight(), 2u);
  const int64_t later = (kT0 + 11) * kMs;
  const uint64_t fourth = book.CurrentRoundNumber(later);
  EXPECT_EQ(ReasonOf(book.Request(Buyer(2, 1, kT0 + 11, fourth), later)), Reason::kTooManyRounds);
  ASSERT_FALSE(node_.Seal(kT0 + 11).has_value());
  book.OnHead(later);
  EXPECT_EQ(book.Find(1)->state, RoundState::kCommitted);
  EXPECT_EQ(book.RoundsInFlight(), 0u);
  EXPECT_TRUE(
      std::holds_alternative<BidAnswer>(book.Request(Buyer(2, 1, kT0 + 11, fourth), later)));
}

}  // namespace
}  // namespace v2v::gateway
