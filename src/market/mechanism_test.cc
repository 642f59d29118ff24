// Each mechanism of mechanism.h on small books worked out by hand, ties included.
#include "market/mechanism.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "market/bayesian_pricing.h"
#include "market/round_mechanism.h"

namespace v2v::market {
namespace {

// Bids 0.9 0.8 0.5 0.2 (ids 1..4) against asks 0.3 0.85 0.4 0.6 (ids 11..14): ranked, bids
// 0.9 0.8 0.5 0.2 and asks 0.3 0.4 0.6 0.85; two pairs are efficient (0.8 >= 0.4, 0.5 < 0.6),
// the marginal pair is (0.8, 0.4) and the next bid and ask are 0.5 and 0.6.
const std::vector<Order> kBids = {{1, 0.9}, {2, 0.5}, {3, 0.8}, {4, 0.2}};
const std::vector<Order> kAsks = {{11, 0.3}, {12, 0.85}, {13, 0.4}, {14, 0.6}};

Outcome ClearBook(const Mechanism& m, const std::vector<Order>& bids,
                  const std::vector<Order>& asks, uint64_t seed = 1) {
  base::Rng rng(seed);
  return m.Clear(bids, asks, rng);
}

void ExpectTrade(const Trade& t, int64_t buyer, int64_t seller, double pays, double receives) {
  EXPECT_EQ(t.buyer_id, buyer);
  EXPECT_EQ(t.seller_id, seller);
  EXPECT_DOUBLE_EQ(t.buyer_pays, pays);
  EXPECT_DOUBLE_EQ(t.seller_receives, receives);
}

TEST(MechanismTest, KDoubleAuctionPricesTheMarginalPair) {
  const Outcome half = ClearBook(*NewKDoubleAuction(0.5), kBids, kAsks);
  ASSERT_EQ(half.trades.size(), 2u);
  ExpectTrade(half.trades[0], 1, 11, 0.6, 0.6);
  ExpectTrade(half.trades[1], 3, 13, 0.6, 0.6);
  EXPECT_DOUBLE_EQ(half.Budget(), 0);
  EXPECT_DOUBLE_EQ(ClearBook(*NewKDoubleAuction(1), kBids, kAsks).trades[0].buyer_pays, 0.8);
  EXPECT_DOUBLE_EQ(ClearBook(*NewKDoubleAuction(0), kBids, kAsks).trades[0].buyer_pays, 0.4);
  EXPECT_TRUE(ClearBook(*NewKDoubleAuction(0.5), {{1, 0.1}}, {{2, 0.2}}).trades.empty());
  EXPECT_TRUE(ClearBook(*NewKDoubleAuction(0.5), {}, {{2, 0.2}}).trades.empty());
}

TEST(MechanismTest, EqualBidAndAskTradeAndEqualOrdersRankInInputOrder) {
  const Outcome o = ClearBook(*NewKDoubleAuction(0.5), {{1, 0.5}, {2, 0.7}, {3, 0.7}}, {{9, 0.5}});
  ASSERT_EQ(o.trades.size(), 1u);
  ExpectTrade(o.trades[0], 2, 9, 0.6, 0.6);  // 2 and 3 bid the same: 2 came first
  EXPECT_EQ(ClearBook(*NewKDoubleAuction(0.5), {{1, 0.5}}, {{2, 0.5}}).trades.size(), 1u);
}

TEST(MechanismTest, McAfeeTradesAllAtTheMidpointWhenItFitsElseReduces) {
  // p0 = (0.5 + 0.6)/2 = 0.55 lies in [a_q, b_q] = [0.4, 0.8]: both pairs trade at p0.
  const Outcome fits = ClearBook(*NewMcAfee(0, 1), kBids, kAsks);
  ASSERT_EQ(fits.trades.size(), 2u);
  ExpectTrade(fits.trades[1], 3, 13, 0.55, 0.55);
  // Bids 0.9 0.5 0.2 and asks 0.3 0.45 0.95: q = 2, p0 = (0.2 + 0.95)/2 = 0.575 > b_q = 0.5,
  // so one pair trades, the buyer paying 0.5, the seller receiving 0.45, the auctioneer keeping
  // 0.05.
  const Outcome reduced = ClearBook(*NewMcAfee(0, 1), {{1, 0.9}, {2, 0.5}, {3, 0.2}},
                                    {{11, 0.3}, {12, 0.45}, {13, 0.95}});
  ASSERT_EQ(reduced.trades.size(), 1u);
  ExpectTrade(reduced.trades[0], 1, 11, 0.5, 0.45);
  EXPECT_NEAR(reduced.Budget(), 0.05, 1e-15);
  // One pair: the missing next orders are the prior's bounds, p0 = (0 + 1)/2, a posted price.
  ASSERT_EQ(ClearBook(*NewMcAfee(0, 1), {{1, 0.7}}, {{2, 0.2}}).trades.size(), 1u);
  EXPECT_DOUBLE_EQ(ClearBook(*NewMcAfee(0, 1), {{1, 0.7}}, {{2, 0.2}}).trades[0].buyer_pays, 0.5);
  EXPECT_TRUE(ClearBook(*NewMcAfee(0, 1), {{1, 0.7}}, {{2, 0.6}}).trades.empty());
}

TEST(MechanismTest, SbbaPricesAtTheNextAskOrLeavesOutOneSellerByLottery) {
  // a_{q+1} = 0.6 <= b_q = 0.8: both pairs trade at 0.6.
  const Outcome all = ClearBook(*NewSbba(), kBids, kAsks);
  ASSERT_EQ(all.trades.size(), 2u);
  ExpectTrade(all.trades[0], 1, 11, 0.6, 0.6);
  ExpectTrade(all.trades[1], 3, 13, 0.6, 0.6);
  // Asks 0.3 0.4 0.9: q = 2, a_3 = 0.9 > b_2 = 0.8, so p = 0.8: buyer 1 trades with one of
  // sellers 11 and 13, the lottery decides which; both win under some seed.
  bool seen11 = false, seen13 = false;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const Outcome o = ClearBook(*NewSbba(), kBids, {{11, 0.3}, {12, 0.9}, {13, 0.4}}, seed);
    ASSERT_EQ(o.trades.size(), 1u);
    EXPECT_EQ(o.trades[0].buyer_id, 1);
    EXPECT_DOUBLE_EQ(o.trades[0].buyer_pays, 0.8);
    EXPECT_DOUBLE_EQ(o.Budget(), 0);
    seen11 |= o.trades[0].seller_id == 11;
    seen13 |= o.trades[0].seller_id == 13;
  }
  EXPECT_TRUE(seen11 && seen13);
  // Every seller among the q: the next ask is +infinity, so one pair alone never trades.
  EXPECT_TRUE(ClearBook(*NewSbba(), {{1, 0.7}}, {{2, 0.2}}).trades.empty());
}

TEST(MechanismTest, VcgChargesEachSideItsExternalityAndPaysTheDeficit) {
  // Buyers pay max(b_3, a_2) = max(0.5, 0.4) = 0.5; sellers receive min(a_3, b_2) = 0.6.
  const Outcome o = ClearBook(*NewVcgDoubleAuction(), kBids, kAsks);
  ASSERT_EQ(o.trades.size(), 2u);
  ExpectTrade(o.trades[0], 1, 11, 0.5, 0.6);
  EXPECT_NEAR(o.Budget(), -0.2, 1e-15);
  // One pair: the buyer pays the ask, the seller receives the bid.
  const Outcome pair = ClearBook(*NewVcgDoubleAuction(), {{1, 0.7}}, {{2, 0.2}});
  ASSERT_EQ(pair.trades.size(), 1u);
  ExpectTrade(pair.trades[0], 1, 2, 0.2, 0.7);
}

TEST(MechanismTest, PostedPriceMatchesWillingTradersFirstComeFirstServed) {
  const Outcome o = ClearBook(*NewPostedPrice(0.55), kBids, kAsks);
  // Willing buyers 1 (0.9), 3 (0.8); willing sellers 11 (0.3), 13 (0.4), in input order.
  ASSERT_EQ(o.trades.size(), 2u);
  ExpectTrade(o.trades[0], 1, 11, 0.55, 0.55);
  ExpectTrade(o.trades[1], 3, 13, 0.55, 0.55);
  // A bid or ask equal to the price is willing.
  EXPECT_EQ(ClearBook(*NewPostedPrice(0.5), {{1, 0.5}}, {{2, 0.5}}).trades.size(), 1u);
}

TEST(MechanismTest, BayesianPairsInInputOrderWithTheorem1Prices) {
  const Outcome o =
      ClearBook(*NewBayesianBilateral(1, 0), {{1, 0.9}, {2, 0.5}}, {{11, 0.1}, {12, 0.4}});
  const PairPrice first = PriceInDouble(0.9, 1, 0.1, 0);
  ASSERT_TRUE(first.trade);
  EXPECT_FALSE(PriceInDouble(0.5, 1, 0.4, 0).trade);  // v - c = 0.1 < 1/4
  ASSERT_EQ(o.trades.size(), 1u);
  ExpectTrade(o.trades[0], 1, 11, first.t, first.t);
}

// Bilateral pairs (0.5, 0.1) and (0.9, 0.4) both trade; pooled, the best buyer with the
// cheapest seller would leave the other pair unable to trade (P(0.5) < R(0.4)), so the pooled
// scheme pairs the best buyer with the dearer seller and both trade.
TEST(MechanismTest, BayesianPooledChoosesTheLargestSurplusMatchingThatCanTrade) {
  const Outcome o =
      ClearBook(*NewBayesianPooled(1, 0), {{1, 0.5}, {2, 0.9}}, {{11, 0.1}, {12, 0.4}});
  ASSERT_EQ(o.trades.size(), 2u);
  ExpectTrade(o.trades[0], 2, 12, PriceInDouble(0.9, 1, 0.4, 0).t, PriceInDouble(0.9, 1, 0.4, 0).t);
  ExpectTrade(o.trades[1], 1, 11, PriceInDouble(0.5, 1, 0.1, 0).t, PriceInDouble(0.5, 1, 0.1, 0).t);
  EXPECT_FALSE(PriceInDouble(0.5, 1, 0.4, 0).trade);
  EXPECT_NEAR(o.Budget(), 0, 1e-15);
  // Nobody can trade: no trade.
  EXPECT_TRUE(ClearBook(*NewBayesianPooled(1, 0), {{1, 0.3}}, {{2, 0.2}}).trades.empty());
}

// Every name builds the mechanism that calls itself by it, and clears as the direct factory does.
TEST(MechanismByNameTest, EveryNameBuildsTheMechanismOfThatName) {
  MechanismParams p;
  p.v_min = 0.1;
  p.v_max = 1;
  p.c_min = 0;
  p.c_max = 0.5;
  p.k = 0.25;
  p.posted_price = 0.45;
  ASSERT_EQ(MechanismNames().size(), 7u);
  for (std::string_view name : MechanismNames()) {
    auto m = NewMechanismByName(name, p);
    ASSERT_TRUE(m.ok()) << name << ": " << m.status().message();
    EXPECT_EQ((*m)->Name(), name);
  }
  auto kda = NewMechanismByName("k-double-auction", p);
  ASSERT_TRUE(kda.ok());
  // Marginal pair (0.8, 0.4) at k = 1/4: 0.25 * 0.8 + 0.75 * 0.4 = 0.5.
  EXPECT_DOUBLE_EQ(ClearBook(**kda, kBids, kAsks).trades.at(0).buyer_pays, 0.5);
  auto posted = NewMechanismByName("posted-price", p);
  ASSERT_TRUE(posted.ok());
  EXPECT_DOUBLE_EQ(ClearBook(**posted, kBids, kAsks).trades.at(0).buyer_pays, 0.45);
  // McAfee reads c_max as its cost ceiling: bids 0.9 and 0.35 against one ask 0.2, so q = 1 and
  // the missing next ask is the ceiling: p0 = (0.35 + 0.5) / 2 = 0.425 (with v_min = 0.1 in its
  // place it would be 0.225).
  auto mcafee = NewMechanismByName("mcafee", p);
  ASSERT_TRUE(mcafee.ok());
  const Outcome by_name = ClearBook(**mcafee, {{1, 0.9}, {2, 0.35}}, {{3, 0.2}});
  ASSERT_EQ(by_name.trades.size(), 1u);
  EXPECT_DOUBLE_EQ(by_name.trades[0].buyer_pays, 0.425);
  // The Bayesian schemes read v_max as v^max and c_min as c^min (with v_min and c_max in their
  // place the price would differ).
  for (const char* name : {"bayesian", "bayesian-pooled"}) {
    auto bayes = NewMechanismByName(name, p);
    ASSERT_TRUE(bayes.ok());
    const Outcome o = ClearBook(**bayes, {{1, 0.9}}, {{2, 0.2}});
    ASSERT_EQ(o.trades.size(), 1u) << name;
    EXPECT_DOUBLE_EQ(o.trades[0].buyer_pays, PriceInDouble(0.9, 1, 0.2, 0).t) << name;
    EXPECT_NE(PriceInDouble(0.9, 1, 0.2, 0).t, PriceInDouble(0.9, 0.1, 0.2, 0.5).t);
  }
  MechanismParams no_price = p;
  no_price.posted_price.reset();
  EXPECT_FALSE(NewMechanismByName("posted-price", no_price).ok());
}

TEST(MechanismByNameTest, RefusesUnknownNamesAndBadParameters) {
  auto unknown = NewMechanismByName("first-price", MechanismParams{});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("known: bayesian,"), std::string::npos);
  MechanismParams bad_k;
  bad_k.k = 1.5;
  EXPECT_FALSE(NewMechanismByName("k-double-auction", bad_k).ok());
  MechanismParams nan_price;
  nan_price.posted_price = std::nan("");
  EXPECT_FALSE(NewMechanismByName("posted-price", nan_price).ok());
  MechanismParams reversed;
  reversed.v_min = 2;
  EXPECT_FALSE(NewMechanismByName("mcafee", reversed).ok());
  EXPECT_FALSE(NewMechanismByName("bayesian", reversed).ok());
  // A parameter a mechanism does not read does not matter to it.
  EXPECT_TRUE(NewMechanismByName("vcg", reversed).ok());
}

