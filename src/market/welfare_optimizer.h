// The volume program of docs/model.md section 4 (paper IV.C, Theorem 2), solved exactly with a
// certificate.
//
//   maximise  sum_i w_i ln(X_i - b_i^min + 1) - sum_(i,j) rho_j (l1 x_ij^2 + l2 x_ij)
//   s.t.      b_i^min <= X_i = sum_j x_ij <= b_i^max                (buyer rows, eq. 12)
//             sum_i (1 + rho_j) x_ij <= s_j^t - s_j^r               (seller rows, eq. 13)
//             0 <= x_ij <= u_ij                                     (Theorem 2 caps)
//
// Method: dual decomposition over the one coupling constraint per seller, with the one coupling
// constraint per buyer solved exactly inside. For seller prices gamma >= 0 the Lagrangian splits
// into one small problem per buyer (internal/buyer_response.h, exact in O(k log k)); the dual
//   g(gamma) = sum_i max_{x_i} L_i(x_i, gamma) + sum_j gamma_j (s_j^t - s_j^r)
// is convex and, when every edge has rho_j > 0, continuously differentiable with a piecewise
// smooth gradient  dg/dgamma_j = supply_j - (1 + rho_j) sum_i x_ij(gamma).
// We minimise g over gamma >= 0 by a projected semismooth Newton method (Bertsekas' two-metric
// projection): the generalised Hessian is, per buyer, a diagonal minus a rank-one term over the
// edges strictly inside their bounds, so a Hessian-vector product costs O(pairs); Newton systems
// are solved by preconditioned conjugate gradients (Jacobi) and globalised by an Armijo search
// along the projection arc.
//
// Why it converges: g is convex and bounded below (the primal is feasible after admission);
// the Armijo search makes every step decrease g, and with the two-metric projection the limit
// points are stationary (Bertsekas 1982), hence optimal; near the optimum the active set is
// identified and Newton converges superlinearly (g' is strongly semismooth: piecewise linear
// per edge and smooth through the logarithm). Cost per iteration: one exact solve of every buyer
// block, O(P log k) for P pairs and k pairs per buyer, plus O(P) per CG step.
//
// Lossless sellers (rho_j = 0) make the program not strictly concave and g non-smooth. For
// them we run proximal-point outer iterations (adding delta/2 (x - x_prev)^2 on their edges),
// each solved by the Newton method above; the proximal point method converges to a maximiser of
// the original program (Rockafellar 1976).
//
// Certificate: at the final gamma we rebuild a feasible primal x (scaling down any seller that is
// over its supply by rounding), evaluate the original objective f(x) and the original dual
// g(gamma), and stop only when (g - f) / max(1, |f|) <= gap_tolerance. Every constraint's dual
// value is reported: gamma_j for sellers, lambda_i (marginal value) with mu_min_i, mu_max_i for the
// buyer rows; edge-bound multipliers follow from them (max(0, +-(lambda_i - marginal cost))).
#pragma once

#include <vector>

#include "base/result.h"

namespace v2v::market {

// Problem data in compressed rows by buyer: the edges of buyer i are
// [buyer_start[i], buyer_start[i + 1]).
struct VolumeProblem {
  double l1 = 0, l2 = 0;
  std::vector<double> w, b_min, b_max;  // per buyer
  std::vector<double> rho, supply;      // per seller; supply = s_t - s_r (kWh)
  std::vector<int> buyer_start{0};      // size buyers + 1
  std::vector<int> edge_seller;         // per edge
  std::vector<double> edge_cap;         // per edge; +inf only when its seller's rho == 0

  int NumBuyers() const { return static_cast<int>(w.size()); }
  int NumSellers() const { return static_cast<int>(rho.size()); }
  int NumEdges() const { return static_cast<int>(edge_seller.size()); }
  // Appends a buyer and its edges (seller index, cap).
  void AddBuyer(double w_i, double b_min_i, double b_max_i,
                const std::vector<std::pair<int, double>>& edges);
  int AddSeller(double rho_j, double supply_j);
};

struct VolumeCertificate {
  std::vector<double> seller_price;  // gamma_j >= 0, dual of the seller row
  std::vector<double> buyer_price;   // lambda_i, dual of X_i = sum_j x_ij
  std::vector<double> mu_min;        // dual of X_i >= b_min (>= 0)
  std::vector<double> mu_max;        // dual of X_i <= b_max (>= 0)
  double primal_objective = 0;       // f(x) of the returned x
  double dual_objective = 0;         // g(gamma), an upper bound on the optimum
  double relative_gap = 0;           // (dual - primal) / max(1, |primal|)
  double max_violation_kwh = 0;      // largest constraint violation of the returned x
};

struct VolumeSolution {
  std::vector<double> x;  // per edge, kWh
  VolumeCertificate certificate;
  int newton_iterations = 0;
  int cg_iterations = 0;
  int proximal_rounds = 0;
};

struct OptimizerOptions {
  double gap_tolerance = 1e-8;
  int max_newton_iterations = 500;
  int max_cg_iterations = 250;
};

// REQUIRES: the program is feasible (every buyer's b_min reachable together; see admission.h),
// l1 > 0, caps >= 0. Returns FailedPrecondition if a buyer's edges cannot carry its b_min, and
// Internal if the certificate does not reach the tolerance within the iteration limit.
Result<VolumeSolution> SolveVolumes(const VolumeProblem& problem,
                                    const OptimizerOptions& options = {});

// The original objective at x (ignores feasibility); for tests and benchmarks.
double VolumeObjective(const VolumeProblem& problem, const std::vector<double>& x);

}  // namespace v2v::market
