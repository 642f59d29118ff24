// Least-squares polynomial fit (internal to market/, for the Bayes-Nash solver's projection of
// best responses onto smooth strategies).
#pragma once

#include <span>
#include <vector>

namespace v2v::market::internal {

// The polynomial of degree at most `degree` that fits the points (x[i], y[i]) with use[i] in
// least squares, evaluated at every x[i] (used or not). The basis is the Legendre polynomials
// of z = 2 (x - lo)/(hi - lo) - 1, so the normal equations stay well conditioned on [lo, hi].
// With fewer used points than degree + 1 the degree drops to fit them; with none, y is
// returned as it is. REQUIRES: x, y, use of equal sizes; degree >= 0; lo < hi.
std::vector<double> FitPolynomial(std::span<const double> x, std::span<const double> y,
                                  const std::vector<bool>& use, int degree, double lo, double hi);

}  // namespace v2v::market::internal
