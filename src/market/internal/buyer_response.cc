#include "market/internal/buyer_response.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace v2v::market::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Supply of the quadratic edges at lambda, and the slope/offset of S on the piece containing
// lambda: S(l) = alpha * l + beta there.
struct Supply {
  double s, alpha, beta;
};
Supply SupplyAt(const BuyerBlock& b, double lambda) {
  Supply out{0, 0, 0};
  for (size_t e = 0; e < b.a.size(); ++e) {
    if (b.a[e] <= 0) continue;
    const double lo = b.c[e], hi = b.c[e] + 2 * b.a[e] * b.cap[e];
    if (lambda <= lo) continue;
    if (lambda >= hi) {
      out.s += b.cap[e];
      out.beta += b.cap[e];
      continue;
    }
    const double h = 1.0 / (2 * b.a[e]);
    out.s += (lambda - lo) * h;
    out.alpha += h;
    out.beta -= lo * h;
  }
  return out;
}

// Demand side D(lambda) = clamp(w / lambda + b_min - 1, b_min, b_max); for w == 0 it is a
// step at 0 (b_max below, b_min above), which the same formula gives.
double Demand(const BuyerBlock& b, double lambda) {
  if (lambda <= 0) return b.b_max;
  return std::clamp(b.w / lambda + b.b_min - 1, b.b_min, b.b_max);
}

// Root of S(l) = D(l) on the piece [lo, hi] where S = alpha l + beta.
double SolvePiece(const BuyerBlock& b, double lo, double hi, double alpha, double beta) {
  const double l_max = b.w / (b.b_max - b.b_min + 1);  // D == b_max below this
  const double l_min = b.w;                            // D == b_min above this
  double l;
  if (alpha <= 0) {
    // S is flat at beta: lambda = D^-1(beta), the marginal utility at X = beta.
    const double x = std::clamp(beta, b.b_min, b.b_max);
    l = b.w / (x - b.b_min + 1);
  } else if (hi <= l_max) {
    l = (b.b_max - beta) / alpha;
  } else if (lo >= l_min) {
    l = (b.b_min - beta) / alpha;
  } else {
    // alpha l^2 + (beta - b_min + 1) l - w = 0, the positive root, in a cancellation-free form.
    const double bp = beta - b.b_min + 1;
    const double disc = std::sqrt(bp * bp + 4 * alpha * b.w);
    l = bp >= 0 ? 2 * b.w / (bp + disc) : (disc - bp) / (2 * alpha);
  }
  return std::clamp(l, lo, hi);
}

}  // namespace

BuyerResponse SolveBuyerBlock(const BuyerBlock& b, std::span<double> x, std::span<double> scratch) {
  const size_t k = b.a.size();
  BuyerResponse r;
  // Linear edges cap lambda at their lowest price.
  double c_lin = kInf;
  size_t n = 0;
  for (size_t e = 0; e < k; ++e) {
    if (b.a[e] <= 0) {
      c_lin = std::min(c_lin, b.c[e]);
      continue;
    }
    scratch[n++] = b.c[e];
    if (std::isfinite(b.cap[e])) scratch[n++] = b.c[e] + 2 * b.a[e] * b.cap[e];
  }
  double lambda;
  double lin_total = 0;  // demand served by linear edges
  {
    scratch[n++] = b.w / (b.b_max - b.b_min + 1);
    scratch[n++] = b.w;
    std::sort(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(n));
    // phi(l) = S(l) - D(l) is non-decreasing; find the first breakpoint with phi >= 0.
    size_t lo = 0, hi = n;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (SupplyAt(b, scratch[mid]).s - Demand(b, scratch[mid]) >= 0)
        hi = mid;
      else
        lo = mid + 1;
    }
    const double right = lo < n ? scratch[lo] : kInf;
    const double left = lo == 0 ? -kInf : scratch[lo - 1];
    if (left >= c_lin) {
      lambda = c_lin;
    } else {
      const double probe = std::isfinite(right)
                               ? (std::isfinite(left) ? 0.5 * (left + right) : right - 1)
                               : left + 1;
      const Supply sp = SupplyAt(b, probe);
      if (!std::isfinite(right) && sp.alpha <= 0 && sp.beta < b.b_min) {
        // Every quadratic edge is saturated and still short of b_min: the linear edges must
        // make up the rest at their price, or the block is infeasible.
        r.feasible = std::isfinite(c_lin);
        lambda = r.feasible ? c_lin : left;
      } else {
        lambda = SolvePiece(b, std::isfinite(left) ? left : -1e300,
                            std::isfinite(right) ? right : 1e300, sp.alpha, sp.beta);
      }
      if (lambda > c_lin) lambda = c_lin;
    }
    if (lambda >= c_lin) {
      lin_total = std::max(0.0, Demand(b, c_lin) - SupplyAt(b, c_lin).s);
    }
  }
  // Edge volumes at lambda.
  double total = 0, cost = 0;
  size_t lin_edge = k;
  for (size_t e = 0; e < k; ++e) {
    double v;
    if (b.a[e] <= 0) {
      v = 0;
      if (lin_total > 0 && b.c[e] == c_lin && lin_edge == k) lin_edge = e, v = lin_total;
    } else {
      v = std::clamp((lambda - b.c[e]) / (2 * b.a[e]), 0.0, b.cap[e]);
    }
    x[e] = v;
    total += v;
    cost += b.a[e] * v * v + b.c[e] * v;
  }
  r.lambda = lambda;
  r.total = total;
  const double xs = std::max(total - b.b_min + 1, 1e-300);
  r.value = (b.w > 0 ? b.w * std::log(xs) : 0.0) - cost;
  const bool on_bound = b.w <= 0 || lambda <= b.w / (b.b_max - b.b_min + 1) || lambda >= b.w;
  r.inv_kappa = on_bound ? 0.0 : xs * xs / b.w;
  return r;
}

}  // namespace v2v::market::internal
