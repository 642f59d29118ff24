#include "market/internal/order_distribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "base/random.h"

namespace v2v::market::internal {
namespace {

// The exact best order agrees with a search over a fine grid of orders, on random mixtures of
// uniform pieces and atoms, for several k and values.
TEST(OrderDistributionTest, BestOrderMatchesGridSearch) {
  base::Rng rng(17004);
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<OrderPiece> pieces;
    const int n = 1 + static_cast<int>(rng.Below(6));
    for (int i = 0; i < n; ++i) {
      const double a = rng.Unit(), b = rng.Bernoulli(0.3) ? a : rng.Unit();
      pieces.push_back({std::min(a, b), std::max(a, b), 0.1 + rng.Unit()});
    }
    const OrderDistribution d(pieces);
    const double value = rng.Uniform(0, 1.2), k = rng.Unit();
    const BestOrder best = d.Best(value, k);
    EXPECT_NEAR(d.Utility(value, best.order, k), best.utility, 1e-12);
    double searched = 0;
    for (int i = 0; i <= 100000; ++i) {
      searched = std::max(searched, d.Utility(value, -0.1 + 1.4 * i / 100000.0, k));
    }
    for (const OrderPiece& p : pieces) searched = std::max(searched, d.Utility(value, p.lo, k));
    EXPECT_GE(best.utility, searched - 1e-12) << "trial " << trial;
    EXPECT_LE(best.utility, searched + 1e-4) << "trial " << trial;  // the grid's resolution
  }
}

TEST(OrderDistributionTest, HandComputedUtility) {
  // Orders U[0, 1], k = 1/2, value 1, order 1/2: P(trade) = 1/2, E[o | trade] = 1/4,
  // utility = 1/2 (1 - 1/4 - 1/8) = 5/16; the best order is (2 value + 0)/3 = 2/3.
  const OrderDistribution d({{0, 1, 1}});
  EXPECT_DOUBLE_EQ(d.Utility(1, 0.5, 0.5), 5.0 / 16);
  EXPECT_NEAR(d.Best(1, 0.5).order, 2.0 / 3, 1e-15);
  // An atom at 0.4 trades when the order equals it.
  const OrderDistribution atom({{0.4, 0.4, 1}});
  EXPECT_DOUBLE_EQ(atom.Utility(1, 0.4, 0.5), 0.6);
  EXPECT_EQ(atom.Utility(1, 0.39, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(atom.Best(1, 0.5).order, 0.4);
  // Nothing to gain: the trader keeps its value as its order.
  EXPECT_EQ(atom.Best(0.3, 0.5).order, 0.3);
  EXPECT_EQ(atom.Best(0.3, 0.5).utility, 0.0);
}

}  // namespace
}  // namespace v2v::market::internal
