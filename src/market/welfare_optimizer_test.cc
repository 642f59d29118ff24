#include "market/welfare_optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace v2v::market {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double Cap(double t, double rho, double l1, double l2) {  // eq. (18)
  return rho > 0 ? std::max(0.0, (t - l2 * rho) / (2 * l1 * rho)) : kInf;
}

void ExpectFeasible(const VolumeProblem& p, const std::vector<double>& x, double tol = 1e-8) {
  std::vector<double> use(p.NumSellers(), 0.0);
  for (int i = 0; i < p.NumBuyers(); ++i) {
    double tot = 0;
    for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1]; ++e) {
      EXPECT_GE(x[e], 0.0);
      EXPECT_LE(x[e], p.edge_cap[e] + tol);
      tot += x[e];
      use[p.edge_seller[e]] += (1 + p.rho[p.edge_seller[e]]) * x[e];
    }
    EXPECT_GE(tot, p.b_min[i] - tol) << "buyer " << i;
    EXPECT_LE(tot, p.b_max[i] + tol) << "buyer " << i;
  }
  for (int j = 0; j < p.NumSellers(); ++j) EXPECT_LE(use[j], p.supply[j] + tol) << "seller " << j;
}

TEST(WelfareOptimizerTest, OnlyCapsBindGivesEquation18) {
  VolumeProblem p;
  // Caps bind when the buyer's marginal utility at the caps is above the price there:
  // small caps (large l1) and a willing buyer.
  p.l1 = 5, p.l2 = 0.1;
  const double t1 = 0.8, t2 = 0.7;
  int s1 = p.AddSeller(0.05, 1000), s2 = p.AddSeller(0.1, 1000);
  p.AddBuyer(5, 0, 1000, {{s1, Cap(t1, 0.05, p.l1, p.l2)}, {s2, Cap(t2, 0.1, p.l1, p.l2)}});
  auto sol = SolveVolumes(p);
  ASSERT_TRUE(sol.ok()) << sol.status().ToString();
  // Utility 5 ln(X+1) stays steeper than the cost slope at the caps: the caps bind.
  EXPECT_NEAR(sol->x[0], (t1 - 0.1 * 0.05) / (2 * 5 * 0.05), 1e-9);
  EXPECT_NEAR(sol->x[1], (t2 - 0.1 * 0.1) / (2 * 5 * 0.1), 1e-9);
  EXPECT_LE(sol->certificate.relative_gap, 1e-8);
}

TEST(WelfareOptimizerTest, SellerSupplyBindsAndIsPriced) {
  VolumeProblem p;
  p.l1 = 0.01, p.l2 = 0.01;
  int s = p.AddSeller(0.1, 11);  // can deliver 10 kWh
  p.AddBuyer(5, 0, 50, {{s, 100}});
  p.AddBuyer(2, 0, 50, {{s, 100}});
  auto sol = SolveVolumes(p);
  ASSERT_TRUE(sol.ok()) << sol.status().ToString();
  EXPECT_NEAR(1.1 * (sol->x[0] + sol->x[1]), 11, 1e-8);
  EXPECT_GT(sol->certificate.seller_price[0], 0);
  EXPECT_GT(sol->x[0], sol->x[1]);  // the more willing buyer gets more
  ExpectFeasible(p, sol->x);
  // KKT: both buyers' marginal utilities equal their marginal cost at the shared seller price.
  for (int i = 0; i < 2; ++i) {
    const double marginal = p.w[i] / (sol->x[i] + 1);
    const double cost =
        0.1 * (2 * 0.01 * sol->x[i] + 0.01) + 1.1 * sol->certificate.seller_price[0];
    EXPECT_NEAR(marginal, cost, 1e-5 * marginal);  // a 1e-8 gap bounds KKT residuals by ~sqrt
  }
}

TEST(WelfareOptimizerTest, EqualBoundsFixTheVolume) {
  VolumeProblem p;
  p.l1 = 0.5, p.l2 = 0.1;
  int s1 = p.AddSeller(0.05, 100), s2 = p.AddSeller(0.05, 100);
  p.AddBuyer(3, 6, 6, {{s1, 20}, {s2, 20}});
  auto sol = SolveVolumes(p);
  ASSERT_TRUE(sol.ok()) << sol.status().ToString();
  EXPECT_NEAR(sol->x[0] + sol->x[1], 6, 1e-9);
  EXPECT_NEAR(sol->x[0], 3, 1e-9);  // identical sellers share equally
}

TEST(WelfareOptimizerTest, EmptyAndEdgelessProblems) {
  VolumeProblem empty;
  empty.l1 = 1;
  auto a = SolveVolumes(empty);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->x.empty());
  VolumeProblem lonely;
  lonely.l1 = 1;
  lonely.AddSeller(0.1, 10);
  lonely.AddBuyer(3, 0, 5, {});
  auto b = SolveVolumes(lonely);
  ASSERT_TRUE(b.ok());
  EXPECT_NEAR(b->certificate.primal_objective, 0, 1e-12);
  VolumeProblem needs;
  needs.l1 = 1;
  needs.AddBuyer(3, 1, 5, {});
  EXPECT_EQ(SolveVolumes(needs).status().code(), StatusCode::kFailedPrecondition);
}