// A round's prior bounds are the widest of its declared ranges; its clearing maps the unit
// trades back to the bids' ids and sums the declared surplus.
// A round's valid bids clear with the round's bounds and ids; a bid that breaks Algorithm 1's
// checks is listed as rejected and neither clears nor widens the bounds.
TEST(MechanismByNameTest, ARoundsBidsClearWithTheRoundsBoundsAndIds) {
  Market m;
  m.auctioneer.v_min = 0;
  m.auctioneer.c_max = 1;
  m.buyers.push_back(BuyerBid{});
  m.buyers.back().id = "b1";
  m.buyers.back().v = 0.9;
  m.buyers.back().v_min = 0.5;
  m.buyers.back().v_max = 1.0;
  m.buyers.push_back(m.buyers.back());
  m.buyers.back().id = "b2";
  m.buyers.back().v = 0.45;
  m.buyers.back().v_min = 0.3;
  m.buyers.back().v_max = 0.8;
  m.buyers.push_back(m.buyers.back());
  m.buyers.back().id = "b3";  // v above its v_max: rejected
  m.buyers.back().v = 0.95;
  m.buyers.back().v_min = 0.05;
  m.buyers.back().v_max = 0.9;
  m.sellers.push_back(SellerBid{});
  m.sellers.back().id = "s1";
  m.sellers.back().c = 0.4;
  m.sellers.back().c_min = 0.2;
  m.sellers.back().c_max = 0.6;
  m.sellers.push_back(m.sellers.back());
  m.sellers.back().id = "s2";
  m.sellers.back().c = 0.5;
  m.sellers.back().c_min = 0.35;
  m.sellers.back().c_max = 0.95;
  std::vector<BuyerBid> valid(m.buyers.begin(), m.buyers.begin() + 2);
  const MechanismParams p = RoundPriorBounds(valid, m.sellers);
  EXPECT_EQ(p.v_min, 0.3);
  EXPECT_EQ(p.v_max, 1.0);
  EXPECT_EQ(p.c_min, 0.2);
  EXPECT_EQ(p.c_max, 0.95);
  // McAfee with floor 0.3 and ceiling 0.95: q = 1 (0.9 >= 0.4; 0.45 < 0.5), p0 =
  // (0.45 + 0.5) / 2 = 0.475 lies in [0.4, 0.9], so the pair trades at 0.475.
  auto c = ClearRoundWithMechanism(m, "mcafee", MechanismParams{}, 1);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->mechanism, "mcafee");
  ASSERT_EQ(c->rejected.size(), 1u);
  EXPECT_EQ(c->rejected[0].id, "b3");
  ASSERT_EQ(c->trades.size(), 1u);
  EXPECT_EQ(c->trades[0].buyer, "b1");
  EXPECT_EQ(c->trades[0].seller, "s1");
  EXPECT_DOUBLE_EQ(c->trades[0].buyer_pays, 0.475);
  EXPECT_DOUBLE_EQ(c->surplus, 0.5);
  EXPECT_DOUBLE_EQ(c->budget, 0);
  // One buyer and one seller: no next orders, so McAfee reads the round's bounds, the floor 0.5
  // (b1's v_min; b3's 0.05 does not count) and the ceiling 0.6 (s1's c_max): p0 = 0.55.
  Market pair = m;
  pair.buyers = {m.buyers[0], m.buyers[2]};
  pair.sellers = {m.sellers[0]};
  auto one = ClearRoundWithMechanism(pair, "mcafee", MechanismParams{}, 1);
  ASSERT_TRUE(one.ok()) << one.status().message();
  ASSERT_EQ(one->trades.size(), 1u);
  EXPECT_DOUBLE_EQ(one->trades[0].buyer_pays, 0.55);
  EXPECT_FALSE(ClearRoundWithMechanism(m, "english", MechanismParams{}, 1).ok());
  EXPECT_EQ(RoundPriorBounds({}, {}).v_max, MechanismParams{}.v_max);
}

}  // namespace
}  // namespace v2v::market
