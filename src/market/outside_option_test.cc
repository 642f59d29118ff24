#include "market/outside_option.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "market/bayesian_pricing.h"
#include "market/market_round.h"

namespace v2v::market {
namespace {

TEST(OutsideOption, CapsABuyerAndRaisesASellerOnlyWhereTheGridIsBetter) {
  BuyerBid b;
  b.v_min = 0.5, b.v = 0.8, b.v_max = 1.0;
  const BuyerBid capped = CapBuyerAtOutsideOption(b, 0.7);
  EXPECT_EQ(capped.v, 0.7);
  EXPECT_EQ(capped.v_min, 0.5);
  EXPECT_EQ(capped.v_max, 0.7);
  const BuyerBid loose = CapBuyerAtOutsideOption(b, 1.0);
  EXPECT_EQ(loose.v, 0.8);
  EXPECT_EQ(loose.v_max, 1.0);
  SellerBid s;
  s.c_min = 0.3, s.c = 0.4, s.c_max = 0.8;
  const SellerBid raised = RaiseSellerToOutsideOption(s, 0.45);
  EXPECT_EQ(raised.c, 0.45);
  EXPECT_EQ(raised.c_min, 0.45);
  EXPECT_EQ(raised.c_max, 0.8);
  EXPECT_EQ(RaiseSellerToOutsideOption(s, 0.3).c, 0.4);
}

TEST(OutsideOption, VerdictsAreRefusalsAtEquality) {
  EXPECT_EQ(BuyerVerdict(0.3, 0.3), GridVerdict::kGridCheaper);
  EXPECT_EQ(BuyerVerdict(0.31, 0.3), GridVerdict::kBeatsGrid);
  EXPECT_EQ(SellerVerdict(0.5, 0.5), GridVerdict::kFeedInBetter);
  EXPECT_EQ(SellerVerdict(0.49, 0.5), GridVerdict::kBeatsGrid);
  EXPECT_EQ(GridVerdictName(GridVerdict::kGridCheaper), "grid_cheaper");
  EXPECT_EQ(GridVerdictName(GridVerdict::kFeedInBetter), "feed_in_better");
}

// The claim the grid model rests on: after capping and raising, every pair that trades is priced
// between the seller's floor and the buyer's cap, in doubles and in the ledger's integers.
RC_GTEST_PROP(OutsideOptionProperty, EveryTradedPriceIsBetweenTheTwoOutsideOptions, ()) {
  auto u = [](int lo, int hi) { return *rc::gen::inRange(lo, hi + 1); };
  const int v_min = u(0, 1000), v_max = v_min + u(0, 1000), v = u(v_min, v_max);
  const int c_min = u(0, 1000), c_max = c_min + u(0, 1000), c = u(c_min, c_max);
  const int floor = u(0, 1500);
  const int cap = floor + u(1, 1500);  // a buyer left in the round: cap above the floor
  BuyerBid b;
  b.v_min = v_min, b.v = v, b.v_max = v_max;
  SellerBid s;
  s.c_min = c_min, s.c = c, s.c_max = c_max;
  const BuyerBid cb = CapBuyerAtOutsideOption(b, cap);
  const SellerBid cs = RaiseSellerToOutsideOption(s, floor);
  RC_ASSERT(cb.v_min <= cb.v && cb.v <= cb.v_max);
  RC_ASSERT(cs.c_min <= cs.c && cs.c <= cs.c_max);
  const PairPrice p = PriceInDouble(cb, cs);
  if (p.trade) {
    RC_ASSERT(p.t <= cap * (1 + 1e-12));
    RC_ASSERT(p.t >= floor * (1 - 1e-12));
  }
  const ExactPrice e = PriceExact(static_cast<int64_t>(cb.v), static_cast<int64_t>(cb.v_max),
                                  static_cast<int64_t>(cs.c), static_cast<int64_t>(cs.c_min));
  RC_ASSERT(e.trade == p.trade);
  if (e.trade) {
    RC_ASSERT(e.t <= cap);
    RC_ASSERT(e.t >= floor);
  }
}

// A round of two buyers and two sellers under the grid: feed-in 0.30, fee 0.02.
Market GridRound() {
  Market m;
  m.auctioneer = {0.2, 1.0, 0.001, 0.01, 1000, GridTerms{0.30, 0.02}};
  BuyerBid b;
  b.v_min = 0.4, b.v = 0.8, b.v_max = 1.0, b.b_min = 1, b.b_max = 10, b.w = 3;
  b.id = "b-cheap-grid", b.outside_option_per_kwh = 0.32;  // cap 0.30: not above the feed-in
  m.buyers.push_back(b);
  b.id = "b-far", b.outside_option_per_kwh = 0.70;  // cap 0.68
  m.buyers.push_back(b);
  SellerBid s;
  s.c_min = 0.2, s.c = 0.35, s.c_max = 0.6, s.s_t = 40, s.s_r = 10, s.rho = 0.05;
  s.id = "s-near";  // floor 0.315
  m.sellers.push_back(s);
  s.id = "s-lossy", s.rho = 2.5;  // floor 1.05: above any cap
  m.sellers.push_back(s);
  return m;
}

TEST(GridScreen, LeavesOutWhoCannotBeatTheGridWithATypedReason) {
  const GridScreen screen = ScreenAgainstGrid(GridRound());
  ASSERT_EQ(screen.left_out.size(), 2u);
  EXPECT_EQ(screen.left_out[0].id, "b-cheap-grid");
  EXPECT_EQ(screen.left_out[0].verdict, GridVerdict::kGridCheaper);
  EXPECT_NEAR(screen.left_out[0].option, 0.30, 1e-12);
  EXPECT_EQ(screen.left_out[1].id, "s-lossy");
  EXPECT_EQ(screen.left_out[1].verdict, GridVerdict::kFeedInBetter);
  EXPECT_NEAR(screen.left_out[1].bound, 0.68, 1e-12);
  ASSERT_EQ(screen.market.buyers.size(), 1u);
  EXPECT_NEAR(screen.market.buyers[0].v_max, 0.68, 1e-12);  // capped
  EXPECT_NEAR(screen.market.buyers[0].v, 0.68, 1e-12);
  ASSERT_EQ(screen.market.sellers.size(), 1u);
  EXPECT_NEAR(screen.market.sellers[0].c_min, 0.315, 1e-12);  // raised
  EXPECT_NEAR(screen.market.sellers[0].c, 0.35, 1e-12);       // already above its floor
  EXPECT_EQ(GridLeftOutMessage(screen.left_out[0]).rfind("grid_cheaper: buyer b-cheap-grid", 0),
            0u);
}

TEST(GridScreen, WithoutGridTermsTheMarketIsUnchanged) {
  Market m = GridRound();
  m.auctioneer.grid.reset();
  const GridScreen screen = ScreenAgainstGrid(m);
  EXPECT_TRUE(screen.left_out.empty());
  EXPECT_EQ(screen.market.buyers.size(), 2u);
  EXPECT_EQ(screen.market.buyers[1].v_max, 1.0);
  EXPECT_EQ(screen.market.sellers[1].c_min, 0.2);
}

// RunRound applies the screen: the left-out bids come back in `rejected` with their verdict,
// the others are priced between the seller's floor and the buyer's cap.
TEST(GridScreen, RunRoundReportsTheVerdictAndPricesBetweenTheOptions) {
  auto r = RunRound(GridRound());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rejected.size(), 2u);
  EXPECT_EQ(r->rejected[0].id, "b-cheap-grid");
  ASSERT_TRUE(r->rejected[0].grid.has_value());
  EXPECT_EQ(*r->rejected[0].grid, GridVerdict::kGridCheaper);
  EXPECT_EQ(r->rejected[1].id, "s-lossy");
  EXPECT_EQ(*r->rejected[1].grid, GridVerdict::kFeedInBetter);
  ASSERT_EQ(r->pairs.size(), 1u);
  ASSERT_TRUE(r->pairs[0].price.trade);
  EXPECT_GT(r->pairs[0].volume, 0);
  EXPECT_LE(r->pairs[0].price.t, 0.68 + 1e-12);
  EXPECT_GE(r->pairs[0].price.t, 0.315 - 1e-12);
}

// Property: on random grid rounds, screening a screened market changes nothing (the simulator
// screens, then RunRound screens again), no bid is both kept and left out, and every traded
// price RunRound returns lies between the pair's floor and cap.
RC_GTEST_PROP(GridScreenProperty, IdempotentAndEveryTradeBetweenTheOptions, ()) {
  auto u = [](int lo, int hi) { return *rc::gen::inRange(lo, hi + 1) / 1000.0; };
  Market m;
  m.auctioneer = {0.1, 0.9, 0.001, 0.01, 1e6, GridTerms{u(0, 600), u(0, 100)}};
  const int nb = *rc::gen::inRange(0, 5), ns = *rc::gen::inRange(0, 5);
  for (int i = 0; i < nb; ++i) {
    BuyerBid b;
    b.id = "b" + std::to_string(i);
    b.v_min = u(100, 500), b.v_max = b.v_min + u(0, 500), b.v = b.v_min + u(0, 500);
    b.v = std::min(b.v, b.v_max);
    b.b_min = 0, b.b_max = 5, b.w = 2;
    if (*rc::gen::arbitrary<bool>()) b.outside_option_per_kwh = u(0, 1200);
    m.buyers.push_back(b);
  }
  for (int j = 0; j < ns; ++j) {
    SellerBid s;
    s.id = "s" + std::to_string(j);
    s.c_min = u(100, 500), s.c_max = std::min(0.9, s.c_min + u(0, 400)), s.c = s.c_min;
    s.s_t = 30, s.s_r = 10, s.rho = *rc::gen::element(0.0, 0.05, 0.2);
    m.sellers.push_back(s);
  }
  const GridScreen once = ScreenAgainstGrid(m);
  const GridScreen twice = ScreenAgainstGrid(once.market);
  RC_ASSERT(twice.left_out.empty());
  RC_ASSERT(twice.market.buyers.size() == once.market.buyers.size());
  RC_ASSERT(twice.market.sellers.size() == once.market.sellers.size());
  RC_ASSERT(once.market.buyers.size() + once.market.sellers.size() + once.left_out.size() ==
            m.buyers.size() + m.sellers.size());
  for (size_t i = 0; i < once.market.buyers.size(); ++i) {
    RC_ASSERT(twice.market.buyers[i].v_max == once.market.buyers[i].v_max);
    RC_ASSERT(twice.market.buyers[i].v == once.market.buyers[i].v);
  }
  RC_ASSERT(twice.market.auctioneer.v_min == once.market.auctioneer.v_min);
  RC_ASSERT(twice.market.auctioneer.c_max == once.market.auctioneer.c_max);

  auto r = RunRound(m);
  RC_ASSERT(r.ok());
  const GridTerms& g = *m.auctioneer.grid;
  for (const PairResult& p : r->pairs) {
    if (!p.price.trade) continue;
    const BuyerBid& b = *std::find_if(m.buyers.begin(), m.buyers.end(),
                                      [&](const BuyerBid& x) { return x.id == p.buyer; });
    const SellerBid& s = *std::find_if(m.sellers.begin(), m.sellers.end(),
                                       [&](const SellerBid& x) { return x.id == p.seller; });
    if (b.outside_option_per_kwh) {
      RC_ASSERT(p.price.t <= (*b.outside_option_per_kwh - g.fee_per_kwh) * (1 + 1e-12) + 1e-12);
    }
    RC_ASSERT(p.price.t >= SellerFloor(g.feed_in_per_kwh, s.rho) * (1 - 1e-12) - 1e-12);
  }
}

}  // namespace
}  // namespace v2v::market
