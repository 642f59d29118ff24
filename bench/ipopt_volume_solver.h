// Reference solver for benchmarks: the volume program of docs/model.md section 4
// (market::VolumeProblem) handed to Ipopt through its C++ TNLP interface, with exact first and
// second derivatives.
//
//   variables    x_e in [0, cap_e]                      (cap = +inf -> Ipopt's infinity, 2e19)
//   constraints  b_min_i <= sum_{e of i} x_e <= b_max_i  (buyers that have edges)
//                sum_{e of j} (1 + rho_j) x_e <= supply_j (sellers that have edges)
//   objective    minimise -(sum_i w_i ln(X_i - b_min_i + 1) - sum_e rho_e (l1 x_e^2 + l2 x_e))
//
// Ipopt may evaluate the objective at points where a buyer's row is violated (only the bounds of
// x are kept strictly feasible), so below t = X - b_min + 1 = 1/2 the logarithm is continued by
// its second-order Taylor polynomial at 1/2 (concave, twice differentiable). Feasible points have
// t >= 1, so the program and its maximiser are unchanged.
//
// The Ipopt headers are included only by the .cc file.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "market/welfare_optimizer.h"

namespace v2v::bench {

struct IpoptVolumeOptions {
  double tol = 1e-10;
  double max_cpu_time_s = 300;
  int print_level = 0;
};

struct IpoptVolumeResult {
  std::vector<double> x;         // per edge, kWh
  double objective = 0;          // market::VolumeObjective at x (the maximised value)
  double max_violation_kwh = 0;  // largest violation of a buyer or seller row at x
  int iterations = 0;
  int status_code = 0;  // Ipopt::ApplicationReturnStatus
  std::string status;   // e.g. "Solve_Succeeded"
  bool solved = false;  // Solve_Succeeded or Solved_To_Acceptable_Level
  double wall_s = 0;    // Initialize + OptimizeTNLP
};

// Returns Internal if Ipopt cannot be set up (e.g. an option is rejected). A run that stops
// without an optimum (time limit, iteration limit, ...) is returned with solved == false.
Result<IpoptVolumeResult> SolveVolumesWithIpopt(const market::VolumeProblem& problem,
                                                const IpoptVolumeOptions& options = {});

}  // namespace v2v::bench
