// FirstBestMatching against brute force on small random instances and against the ranked first
// best (FirstBestSurplus) when every pair may trade.
#include "market/first_best_matching.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "market/mechanism.h"

namespace v2v::market {
namespace {

// An integer in [lo, hi) drawn at full size: rapidcheck scales inRange with the test's size,
// which starts at 0, and small instances rarely need a matched buyer to move.
int Draw(int lo, int hi) { return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(lo, hi)); }

// Prices on a grid of 1/20 in [0, 1], so that ties between pairs are common.
std::vector<double> GenPrices(int n) {
  std::vector<double> p;
  for (int i = 0; i < n; ++i) p.push_back(Draw(0, 21) / 20.0);
  return p;
}

// The best surplus of any matching of buyers i.. onto the sellers not yet used, by enumeration.
double BruteForce(const std::vector<double>& v, const std::vector<double>& c,
                  const std::vector<std::vector<bool>>& ok, size_t i, std::vector<bool>& used) {
  if (i == v.size()) return 0;
  double best = BruteForce(v, c, ok, i + 1, used);  // buyer i does not trade
  for (size_t j = 0; j < c.size(); ++j) {
    if (used[j] || !ok[i][j] || v[i] < c[j]) continue;
    used[j] = true;
    best = std::max(best, v[i] - c[j] + BruteForce(v, c, ok, i + 1, used));
    used[j] = false;
  }
  return best;
}

// A matching uses allowed pairs with v >= c, each trader once, sorted by buyer, and its surplus
// is the sum over its pairs.
void CheckMatching(const UnitMatching& m, const std::vector<double>& v,
                   const std::vector<double>& c, const std::vector<UnitPair>& allowed) {
  std::vector<bool> seller_used(c.size(), false);
  double sum = 0;
  for (size_t k = 0; k < m.pairs.size(); ++k) {
    const UnitPair& p = m.pairs[k];
    RC_ASSERT(std::find(allowed.begin(), allowed.end(), p) != allowed.end());
    if (k > 0) RC_ASSERT(m.pairs[k - 1].buyer < p.buyer);
    RC_ASSERT(!seller_used[static_cast<size_t>(p.seller)]);
    seller_used[static_cast<size_t>(p.seller)] = true;
    const double gain = v[static_cast<size_t>(p.buyer)] - c[static_cast<size_t>(p.seller)];
    RC_ASSERT(gain >= 0.0);
    sum += gain;
  }
  RC_ASSERT(std::abs(sum - m.surplus) <= 1e-12);
}

// One random instance: up to 5 buyers and 5 sellers, each pair allowed with probability 1/2.
void CheckAgainstBruteForce() {
  const int nb = Draw(0, 6), ns = Draw(0, 6);
  const std::vector<double> v = GenPrices(nb), c = GenPrices(ns);
  std::vector<std::vector<bool>> ok(static_cast<size_t>(nb),
                                    std::vector<bool>(static_cast<size_t>(ns), false));
  std::vector<UnitPair> allowed;
  for (int i = 0; i < nb; ++i) {
    for (int j = 0; j < ns; ++j) {
      if (Draw(0, 2) == 0) continue;
      ok[static_cast<size_t>(i)][static_cast<size_t>(j)] = true;
      allowed.push_back({i, j});
      if (Draw(0, 8) == 0) allowed.push_back({i, j});  // a pair listed twice
    }
  }
  std::vector<bool> used(static_cast<size_t>(ns), false);
  const double best = BruteForce(v, c, ok, 0, used);
  const UnitMatching m = FirstBestMatching(v, c, allowed);
  RC_ASSERT(std::abs(m.surplus - best) <= 1e-9);
  CheckMatching(m, v, c, allowed);
}

// Ten instances a case: those where a matched buyer must move to another seller are a few
// percent of the random ones.
RC_GTEST_PROP(FirstBestMatchingProperty, EqualsBruteForceOnSmallInstances, ()) {
  for (int k = 0; k < 10; ++k) CheckAgainstBruteForce();
}

RC_GTEST_PROP(FirstBestMatchingProperty, EqualsTheRankedFirstBestWhenEveryPairMayTrade, ()) {
  const int nb = Draw(0, 31), ns = Draw(0, 31);
  const std::vector<double> v = GenPrices(nb), c = GenPrices(ns);
  std::vector<UnitPair> all;
  for (int i = 0; i < nb; ++i) {
    for (int j = 0; j < ns; ++j) all.push_back({i, j});
  }
  const UnitMatching m = FirstBestMatching(v, c, all);
  RC_ASSERT(std::abs(m.surplus - FirstBestSurplus(v, c)) <= 1e-9);
  CheckMatching(m, v, c, all);
}

// Buyer 0 (1.0) may trade with both sellers, buyer 1 (0.9) with seller 0 only. Taking the best
// pair first (buyer 0 with seller 0, 1.0) leaves buyer 1 out; the optimum moves buyer 0 to seller
// 1: 0.5 + 0.9. When seller 1 is out of reach too, the best is 1.0, below the pooled 1.4.
TEST(FirstBestMatchingTest, ReroutesAMatchedBuyerAndStaysBelowThePooledFirstBest) {
  const std::vector<double> v = {1.0, 0.9}, c = {0.0, 0.5};
  const UnitMatching m = FirstBestMatching(v, c, std::vector<UnitPair>{{0, 0}, {0, 1}, {1, 0}});
  EXPECT_NEAR(m.surplus, 1.4, 1e-12);
  EXPECT_EQ(m.pairs, (std::vector<UnitPair>{{0, 1}, {1, 0}}));
  EXPECT_NEAR(FirstBestSurplus(v, c), 1.4, 1e-12);
  const UnitMatching near = FirstBestMatching(v, c, std::vector<UnitPair>{{0, 0}, {1, 0}});
  EXPECT_NEAR(near.surplus, 1.0, 1e-12);
  EXPECT_EQ(near.pairs, (std::vector<UnitPair>{{0, 0}}));
}

TEST(FirstBestMatchingTest, NoPairNoGainNoTrade) {
  const std::vector<double> v = {0.4, 0.9}, c = {0.5, 0.95};
  EXPECT_EQ(FirstBestMatching(v, c, {}).surplus, 0.0);
  // Every allowed pair loses: nothing trades.
  const UnitMatching m = FirstBestMatching(v, c, std::vector<UnitPair>{{0, 0}, {1, 1}});
  EXPECT_EQ(m.surplus, 0.0);
  EXPECT_TRUE(m.pairs.empty());
  EXPECT_EQ(FirstBestMatching({}, c, {}).surplus, 0.0);
}

}  // namespace
}  // namespace v2v::market
