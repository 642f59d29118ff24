#include "market/outside_option.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>

#include "market/bayesian_pricing.h"

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

}  // namespace
}  // namespace v2v::market
