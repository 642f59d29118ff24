// Bayes-Nash equilibrium of the bilateral k-double auction under any independent priors
// (issue 17, "Equilibrium under any prior"; docs/mechanisms.md).
//
// The game: one buyer of value v ~ `values`, one seller of cost c ~ `costs`, independent, each
// knowing its own type and both priors. The buyer bids b, the seller asks a; they trade iff
// b >= a, at k b + (1 - k) a. The paper's scheme is k = 1/2 (Theorem 1). Utilities:
//   buyer  E_c[(v - k b - (1 - k) A(c)) 1{A(c) <= b}],
//   seller E_v[(k B(v) + (1 - k) a - c) 1{B(v) >= a}].
//
// A strategy is tabulated on an evenly spaced grid of types over the prior's support and linear
// in between (GridStrategy). Against such a strategy the other side's order is a mixture of
// uniform pieces, so every expected utility below is computed exactly (no sampling, no
// quadrature) and each type's best response is found exactly (internal/order_distribution.h).
//
// The game has a continuum of equilibria (Satterthwaite and Williams 1989); which one the solver
// returns is stated at SolveBilateralKDoubleAuction. Orders are only determined for the types
// that can trade: in BestBids and BestAsks a type that cannot gain from any order keeps the
// truthful order (bid v, ask c), which never trades at a loss; in the solver such types
// continue the fitted polynomial.
#pragma once

#include <vector>

#include "base/result.h"
#include "market/equilibrium.h"
#include "market/prior.h"

namespace v2v::market {

struct GridStrategy {
  std::vector<double> types;   // increasing
  std::vector<double> orders;  // the bid (or ask) of each type, non-decreasing
  // Linear between grid types, constant beyond the ends.
  double Order(double type) const;
};

// `points` evenly spaced types over [prior.lo(), prior.hi()] (ends included), each with the
// order of `strategy`. REQUIRES: points >= 2.
GridStrategy Tabulate(const Prior& prior, const LinearStrategy& strategy, int points);
GridStrategy Truthful(const Prior& prior, int points);

// Expected utility of a buyer of value `v` bidding `bid` against `seller` with costs ~ `costs`.
double BuyerUtility(double v, double bid, const Prior& costs, const GridStrategy& seller, double k);
// Expected utility of a seller of cost `c` asking `ask` against `buyer` with values ~ `values`.
double SellerUtility(double c, double ask, const Prior& values, const GridStrategy& buyer,
                     double k);

// Gains from deviating: for every grid type of each side, the best response's expected utility
// minus that of the type's own order, against the other side's strategy.
struct DeviationGains {
  double buyer = 0, seller = 0;  // the largest gain on each side
  double worst_buyer_type = 0, worst_seller_type = 0;
  double Max() const { return buyer > seller ? buyer : seller; }
};
DeviationGains GainsFromDeviating(const Prior& values, const Prior& costs, double k,
                                  const GridStrategy& buyer, const GridStrategy& seller);

// The best response of every grid type of `like` (same types, new orders): the buyers' best
// bids against `seller`, the sellers' best asks against `buyer`.
GridStrategy BestBids(const Prior& costs, const GridStrategy& seller, double k,
                      const GridStrategy& like);
GridStrategy BestAsks(const Prior& values, const GridStrategy& buyer, double k,
                      const GridStrategy& like);

// Expected gains from trade E[(v - c) 1{B(v) >= A(c)}]: midpoint rule over `nodes` cells of
// equal buyer probability, the seller's side exact. REQUIRES: nodes >= 1, both strategies
// non-decreasing.
double ExpectedWelfare(const Prior& values, const Prior& costs, const GridStrategy& buyer,
                       const GridStrategy& seller, int nodes = 20000);
// The first best E[(v - c)^+]: trade exactly when v >= c.
double FirstBestWelfare(const Prior& values, const Prior& costs, int nodes = 20000);

enum class Start { kTruthful, kTheoremOne };

struct SolverOptions {
  int grid_points = 401;     // types per side
  int max_iterations = 500;  // rounds of best response at each degree
  double tolerance = 1e-10;  // a degree has converged when no order moves more in a round
  double damping = 1.0;      // order += damping (projected best response - order); in (0, 1]
  Start start = Start::kTruthful;
  int max_degree = 4;  // the strategies are polynomials of degree 1, .., max_degree
};

struct BayesNashSolution {
  GridStrategy buyer, seller;
  int degree = 0;                         // the polynomial degree of the strategies returned
  std::vector<double> epsilon_by_degree;  // epsilon.Max() reached at degree 1, 2, ..
  int iterations = 0;                     // rounds played, over all degrees
  bool converged = false;  // at `degree`: the last round moved no order by more than tolerance
  double last_change = 0;  // the largest order move of that round
  DeviationGains epsilon;  // the strategies' gains from deviating (exact, on the grid types)
};

// Projected iterated best response. A round: every buyer grid type's exact best bid against
// the seller's current strategy, the bids of the types that trade fitted in least squares by a
// polynomial of the type of the round's degree, which becomes every buyer type's strategy
// (damped); then the same for the seller against the new buyer strategy (Gauss-Seidel). The
// rounds stop when no order moves by more than the tolerance (or after max_iterations); the
// degree then rises by one, starting from the best strategies so far (continuation), up to
// max_degree. Returned: the strategies with the smallest epsilon over the degrees.
//
// Which equilibrium: under uniform priors with Theorem 1's condition the best response to a
// linear strategy is linear, so from a truthful or a linear start the rounds stay linear and
// converge (geometrically; the map contracts by k(1 - k)/((1 + k)(2 - k)), 1/9 at k = 1/2) to
// the linear equilibrium of Chatterjee and Samuelson, which then is a fixed point at every
// higher degree. Under other priors it returns the (approximate) equilibrium reached by
// continuation from the best linear approximation, with its epsilon; polynomial strategies
// cannot reach the step equilibria (orders pooled on a few price levels).
//
// Why the projection: each type's best response depends on the density of the other side's
// orders, i.e. on the slope of the other side's strategy, so unprojected best responses on a
// grid amplify grid-scale errors by about (type range / grid spacing) per round and iterate
// away from any equilibrium. Polynomials of low degree have no grid-scale component.
//
// A failure to converge is not an error: see `converged` and `epsilon`. Errors: k outside
// [0, 1], grid_points < 2, max_iterations < 1, max_degree < 1, damping outside (0, 1],
// tolerance not positive.
Result<BayesNashSolution> SolveBilateralKDoubleAuction(const Prior& values, const Prior& costs,
                                                       double k, const SolverOptions& options = {});

// What Theorem 1 costs when the priors are not the uniform ones it assumes (k = 1/2). Theorem
// 1's strategies are computed as the paper does, from the declared ranges: here the supports of
// the priors.
struct TheoremOneDeviation {
  LinearStrategy buyer_strategy, seller_strategy;  // Theorem 1 (eq. 5, 6)
  DeviationGains gains;  // against the other side playing Theorem 1, on the solver's grid
  double welfare_first_best = 0;
  double welfare_theorem_one = 0;      // both sides play Theorem 1
  double welfare_buyers_deviate = 0;   // buyers best-respond; sellers play Theorem 1
  double welfare_sellers_deviate = 0;  // sellers best-respond; buyers play Theorem 1
  double welfare_equilibrium = 0;      // both play the solved equilibrium
  BayesNashSolution equilibrium;
};
Result<TheoremOneDeviation> DeviationFromTheoremOne(const Prior& values, const Prior& costs,
                                                    const SolverOptions& options = {});

}  // namespace v2v::market
