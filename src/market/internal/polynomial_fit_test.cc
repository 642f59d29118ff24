#include "market/internal/polynomial_fit.h"

#include <gtest/gtest.h>

#include <vector>

namespace v2v::market::internal {
namespace {

TEST(PolynomialFitTest, RecoversACubicFromTheUsedPoints) {
  std::vector<double> x, y;
  std::vector<bool> use;
  for (int i = 0; i <= 20; ++i) {
    x.push_back(2 + 0.1 * i);
    const double t = x.back();
    use.push_back(i % 3 != 0);
    // Unused points are off the cubic: the fit must ignore them.
    y.push_back(use.back() ? 1 - 2 * t + 0.5 * t * t - 0.1 * t * t * t : 100.0);
  }
  const std::vector<double> fit = FitPolynomial(x, y, use, 3, 2, 4);
  for (size_t i = 0; i < x.size(); ++i) {
    const double t = x[i];
    EXPECT_NEAR(fit[i], 1 - 2 * t + 0.5 * t * t - 0.1 * t * t * t, 1e-10) << t;
  }
}

TEST(PolynomialFitTest, LeastSquaresLineAndDegenerateCases) {
  const std::vector<double> x = {0, 1, 2}, y = {0, 2, 1};
  // The least-squares line through (0,0), (1,2), (2,1): y = 0.5 + 0.5 x.
  const std::vector<double> line = FitPolynomial(x, y, {true, true, true}, 1, 0, 2);
  EXPECT_NEAR(line[0], 0.5, 1e-12);
  EXPECT_NEAR(line[2], 1.5, 1e-12);
  // One used point: the degree drops to a constant.
  const std::vector<double> flat = FitPolynomial(x, y, {false, true, false}, 3, 0, 2);
  for (double f : flat) EXPECT_NEAR(f, 2, 1e-12);
  // None used: unchanged.
  EXPECT_EQ(FitPolynomial(x, y, {false, false, false}, 2, 0, 2), y);
}

}  // namespace
}  // namespace v2v::market::internal
