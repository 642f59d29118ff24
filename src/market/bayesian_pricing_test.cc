#include "market/bayesian_pricing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace v2v::market {
namespace {

TEST(BayesianPricingTest, UnitSquareIsChatterjeeSamuelson) {
  // v, c uniform on [0,1]: P = 2v/3 + 1/12, R = 2c/3 + 1/4.
  PairPrice pr = PriceInDouble(/*v=*/0.9, /*v_max=*/1.0, /*c=*/0.3, /*c_min=*/0.0);
  EXPECT_NEAR(pr.p, 2 * 0.9 / 3 + 1.0 / 12, 1e-15);
  EXPECT_NEAR(pr.r, 2 * 0.3 / 3 + 1.0 / 4, 1e-15);
  EXPECT_TRUE(pr.trade);
  EXPECT_NEAR(pr.t, (pr.p + pr.r) / 2, 1e-15);
}

TEST(BayesianPricingTest, Equation5UsesVmaxNotVmin) {
  // Algorithm 2's v_i^min/12 is a typo: P depends on v_max with weight 1/12.
  PairPrice a = PriceInDouble(0.8, 1.0, 0.5, 0.5);
  PairPrice b = PriceInDouble(0.8, 1.6, 0.5, 0.5);
  EXPECT_NEAR(b.p - a.p, 0.6 / 12, 1e-15);
  EXPECT_NEAR(b.r - a.r, 0.6 / 4, 1e-15);
}

TEST(BayesianPricingTest, NoTradeWhenBidBelowAsk) {
  // Trading region is v >= c + v^max/4 - c^min/4 (Fig. 6).
  PairPrice pr = PriceInDouble(0.6, 1.0, 0.5, 0.5);  // needs v >= 0.5 + 0.25 - 0.125 = 0.625
  EXPECT_FALSE(pr.trade);
  EXPECT_LT(pr.p, pr.r);
  EXPECT_EQ(pr.t, 0.0);
  PairPrice edge = PriceInDouble(0.625, 1.0, 0.5, 0.5);  // exactly on the boundary: trades
  EXPECT_TRUE(edge.trade);
  EXPECT_DOUBLE_EQ(edge.p, edge.r);
}

TEST(BayesianPricingTest, ExactFormIsTheTwelfthsIdentity) {
  ExactPrice e = PriceExact(/*v=*/90, /*v_max=*/100, /*c=*/30, /*c_min=*/0);
  EXPECT_EQ(e.p_twelfths, 100 + 0 + 720);
  EXPECT_EQ(e.r_twelfths, 0 + 300 + 240);
  EXPECT_TRUE(e.trade);
  // T = (100 + 0 + 180 + 60)/6 = 56.67 -> 57
  EXPECT_EQ(e.t, 57);
}

TEST(BayesianPricingTest, ExactRoundingTiesGoUp) {
  // n = v_max + c_min + 2v + 2c = 6k + 3 -> rounds up to k + 1.
  ExactPrice e =
      PriceExact(/*v=*/100, /*v_max=*/101, /*c=*/10, /*c_min=*/0);  // n = 101+0+200+20 = 321
  ASSERT_TRUE(e.trade);
  EXPECT_EQ(e.t, 54);                          // 321/6 = 53.5
  ExactPrice f = PriceExact(100, 100, 10, 0);  // n = 320 -> 53.33 -> 53
  EXPECT_EQ(f.t, 53);
}

TEST(BayesianPricingTest, ExactTradeTestIsExactOnTheBoundary) {
  // 4(v - c) == v_max - c_min: trades; one unit less: does not.
  EXPECT_TRUE(PriceExact(625, 1000, 500, 500).trade);
  EXPECT_FALSE(PriceExact(624, 1000, 500, 500).trade);
}

// The integer form and the double form agree to within one rounding unit on random inputs,
// and decide the trade identically.
TEST(BayesianPricingTest, ExactAgreesWithDoubleWithinOneUnit) {
  std::mt19937_64 rng(20261124);
  for (int k = 0; k < 200000; ++k) {
    std::uniform_int_distribution<int64_t> d(0, 1'000'000);
    int64_t c_min = d(rng), c = c_min + d(rng), v = d(rng) * 2, v_max = v + d(rng);
    ExactPrice e = PriceExact(v, v_max, c, c_min);
    PairPrice p = PriceInDouble(static_cast<double>(v), static_cast<double>(v_max),
                                static_cast<double>(c), static_cast<double>(c_min));
    ASSERT_EQ(e.trade, p.trade) << "v=" << v << " v_max=" << v_max << " c=" << c;
    EXPECT_NEAR(static_cast<double>(e.p_twelfths) / 12.0, p.p, 1e-6);
    EXPECT_NEAR(static_cast<double>(e.r_twelfths) / 12.0, p.r, 1e-6);
    if (e.trade) {
      ASSERT_LE(std::abs(static_cast<double>(e.t) - p.t), 0.5 + 1e-9) << "seed 20261124 k=" << k;
    }
  }
}

}  // namespace
}  // namespace v2v::market
