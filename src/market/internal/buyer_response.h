// The buyer block of the volume program, solved exactly (internal to market/).
//
// Given a linear price c_e on each of a buyer's edges, the buyer's part of the Lagrangian is
//
//   max  w ln(X - b_min + 1) - sum_e (a_e x_e^2 + c_e x_e)
//   s.t. b_min <= X = sum_e x_e <= b_max,  0 <= x_e <= cap_e
//
// Its stationarity condition has one scalar unknown, the buyer's marginal value lambda:
//   x_e(lambda) = clamp((lambda - c_e) / (2 a_e), 0, cap_e)            (a_e > 0)
//   X = clamp(w / lambda + b_min - 1, b_min, b_max)                     (w > 0)
// S(lambda) = sum_e x_e(lambda) is piecewise linear and non-decreasing, the demand side is
// non-increasing, so the root is found exactly: sort the breakpoints, binary-search the piece
// where S - D changes sign, and solve the linear or quadratic equation on that piece.
// Cost: O(k log k) for k edges. Edges with a_e == 0 (lossless sellers in the original program)
// are linear: they cap lambda at their lowest price and absorb the rest of the demand.
#pragma once

#include <span>

namespace v2v::market::internal {

struct BuyerBlock {
  double w, b_min, b_max;
  std::span<const double> a;    // quadratic coefficient per edge (>= 0)
  std::span<const double> c;    // linear price per edge
  std::span<const double> cap;  // upper bound per edge (may be +inf)
};

struct BuyerResponse {
  bool feasible = true;  // false iff the edges cannot carry b_min
  double lambda = 0;     // the buyer's marginal value (dual of X = sum x)
  double total = 0;      // X
  double value = 0;      // w ln(X - b_min + 1) - sum (a x^2 + c x)
  // Curvature data for the dual Hessian: 1/kappa = -1/U''(X) (0 when X sits on a bound).
  double inv_kappa = 0;
};

// Writes x_e into `x` (same length as the edges). `scratch` must hold 2k + 2 doubles.
BuyerResponse SolveBuyerBlock(const BuyerBlock& block, std::span<double> x,
                              std::span<double> scratch);

}  // namespace v2v::market::internal
