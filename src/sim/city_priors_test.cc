#include "sim/city_priors.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "market/bayes_nash.h"

namespace v2v::sim {
namespace {

TEST(CityPriorsTest, DrawsStayInTheScenariosRanges) {
  const Scenario s;
  const CityValuations d = DrawCityValuations(s, 17, 1000);
  ASSERT_EQ(d.values.size(), 1000u);
  for (double v : d.values) {
    EXPECT_GE(v, s.buyer_value_min_per_kwh);
    EXPECT_LE(v, s.buyer_value_max_per_kwh);
  }
  for (double c : d.costs) {
    EXPECT_GE(c, s.seller_cost_min_per_kwh);
    EXPECT_LE(c, s.seller_cost_max_per_kwh);
  }
  EXPECT_EQ(DrawCityValuations(s, 17, 10).values, DrawCityValuations(s, 17, 10).values);
}

// The default city's ranges break Theorem 1's condition (3 v^max + c^min > 4 c^max): the top
// buyer and the bottom seller gain 1/120 per kWh by deviating (market/bayes_nash_test.cc
// derives it for the exact uniforms); on 20,000 draws of each the empirical priors give the
// same to sampling error, and the welfare is unchanged by the deviations.
TEST(CityPriorsTest, TheoremOneUnderTheDefaultCitysEmpiricalPriors) {
  const CityPriors p = MakeCityPriors(Scenario{}, 20260317).value();
  market::SolverOptions options;
  options.max_degree = 2;
  options.max_iterations = 100;
  const market::TheoremOneDeviation d =
      market::DeviationFromTheoremOne(p.values, p.costs, options).value();
  EXPECT_NEAR(d.gains.buyer, 1.0 / 120, 2e-4);
  EXPECT_NEAR(d.gains.seller, 1.0 / 120, 2e-4);
  EXPECT_NEAR(d.welfare_buyers_deviate, d.welfare_theorem_one, 2e-4);
  EXPECT_LT(d.equilibrium.epsilon.Max(), d.gains.Max() / 10);
  EXPECT_LT(d.welfare_theorem_one, d.welfare_first_best);
  std::printf(
      "default city, empirical priors: Theorem 1 gains buyer %.5f seller %.5f; welfare first "
      "best %.5f, Theorem 1 %.5f, buyers deviate %.5f, sellers deviate %.5f, equilibrium %.5f "
      "(degree %d, %d rounds, epsilon %.1e)\n",
      d.gains.buyer, d.gains.seller, d.welfare_first_best, d.welfare_theorem_one,
      d.welfare_buyers_deviate, d.welfare_sellers_deviate, d.welfare_equilibrium,
      d.equilibrium.degree, d.equilibrium.iterations, d.equilibrium.epsilon.Max());
}

}  // namespace
}  // namespace v2v::sim