TEST(WelfareOptimizerTest, LosslessSellersHaveNoCapAndAreUsedFully) {
  VolumeProblem p;
  p.l1 = 0.5, p.l2 = 0.1;
  int s = p.AddSeller(0.0, 7);
  p.AddBuyer(2, 0, 20, {{s, kInf}});
  auto sol = SolveVolumes(p);
  ASSERT_TRUE(sol.ok()) << sol.status().ToString();
  EXPECT_NEAR(sol->x[0], 7, 1e-8);  // free energy: the buyer takes all the seller has
  EXPECT_LE(sol->certificate.relative_gap, 1e-8);
  // Mixed: a lossless and a lossy seller for two buyers.
  VolumeProblem q;
  q.l1 = 0.5, q.l2 = 0.1;
  int a = q.AddSeller(0.0, 5), b = q.AddSeller(0.1, 30);
  q.AddBuyer(4, 2, 30, {{a, kInf}, {b, Cap(0.8, 0.1, 0.5, 0.1)}});
  q.AddBuyer(1, 0, 30, {{a, kInf}, {b, Cap(0.7, 0.1, 0.5, 0.1)}});
  auto sq = SolveVolumes(q);
  ASSERT_TRUE(sq.ok()) << sq.status().ToString();
  ExpectFeasible(q, sq->x);
  EXPECT_NEAR(sq->x[0] + sq->x[2], 5, 1e-7);  // the free seller is exhausted
}

VolumeProblem RandomProblem(std::mt19937_64& rng, int nb, int ns, double lossless_share) {
  std::uniform_real_distribution<double> U(0, 1);
  VolumeProblem p;
  p.l1 = 0.2 + U(rng), p.l2 = 0.05 + 0.2 * U(rng);
  for (int j = 0; j < ns; ++j)
    p.AddSeller(U(rng) < lossless_share ? 0.0 : 0.02 + 0.2 * U(rng), 5 + 40 * U(rng));
  for (int i = 0; i < nb; ++i) {
    std::vector<std::pair<int, double>> edges;
    for (int j = 0; j < ns; ++j) {
      if (U(rng) < 0.5) edges.emplace_back(j, Cap(0.5 + 0.5 * U(rng), p.rho[j], p.l1, p.l2));
    }
    // Keep the program feasible (admission guarantees it in a round): every seller has >= 5
    // kWh and at most 7 buyers ask it for at most 0.5 kWh each.
    double cap_sum = 0;
    for (const auto& e : edges) cap_sum += e.second;
    const double b_min = U(rng) < 0.5 ? 0.0 : std::min(0.5 * U(rng), cap_sum / 2);
    p.AddBuyer(5 * U(rng), b_min, b_min + 30 * U(rng), edges);
  }
  return p;
}

// Random programs: certified, feasible, and no feasible random perturbation does better.
TEST(WelfareOptimizerTest, RandomProgramsAreSolvedToTheCertifiedTolerance) {
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> U(0, 1);
  for (int t = 0; t < 120; ++t) {
    VolumeProblem p = RandomProblem(rng, 1 + t % 7, 1 + (t / 7) % 6, t % 3 == 0 ? 0.3 : 0.0);
    auto sol = SolveVolumes(p);
    ASSERT_TRUE(sol.ok()) << "case " << t << ": " << sol.status().ToString();
    EXPECT_LE(std::abs(sol->certificate.relative_gap), 1e-8) << t;
    ExpectFeasible(p, sol->x);
    const double f = VolumeObjective(p, sol->x);
    EXPECT_NEAR(f, sol->certificate.primal_objective, 1e-9);
    for (int k = 0; k < 300; ++k) {
      std::vector<double> y = sol->x;
      for (double& v : y) v = std::max(0.0, v + 0.02 * (U(rng) - 0.5));
      // keep y feasible: clip caps, shrink over-used sellers, skip if a buyer leaves its range
      std::vector<double> use(p.NumSellers(), 0.0);
      for (int e = 0; e < p.NumEdges(); ++e) {
        y[e] = std::min(y[e], p.edge_cap[e]);
        use[p.edge_seller[e]] += (1 + p.rho[p.edge_seller[e]]) * y[e];
      }
      for (int e = 0; e < p.NumEdges(); ++e) {
        const int j = p.edge_seller[e];
        if (use[j] > p.supply[j]) y[e] *= p.supply[j] / use[j];
      }
      bool ok = true;
      for (int i = 0; i < p.NumBuyers() && ok; ++i) {
        double tot = 0;
        for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1]; ++e) tot += y[e];
        ok = tot >= p.b_min[i] && tot <= p.b_max[i];
      }
      if (ok) {
        ASSERT_LE(VolumeObjective(p, y), f + 1e-8 * std::max(1.0, std::abs(f))) << t;
      }
    }
  }
}

}  // namespace
}  // namespace v2v::market
