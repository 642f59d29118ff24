#include "market/internal/polynomial_fit.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace v2v::market::internal {
namespace {

// P_0(z) .. P_degree(z) by Bonnet's recurrence.
std::vector<double> Legendre(double z, int degree) {
  std::vector<double> p(degree + 1);
  p[0] = 1;
  if (degree >= 1) p[1] = z;
  for (int n = 1; n < degree; ++n) p[n + 1] = ((2 * n + 1) * z * p[n] - n * p[n - 1]) / (n + 1);
  return p;
}

// Solves a x = b for a small dense symmetric positive definite a (Gaussian elimination with
// partial pivoting); a and b are overwritten, b holds x.
void Solve(std::vector<std::vector<double>>& a, std::vector<double>& b) {
  const size_t n = b.size();
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    }
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    for (size_t r = col + 1; r < n; ++r) {
      const double f = a[r][col] / a[col][col];
      for (size_t c = col; c < n; ++c) a[r][c] -= f * a[col][c];
      b[r] -= f * b[col];
    }
  }
  for (size_t r = n; r-- > 0;) {
    for (size_t c = r + 1; c < n; ++c) b[r] -= a[r][c] * b[c];
    b[r] /= a[r][r];
  }
}

}  // namespace

std::vector<double> FitPolynomial(std::span<const double> x, std::span<const double> y,
                                  const std::vector<bool>& use, int degree, double lo, double hi) {
  const int used = static_cast<int>(std::count(use.begin(), use.end(), true));
  if (used == 0) return {y.begin(), y.end()};
  degree = std::min(degree, used - 1);
  auto z = [&](double t) { return 2 * (t - lo) / (hi - lo) - 1; };
  const size_t m = degree + 1;
  std::vector<std::vector<double>> normal(m, std::vector<double>(m, 0.0));
  std::vector<double> rhs(m, 0.0);
  for (size_t i = 0; i < x.size(); ++i) {
    if (!use[i]) continue;
    const std::vector<double> p = Legendre(z(x[i]), degree);
    for (size_t r = 0; r < m; ++r) {
      rhs[r] += p[r] * y[i];
      for (size_t c = 0; c < m; ++c) normal[r][c] += p[r] * p[c];
    }
  }
  Solve(normal, rhs);
  std::vector<double> fitted(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const std::vector<double> p = Legendre(z(x[i]), degree);
    double sum = 0;
    for (size_t r = 0; r < m; ++r) sum += rhs[r] * p[r];
    fitted[i] = sum;
  }
  return fitted;
}

}  // namespace v2v::market::internal
