#include "market/equilibrium.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace v2v::market {
namespace {

constexpr double kTol = 1e-12;

struct Setting {
  const char* name;
  TypeRange v, c;
};
const Setting kSettings[] = {
    {"unit-square", {0, 1}, {0, 1}},
    {"paper-fig9", {0.5, 1}, {0.5, 1}},
    {"paper-fig4", {0.4, 1.2}, {0.2, 1.0}},
    {"overlapping", {0.3, 0.9}, {0.2, 0.8}},
};

TEST(EquilibriumTest, TheoremOneIsABestResponseForEveryType) {
  for (const Setting& s : kSettings) {
    LinearStrategy b = TheoremOneBuyerStrategy(s.v, s.c);
    LinearStrategy r = TheoremOneSellerStrategy(s.v, s.c);
    EquilibriumReport rep = CheckEquilibrium(s.v, s.c, b, r, 401);
    EXPECT_LE(rep.max_buyer_gain, kTol) << s.name << " worst v=" << rep.worst_buyer_type;
    EXPECT_LE(rep.max_seller_gain, kTol) << s.name << " worst c=" << rep.worst_seller_type;
  }
}

TEST(EquilibriumTest, PerturbedStrategiesGainFromDeviation) {
  for (const Setting& s : kSettings) {
    LinearStrategy b = TheoremOneBuyerStrategy(s.v, s.c);
    LinearStrategy r = TheoremOneSellerStrategy(s.v, s.c);
    const double span = s.v.hi - s.v.lo;
    for (double d : {-0.05, 0.05}) {
      LinearStrategy bp{b.alpha + d * span, b.beta};
      EquilibriumReport rep = CheckEquilibrium(s.v, s.c, bp, r);
      EXPECT_GT(rep.max_buyer_gain, 1e-5) << s.name << " buyer shift " << d;
      LinearStrategy rp{r.alpha + d * span, r.beta};
      EXPECT_GT(CheckEquilibrium(s.v, s.c, b, rp).max_seller_gain, 1e-5) << s.name;
      LinearStrategy bs{b.alpha, b.beta * (1 + d)};  // slope perturbation
      EXPECT_GT(CheckEquilibrium(s.v, s.c, bs, r).max_buyer_gain, 1e-6) << s.name;
    }
    // Truthful bidding (P = v, R = c) is not an equilibrium either.
    EquilibriumReport truthful = CheckEquilibrium(s.v, s.c, {0, 1}, {0, 1});
    EXPECT_GT(truthful.max_buyer_gain, 1e-4) << s.name;
    EXPECT_GT(truthful.max_seller_gain, 1e-4) << s.name;
  }
}

// The closed-form best response agrees with a brute-force search over bids.
TEST(EquilibriumTest, ClosedFormBestResponseMatchesGridSearch) {
  const TypeRange v{0.4, 1.2}, c{0.2, 1.0};
  const LinearStrategy b = TheoremOneBuyerStrategy(v, c), r = TheoremOneSellerStrategy(v, c);
  for (double vt : {0.4, 0.55, 0.8, 1.0, 1.2}) {
    double best = 0;
    for (int k = 0; k <= 200000; ++k) {
      best = std::max(best, BuyerExpectedUtility(vt, -0.5 + 2.5 * k / 200000.0, r, c));
    }
    EXPECT_NEAR(BuyerBestResponse(vt, r, c).utility, best, 1e-9) << vt;
  }
  for (double ct : {0.2, 0.5, 0.7, 1.0}) {
    double best = 0;
    for (int k = 0; k <= 200000; ++k) {
      best = std::max(best, SellerExpectedUtility(ct, -0.5 + 2.5 * k / 200000.0, b, v));
    }
    EXPECT_NEAR(SellerBestResponse(ct, b, v).utility, best, 1e-9) << ct;
  }
}

// Closed forms against eq. (3): unit square, v = 1, P* = 3/4; R ~ U[1/4, 11/12].
TEST(EquilibriumTest, ExpectedUtilityMatchesHandComputation) {
  const TypeRange u{0, 1};
  LinearStrategy r = TheoremOneSellerStrategy(u, u);
  // Prob(R <= 3/4) = (3/4 - 1/4)/(2/3) = 3/4; E[R | R <= 3/4] = 1/2; utility = (1 - 5/8) * 3/4.
  EXPECT_NEAR(BuyerExpectedUtility(1.0, 0.75, r, u), 0.375 * 0.75, 1e-15);
  EXPECT_EQ(BuyerExpectedUtility(0.2, 0.2, r, u), 0.0);  // bids below every ask
}

TEST(EquilibriumTest, KnownTypeOnOneSideIsHandled) {
  const TypeRange v{0.5, 1.0}, c{0.6, 0.6};  // the seller's cost is common knowledge
  LinearStrategy r = TheoremOneSellerStrategy(v, c);
  BestResponse br = BuyerBestResponse(0.9, r, c);
  EXPECT_DOUBLE_EQ(br.bid, r.Bid(0.6));  // bid exactly the known ask
  EXPECT_NEAR(br.utility, 0.9 - r.Bid(0.6), 1e-15);
}

}  // namespace
}  // namespace v2v::market
