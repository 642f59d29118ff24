#include "market/prior.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "base/random.h"

namespace v2v::market {
namespace {

TEST(PriorTest, UniformHasTheClosedForms) {
  const Prior p = Prior::Uniform(0.5, 1.0).value();
  EXPECT_EQ(p.lo(), 0.5);
  EXPECT_EQ(p.hi(), 1.0);
  EXPECT_DOUBLE_EQ(p.Cdf(0.6), 0.2);
  EXPECT_EQ(p.Cdf(0.2), 0.0);
  EXPECT_EQ(p.Cdf(3.0), 1.0);
  EXPECT_DOUBLE_EQ(p.Quantile(0.2), 0.6);
  // E[v 1{v <= 0.75}] = 0.5 * 0.625 for v ~ U[0.5, 1].
  EXPECT_DOUBLE_EQ(p.PartialMean(0.75), 0.5 * 0.625);
  EXPECT_DOUBLE_EQ(p.Mean(), 0.75);
}

TEST(PriorTest, TabulatedTriangularDensity) {
  // f(x) = x on [0, 2] (not normalised): F(x) = x^2 / 4, mean 4/3.
  const Prior p = Prior::FromDensity(
                      0, 2, [](double x) { return x; }, 1000)
                      .value();
  for (double x : {0.1, 0.5, 1.0, 1.7}) {
    EXPECT_NEAR(p.Cdf(x), x * x / 4, 1e-6) << x;
    EXPECT_NEAR(p.Quantile(x * x / 4), x, 1e-5) << x;
    EXPECT_NEAR(p.PartialMean(x), x * x * x / 6, 1e-6) << x;
  }
  EXPECT_NEAR(p.Mean(), 4.0 / 3, 1e-6);
}

TEST(PriorTest, DensityWithAGapHasAFlatCdf) {
  const Prior p = Prior::FromDensity(
                      0, 1, [](double x) { return std::abs(x - 0.5) < 0.2 ? 0.0 : 1.0; }, 100)
                      .value();
  EXPECT_NEAR(p.Cdf(0.4), p.Cdf(0.6), 1e-12);
  EXPECT_LE(p.Quantile(0.5), 0.31);  // the smallest point with half the mass below it
}

TEST(PriorTest, SamplesGiveTheEmpiricalDistribution) {
  base::Rng rng(17003);
  std::vector<double> draws(100000);
  for (double& x : draws) x = rng.Uniform(0.3, 0.8);
  const Prior p = Prior::FromSamples(draws, 400).value();
  EXPECT_GE(p.lo(), 0.3);
  EXPECT_LE(p.hi(), 0.8);
  // The empirical CDF of 100,000 draws is within 4 standard errors (sd <= 0.0016) of the truth.
  for (double x : {0.35, 0.5, 0.55, 0.7}) EXPECT_NEAR(p.Cdf(x), (x - 0.3) / 0.5, 0.0064) << x;
  EXPECT_NEAR(p.Mean(), 0.55, 0.002);
  for (double u : {0.1, 0.5, 0.9}) EXPECT_NEAR(p.Cdf(p.Quantile(u)), u, 1e-12) << u;
}

TEST(PriorTest, TiedSamplesAreMerged) {
  const std::vector<double> draws = {1, 1, 1, 1, 2, 3};
  const Prior p = Prior::FromSamples(draws, 5).value();
  EXPECT_EQ(p.lo(), 1);
  EXPECT_EQ(p.hi(), 3);
  for (size_t i = 1; i < p.knots().size(); ++i) EXPECT_LT(p.knots()[i - 1], p.knots()[i]);
  EXPECT_NEAR(p.Mean(), 1.5, 0.5);  // smoothed, so not exactly the sample mean 1.5
}

TEST(PriorTest, BadInputsAreErrors) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(Prior::Uniform(1, 1).ok());
  EXPECT_FALSE(Prior::Uniform(nan, 1).ok());
  EXPECT_FALSE(Prior::FromDensity(0, 1, [](double) { return -1.0; }).ok());
  EXPECT_FALSE(Prior::FromDensity(0, 1, [](double) { return 0.0; }).ok());
  EXPECT_FALSE(Prior::FromDensity(
                   0, 1, [](double) { return 1.0; }, 0)
                   .ok());
  const std::vector<double> one = {0.5}, same = {0.5, 0.5}, bad = {0.1, nan};
  EXPECT_FALSE(Prior::FromSamples(one).ok());
  EXPECT_FALSE(Prior::FromSamples(same).ok());
  EXPECT_FALSE(Prior::FromSamples(bad).ok());
}

}  // namespace
}  // namespace v2v::market
