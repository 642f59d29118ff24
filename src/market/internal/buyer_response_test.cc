#include "market/internal/buyer_response.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace v2v::market::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Case {
  double w, b_min, b_max;
  std::vector<double> a, c, cap;
};

BuyerResponse Solve(const Case& k, std::vector<double>& x) {
  x.assign(k.a.size(), 0.0);
  std::vector<double> scratch(2 * k.a.size() + 2);
  return SolveBuyerBlock({k.w, k.b_min, k.b_max, k.a, k.c, k.cap}, x, scratch);
}

double Value(const Case& k, const std::vector<double>& x) {
  double tot = 0, f = 0;
  for (size_t e = 0; e < x.size(); ++e) tot += x[e], f -= k.a[e] * x[e] * x[e] + k.c[e] * x[e];
  return f + (k.w > 0 ? k.w * std::log(tot - k.b_min + 1) : 0);
}

TEST(BuyerResponseTest, SingleEdgeInteriorSolution) {
  // max 2 ln(x + 1) - (0.5 x^2 + 0.5 x): 2/(x+1) = x + 0.5 -> x = (-1.5 + sqrt(2.25 + 6))/2
  Case k{2, 0, 100, {0.5}, {0.5}, {kInf}};
  std::vector<double> x;
  BuyerResponse r = Solve(k, x);
  EXPECT_NEAR(x[0], (-1.5 + std::sqrt(8.25)) / 2, 1e-12);
  EXPECT_NEAR(r.lambda, 2 / (x[0] + 1), 1e-12);
  EXPECT_NEAR(r.value, Value(k, x), 1e-12);
}

TEST(BuyerResponseTest, CapsAndBoundsBind) {
  Case k{5, 0, 100, {0.01, 0.01}, {0.1, 0.2}, {3, 4}};  // wants far more than the caps
  std::vector<double> x;
  BuyerResponse r = Solve(k, x);
  EXPECT_DOUBLE_EQ(x[0], 3);
  EXPECT_DOUBLE_EQ(x[1], 4);
  EXPECT_TRUE(r.feasible);
  Case fixed{5, 2, 2, {0.01, 0.01}, {0.1, 0.2}, {3, 4}};  // equal bounds fix X = 2
  Solve(fixed, x);
  EXPECT_NEAR(x[0] + x[1], 2, 1e-12);
  Case infeasible{5, 8, 9, {0.01, 0.01}, {0.1, 0.2}, {3, 4}};
  EXPECT_FALSE(Solve(infeasible, x).feasible);
}

TEST(BuyerResponseTest, LinearEdgeAbsorbsDemandAtItsPrice) {
  Case k{3, 0, 10, {0.5, 0}, {0.1, 0.4}, {kInf, kInf}};
  std::vector<double> x;
  BuyerResponse r = Solve(k, x);
  // lambda is capped at 0.4: quadratic edge gives (0.4-0.1)/1 = 0.3, X = 3/0.4 - 1 = 6.5.
  EXPECT_DOUBLE_EQ(r.lambda, 0.4);
  EXPECT_NEAR(x[0], 0.3, 1e-12);
  EXPECT_NEAR(x[0] + x[1], 6.5, 1e-12);
}

TEST(BuyerResponseTest, ZeroWillingnessBuysTheMinimum) {
  Case k{0, 2, 10, {0.5, 0.5}, {0.1, 0.3}, {kInf, kInf}};
  std::vector<double> x;
  Solve(k, x);
  EXPECT_NEAR(x[0] + x[1], 2, 1e-12);
  EXPECT_GT(x[0], x[1]);
}

// Random blocks: no feasible random perturbation improves the returned value.
TEST(BuyerResponseTest, NoFeasiblePerturbationImproves) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> U(0, 1);
  for (int t = 0; t < 300; ++t) {
    const int k = 1 + static_cast<int>(U(rng) * 6);
    Case cs{5 * U(rng), 0, 0, {}, {}, {}};
    cs.b_min = U(rng) < 0.3 ? 0 : 3 * U(rng);
    cs.b_max = cs.b_min + (U(rng) < 0.2 ? 0 : 10 * U(rng));
    double capsum = 0;
    for (int e = 0; e < k; ++e) {
      cs.a.push_back(0.01 + U(rng));
      cs.c.push_back(2 * U(rng) - 0.3);
      cs.cap.push_back(U(rng) < 0.2 ? kInf : 0.5 + 4 * U(rng));
      capsum += cs.cap.back();
    }
    if (capsum < cs.b_min) continue;
    std::vector<double> x;
    BuyerResponse r = Solve(cs, x);
    ASSERT_TRUE(r.feasible);
    double tot = 0;
    for (double v : x) tot += v;
    ASSERT_GE(tot, cs.b_min - 1e-9);
    ASSERT_LE(tot, cs.b_max + 1e-9);
    const double best = Value(cs, x);
    for (int p = 0; p < 2000; ++p) {
      std::vector<double> y = x;
      for (int e = 0; e < k; ++e) y[e] = std::clamp(y[e] + 0.05 * (U(rng) - 0.5), 0.0, cs.cap[e]);
      double ty = 0;
      for (double v : y) ty += v;
      if (ty < cs.b_min || ty > cs.b_max) continue;
      ASSERT_LE(Value(cs, y), best + 1e-10) << "case " << t;
    }
  }
}

}  // namespace
}  // namespace v2v::market::internal
