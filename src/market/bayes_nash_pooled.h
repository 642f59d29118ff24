// Bayes-Nash equilibrium of the pooled k-double auction with n buyers and n sellers (issue 17,
// item 3, the many-trader part; docs/mechanisms.md). Experimental: see the limits there.
//
// The game: n buyers with values i.i.d. ~ `values`, n sellers with costs i.i.d. ~ `costs`; the
// market clears as NewKDoubleAuction(k) does (mechanism.h): bids ranked from highest, asks from
// lowest, the q efficient pairs trade, all at k b_q + (1 - k) a_q. Symmetric strategies: every
// buyer bids B(v), every seller asks A(c).
//
// Unlike the bilateral game (bayes_nash.h) the expected utility has no closed form here; it is
// estimated on `markets` Monte Carlo draws of the other 2n - 1 traders' types, drawn once
// (common random numbers: every round, every type and every candidate order meet the same
// others). A type's best response is the best of `candidates` orders: its own type shaded by
// 0 to max_shading (a buyer bids below its value, a seller asks above its cost; shading the
// other way never pays). The best responses of the types that trade are fitted by a polynomial
// of the type of degree `degree` (as in bayes_nash.h), damped, buyers then sellers. Because
// each best response is a maximum over noisy estimates, the rounds do not settle (orders still
// move by 1e-3 to 1e-2 a round with the defaults): the solution is the average of the strategies
// of the last half of the rounds (or of the rounds after none moved by more than the
// tolerance). Everything carries Monte Carlo error: epsilon is the largest gain over the
// candidates on the draws themselves, and the shading is read at the median type (on uniform
// priors on the same range, the price level where the market clears).
#pragma once

#include <cstdint>

#include "base/result.h"
#include "market/bayes_nash.h"
#include "market/prior.h"

namespace v2v::market {

struct PooledOptions {
  int markets = 3000;        // Monte Carlo draws of the others
  int grid_points = 11;      // types per side
  int candidates = 41;       // orders tried per type
  double max_shading = 0.3;  // the largest shading tried, as a share of the prior's range
  int max_iterations = 40;   // rounds; the solution averages the last half of them
  double tolerance = 1e-9;   // or stops early when no order moves by more in a round
  double damping = 0.3;
  int degree = 2;
  uint64_t seed = 17;
};

struct PooledSolution {
  GridStrategy buyer, seller;
  int iterations = 0;
  bool converged = false;
  double last_change = 0;
  DeviationGains epsilon;     // estimated on the draws
  double buyer_shading = 0;   // |v - B(v)| at the median value
  double seller_shading = 0;  // |A(c) - c| at the median cost
};

// Errors: n < 1, k outside [0, 1], markets < 1, grid_points < 2, candidates < 2, max_shading
// not positive, max_iterations < 1, damping outside (0, 1], degree < 1.
Result<PooledSolution> SolveSymmetricKDoubleAuction(const Prior& values, const Prior& costs,
                                                    double k, int n,
                                                    const PooledOptions& options = {});

}  // namespace v2v::market
