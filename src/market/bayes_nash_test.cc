#include "market/bayes_nash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "base/random.h"

namespace v2v::market {
namespace {

// Chatterjee and Samuelson's linear equilibrium for v, c ~ U[0,1] (as in
// mechanism_known_numbers_test.cc).
LinearStrategy ChatterjeeSamuelsonBid(double k) {
  return {k * (1 - k) / (2 * (1 + k)), 1 / (1 + k)};
}
LinearStrategy ChatterjeeSamuelsonAsk(double k) { return {(1 - k) / 2, 1 / (2 - k)}; }

// The largest difference between a solved strategy and a linear one over the grid types that
// can trade: buyers whose value reaches the lowest ask, sellers whose cost is below the highest
// bid (the other types never trade and are left truthful).
double BuyerError(const BayesNashSolution& s, const LinearStrategy& want) {
  double worst = 0;
  for (size_t i = 0; i < s.buyer.types.size(); ++i) {
    if (s.buyer.types[i] < s.seller.orders.front()) continue;
    worst = std::max(worst, std::abs(s.buyer.orders[i] - want.Bid(s.buyer.types[i])));
  }
  return worst;
}
double SellerError(const BayesNashSolution& s, const LinearStrategy& want) {
  double worst = 0;
  for (size_t i = 0; i < s.seller.types.size(); ++i) {
    if (s.seller.types[i] > s.buyer.orders.back()) continue;
    worst = std::max(worst, std::abs(s.seller.orders[i] - want.Bid(s.seller.types[i])));
  }
  return worst;
}

TEST(BayesNashTest, UniformPriorsGiveChatterjeeSamuelson) {
  const Prior u = Prior::Uniform(0, 1).value();
  for (double k : {0.25, 0.5, 0.75}) {
    const BayesNashSolution s = SolveBilateralKDoubleAuction(u, u, k).value();
    EXPECT_TRUE(s.converged) << k;
    const double eb = BuyerError(s, ChatterjeeSamuelsonBid(k));
    const double es = SellerError(s, ChatterjeeSamuelsonAsk(k));
    EXPECT_LT(eb, 1e-3) << k;
    EXPECT_LT(es, 1e-3) << k;
    EXPECT_LT(s.epsilon.Max(), 1e-9) << k;
    std::printf("k = %.2f: %d rounds, |bid - CS| %.1e, |ask - CS| %.1e, epsilon %.1e\n", k,
                s.iterations, eb, es, s.epsilon.Max());
  }
}

TEST(BayesNashTest, UnequalUniformRangesGiveTheoremOne) {
  struct Setting {
    const char* name;
    TypeRange v, c;
  };
  for (const Setting& st :
       {Setting{"paper-fig9", {0.5, 1}, {0.5, 1}}, Setting{"paper-fig4", {0.4, 1.2}, {0.2, 1.0}},
        Setting{"overlapping", {0.3, 0.9}, {0.2, 0.8}}}) {
    const Prior v = Prior::Uniform(st.v.lo, st.v.hi).value();
    const Prior c = Prior::Uniform(st.c.lo, st.c.hi).value();
    for (Start start : {Start::kTruthful, Start::kTheoremOne}) {
      const BayesNashSolution s = SolveBilateralKDoubleAuction(v, c, 0.5, {.start = start}).value();
      EXPECT_TRUE(s.converged) << st.name;
      const double eb = BuyerError(s, TheoremOneBuyerStrategy(st.v, st.c));
      const double es = SellerError(s, TheoremOneSellerStrategy(st.v, st.c));
      EXPECT_LT(eb, 1e-3) << st.name;
      EXPECT_LT(es, 1e-3) << st.name;
      std::printf("%s from %s: %d rounds, |bid - P| %.1e, |ask - R| %.1e, epsilon %.1e\n", st.name,
                  start == Start::kTruthful ? "truthful" : "Theorem 1", s.iterations, eb, es,
                  s.epsilon.Max());
    }
  }
}

TEST(BayesNashTest, TheoremOneCostsNothingUnderUniformPriors) {
  const Prior u = Prior::Uniform(0, 1).value();
  const TheoremOneDeviation d = DeviationFromTheoremOne(u, u).value();
  EXPECT_LT(d.gains.Max(), 1e-3);
  EXPECT_NEAR(d.welfare_first_best, 1.0 / 6, 1e-6);
  EXPECT_NEAR(d.welfare_theorem_one, 27.0 / 32 / 6, 1e-6);  // Chatterjee and Samuelson
  EXPECT_NEAR(d.welfare_equilibrium, d.welfare_theorem_one, 1e-6);
  EXPECT_NEAR(d.welfare_buyers_deviate, d.welfare_theorem_one, 1e-6);
}

// Buyers' values and sellers' costs both triangular on [0, 1], peaked at opposite ends: most
// buyers value energy highly and most sellers have low costs.
TEST(BayesNashTest, TheoremOneIsNoEquilibriumUnderTriangularPriors) {
  const Prior v = Prior::FromDensity(0, 1, [](double x) { return x; }).value();
  const Prior c = Prior::FromDensity(0, 1, [](double x) { return 1 - x; }).value();
  const TheoremOneDeviation d = DeviationFromTheoremOne(v, c).value();
  EXPECT_TRUE(d.equilibrium.converged);
  EXPECT_GT(d.gains.Max(), 1e-3);
  EXPECT_LT(d.equilibrium.epsilon.Max(), 1e-6);
  // Each degree of the continuation does at least as well as the one before.
  const std::vector<double>& by_degree = d.equilibrium.epsilon_by_degree;
  for (size_t i = 1; i < by_degree.size(); ++i) EXPECT_LE(by_degree[i], by_degree[i - 1]) << i;
  // E[(v - c)^+] = E[v - c] + E[(c - v)^+] = 1/3 + 1/30.
  EXPECT_NEAR(d.welfare_first_best, 11.0 / 30, 1e-6);
  EXPECT_LT(d.welfare_equilibrium, d.welfare_first_best);
  std::printf(
      "triangular: Theorem 1 gains buyer %.5f (v = %.3f) seller %.5f (c = %.3f); welfare first "
      "best %.5f, Theorem 1 %.5f, buyers deviate %.5f, sellers deviate %.5f, equilibrium %.5f "
      "(%d rounds, epsilon %.1e)\n",
      d.gains.buyer, d.gains.worst_buyer_type, d.gains.seller, d.gains.worst_seller_type,
      d.welfare_first_best, d.welfare_theorem_one, d.welfare_buyers_deviate,
      d.welfare_sellers_deviate, d.welfare_equilibrium, d.equilibrium.iterations,
      d.equilibrium.epsilon.Max());
}

// The city's ranges (sim/scenario.h's defaults: v ~ U[0.5, 1], c ~ U[0.3, 0.8]) break
// Theorem 1's condition 3 v^max + c^min <= 4 c^max: the top buyer's P(1) = 0.825 exceeds the
// highest ask R(0.8) = 0.8083, so it gains k (P(1) - R(0.8)) = 1/120 by bidding R(0.8) (it
// trades with every seller either way); symmetrically the bottom seller. Who trades does not
// change, so neither does the welfare.
TEST(BayesNashTest, TheoremOneFailsAtTheCitysRanges) {
  const TypeRange vr{0.5, 1.0}, cr{0.3, 0.8};
  const Prior v = Prior::Uniform(vr.lo, vr.hi).value();
  const Prior c = Prior::Uniform(cr.lo, cr.hi).value();
  const TheoremOneDeviation d = DeviationFromTheoremOne(v, c).value();
  const LinearStrategy p = TheoremOneBuyerStrategy(vr, cr), r = TheoremOneSellerStrategy(vr, cr);
  EXPECT_NEAR(d.gains.buyer, 0.5 * (p.Bid(1.0) - r.Bid(0.8)), 1e-12);
  EXPECT_NEAR(d.gains.seller, 0.5 * (p.Bid(0.5) - r.Bid(0.3)), 1e-12);
  EXPECT_NEAR(d.gains.buyer, 1.0 / 120, 1e-12);
  EXPECT_EQ(d.gains.worst_buyer_type, 1.0);
  EXPECT_EQ(d.gains.worst_seller_type, 0.3);
  EXPECT_NEAR(d.welfare_buyers_deviate, d.welfare_theorem_one, 1e-9);
  EXPECT_NEAR(d.welfare_sellers_deviate, d.welfare_theorem_one, 1e-9);
  EXPECT_LT(d.equilibrium.epsilon.Max(), d.gains.Max() / 10);
  std::printf(
      "city ranges: Theorem 1 gains %.5f; welfare first best %.5f, Theorem 1 %.5f, equilibrium "
      "%.5f (degree %d, %d rounds, epsilon %.1e)\n",
      d.gains.Max(), d.welfare_first_best, d.welfare_theorem_one, d.welfare_equilibrium,
      d.equilibrium.degree, d.equilibrium.iterations, d.equilibrium.epsilon.Max());
}

// The exact expected utilities against a Monte Carlo estimate (a check of how the other side's
// orders are built from the prior and the grid strategy, and of the seller's mirroring).
TEST(BayesNashTest, UtilitiesMatchMonteCarlo) {
  const Prior v = Prior::FromDensity(0.2, 1.0, [](double x) { return x * x; }).value();
  const Prior c =
      Prior::FromDensity(0.0, 0.9, [](double x) { return 1 + std::sin(6 * x); }).value();
  const GridStrategy buyer = Tabulate(v, {0.1, 0.7}, 7);
  GridStrategy seller = Tabulate(c, {0.3, 0.6}, 9);
  seller.orders[3] = seller.orders[4] = seller.orders[5];  // a flat stretch: an atom of asks
  const double k = 0.3;
  base::Rng rng(17005);
  constexpr int kDraws = 1000000;
  double bu = 0, bu2 = 0, su = 0, su2 = 0;
  const double value = 0.8, bid = 0.62, cost = 0.35, ask = 0.55;
  for (int i = 0; i < kDraws; ++i) {
    const double a = seller.Order(c.Quantile(rng.Unit()));
    const double x = a <= bid ? value - k * bid - (1 - k) * a : 0;
    const double b = buyer.Order(v.Quantile(rng.Unit()));
    const double y = b >= ask ? k * b + (1 - k) * ask - cost : 0;
    bu += x, bu2 += x * x, su += y, su2 += y * y;
  }
  bu /= kDraws, su /= kDraws;
  const double bse = std::sqrt((bu2 / kDraws - bu * bu) / kDraws);
  const double sse = std::sqrt((su2 / kDraws - su * su) / kDraws);
  EXPECT_NEAR(BuyerUtility(value, bid, c, seller, k), bu, 4 * bse);
  EXPECT_NEAR(SellerUtility(cost, ask, v, buyer, k), su, 4 * sse);
}

TEST(BayesNashTest, BadOptionsAreErrors) {
  const Prior u = Prior::Uniform(0, 1).value();
  EXPECT_FALSE(SolveBilateralKDoubleAuction(u, u, 1.5).ok());
  EXPECT_FALSE(SolveBilateralKDoubleAuction(u, u, 0.5, {.grid_points = 1}).ok());
  EXPECT_FALSE(SolveBilateralKDoubleAuction(u, u, 0.5, {.damping = 0}).ok());
  EXPECT_FALSE(SolveBilateralKDoubleAuction(u, u, 0.5, {.tolerance = 0}).ok());
  EXPECT_FALSE(SolveBilateralKDoubleAuction(u, u, 0.5, {.max_iterations = 0}).ok());
}

}  // namespace
}  // namespace v2v::market
