// Admission of buyers when their minimum demands cannot all be met (docs/model.md
// section 4.2).
//
// Buyers are considered in the given priority order (the round uses decreasing v_i, ties by
// id). A buyer is admitted if its b_min can be met together with the b_min of every buyer
// admitted before it; otherwise it is unserved and takes nothing, so it costs nobody else their
// place. "Can be met" is the feasibility of a generalised flow:
//
//   exists x: 0 <= x_e <= cap_e,  sum_{e in i} x_e >= b_min_i + margin (admitted i),
//             sum_{e in j} (1 + rho_j) x_e <= supply_j                    (every seller j)
//
// decided by (1) a per-buyer bound (its pairs alone cannot carry b_min: unserved at once),
// (2) a greedy assignment that proves feasibility cheaply in the common case, and (3) otherwise
// GLPK's simplex method, re-solved from the previous basis as each buyer's row is added.
// `margin` (kAdmissionMarginKwh) keeps the admitted set strictly feasible, so the optimiser never
// works on a program that is feasible only within a solver's tolerance.
#pragma once

#include <vector>

#include "base/result.h"
#include "market/welfare_optimizer.h"

namespace v2v::market {

inline constexpr double kAdmissionMarginKwh = 1e-6;

struct Admission {
  std::vector<char> admitted;  // per buyer of the problem
  int lp_solves = 0;           // how many times the LP was solved (0 when greedy sufficed)
};

// REQUIRES: priority is a permutation of the problem's buyer indices.
Result<Admission> AdmitBuyers(const VolumeProblem& problem, const std::vector<int>& priority);

}  // namespace v2v::market
