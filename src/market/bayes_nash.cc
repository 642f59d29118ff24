// The bilateral k-double auction's best responses, gains from deviating, welfare and the
// iterated-best-response solver (bayes_nash.h). DeviationFromTheoremOne is in
// bayes_nash_deviation.cc.
#include "market/bayes_nash.h"

#include <algorithm>
#include <cmath>

#include "market/internal/order_distribution.h"
#include "market/internal/polynomial_fit.h"

namespace v2v::market {
namespace {

using internal::OrderDistribution;
using internal::OrderPiece;

// The other side's orders times `sign`, as pieces: on each interval between consecutive knots
// of the prior's CDF and the strategy's grid, the type is uniform and the order linear in it,
// so the order is uniform on the image with the interval's probability. A seller sees the
// buyers' bids negated (sign -1), which makes it a "buyer" (internal/order_distribution.h).
OrderDistribution OrdersOf(const Prior& prior, const GridStrategy& s, double sign) {
  std::vector<double> knots(prior.knots().begin(), prior.knots().end());
  for (double t : s.types) {
    if (t > prior.lo() && t < prior.hi()) knots.push_back(t);
  }
  std::sort(knots.begin(), knots.end());
  knots.erase(std::unique(knots.begin(), knots.end()), knots.end());
  std::vector<OrderPiece> pieces;
  for (size_t i = 0; i + 1 < knots.size(); ++i) {
    const double mass = prior.Cdf(knots[i + 1]) - prior.Cdf(knots[i]);
    if (!(mass > 0)) continue;
    double a = sign * s.Order(knots[i]), b = sign * s.Order(knots[i + 1]);
    if (a > b) std::swap(a, b);
    // A piece narrower than rounding is an atom (a flat stretch of the strategy).
    if (b - a <= 1e-12 * (1 + std::abs(a))) b = a;
    pieces.push_back({a, b, mass});
  }
  return OrderDistribution(pieces);
}

// Weights of the trader's own order in the price: the buyer's is k; the mirrored seller's 1 - k.
double SellerWeight(double k) { return 1 - k; }

// Best responses never decrease in type (single crossing); rounding must not make them.
void MakeNonDecreasing(std::vector<double>& orders) {
  for (size_t i = 1; i < orders.size(); ++i) orders[i] = std::max(orders[i], orders[i - 1]);
}

// {c : A(c) <= bid} = [lo, CostCutoff] for a non-decreasing A; returns lo - 1 when empty.
double CostCutoff(const Prior& costs, const GridStrategy& seller, double bid) {
  const std::vector<double>& t = seller.types;
  const std::vector<double>& a = seller.orders;
  if (bid < seller.Order(costs.lo())) return costs.lo() - 1;
  if (bid >= a.back()) return costs.hi();
  const size_t i = std::upper_bound(a.begin(), a.end(), bid) - a.begin();  // a[i-1] <= bid < a[i]
  if (i == 0) return costs.lo();  // unreachable: the first order is below the bid
  return t[i - 1] + (bid - a[i - 1]) / (a[i] - a[i - 1]) * (t[i] - t[i - 1]);
}

}  // namespace

double GridStrategy::Order(double type) const {
  if (type <= types.front()) return orders.front();
  if (type >= types.back()) return orders.back();
  const size_t i = std::upper_bound(types.begin(), types.end(), type) - types.begin();
  const double f = (type - types[i - 1]) / (types[i] - types[i - 1]);
  return orders[i - 1] + f * (orders[i] - orders[i - 1]);
}

GridStrategy Tabulate(const Prior& prior, const LinearStrategy& strategy, int points) {
  GridStrategy s;
  for (int i = 0; i < points; ++i) {
    const double f = static_cast<double>(i) / (points - 1);
    const double t = i == points - 1 ? prior.hi() : prior.lo() + f * (prior.hi() - prior.lo());
    s.types.push_back(t);
    s.orders.push_back(strategy.Bid(t));
  }
  return s;
}

GridStrategy Truthful(const Prior& prior, int points) { return Tabulate(prior, {0, 1}, points); }

double BuyerUtility(double v, double bid, const Prior& costs, const GridStrategy& seller,
                    double k) {
  return OrdersOf(costs, seller, 1).Utility(v, bid, k);
}

double SellerUtility(double c, double ask, const Prior& values, const GridStrategy& buyer,
                     double k) {
  return OrdersOf(values, buyer, -1).Utility(-c, -ask, SellerWeight(k));
}

namespace {

// Every grid type's best order against `others` (mirrored for sellers: sign -1), whether it
// trades, and whether its best order is capped: a buyer never bids above the highest ask and a
// seller never asks below the lowest bid, so the types that would are pooled there, a corner
// where the best response stops being smooth in the type.
struct Responses {
  GridStrategy strategy;
  std::vector<bool> smooth;  // trades, and is not capped
  double sign = 1;
  double cap = 0;  // the highest opposing order, mirrored
};
Responses RespondTo(const OrderDistribution& others, double weight, double sign,
                    const GridStrategy& like) {
  const size_t n = like.types.size();
  Responses r{like, std::vector<bool>(n), sign, others.Highest()};
  for (size_t i = 0; i < n; ++i) {
    const internal::BestOrder best = others.Best(sign * like.types[i], weight);
    r.strategy.orders[i] = sign * best.order;
    r.smooth[i] = best.utility > 0 && best.order < r.cap - 1e-12 * (1 + std::abs(r.cap));
  }
  MakeNonDecreasing(r.strategy.orders);
  return r;
}

}  // namespace

GridStrategy BestBids(const Prior& costs, const GridStrategy& seller, double k,
                      const GridStrategy& like) {
  return RespondTo(OrdersOf(costs, seller, 1), k, 1, like).strategy;
}

GridStrategy BestAsks(const Prior& values, const GridStrategy& buyer, double k,
                      const GridStrategy& like) {
  return RespondTo(OrdersOf(values, buyer, -1), SellerWeight(k), -1, like).strategy;
}

DeviationGains GainsFromDeviating(const Prior& values, const Prior& costs, double k,
                                  const GridStrategy& buyer, const GridStrategy& seller) {
  DeviationGains g;
  const OrderDistribution asks = OrdersOf(costs, seller, 1);
  for (size_t i = 0; i < buyer.types.size(); ++i) {
    const double v = buyer.types[i];
    const double gain = asks.Best(v, k).utility - asks.Utility(v, buyer.orders[i], k);
    if (gain > g.buyer) g.buyer = gain, g.worst_buyer_type = v;
  }
  const OrderDistribution bids = OrdersOf(values, buyer, -1);
  const double w = SellerWeight(k);
  for (size_t i = 0; i < seller.types.size(); ++i) {
    const double c = seller.types[i];
    const double gain = bids.Best(-c, w).utility - bids.Utility(-c, -seller.orders[i], w);
    if (gain > g.seller) g.seller = gain, g.worst_seller_type = c;
  }
  return g;
}

double ExpectedWelfare(const Prior& values, const Prior& costs, const GridStrategy& buyer,
                       const GridStrategy& seller, int nodes) {
  double sum = 0;
  for (int j = 0; j < nodes; ++j) {
    const double v = values.Quantile((j + 0.5) / nodes);
    const double cutoff = CostCutoff(costs, seller, buyer.Order(v));
    // E_c[(v - c) 1{c <= cutoff}]
    sum += v * costs.Cdf(cutoff) - costs.PartialMean(cutoff);
  }
  return sum / nodes;
}

double FirstBestWelfare(const Prior& values, const Prior& costs, int nodes) {
  double sum = 0;
  for (int j = 0; j < nodes; ++j) {
    const double v = values.Quantile((j + 0.5) / nodes);
    sum += v * costs.Cdf(v) - costs.PartialMean(v);
  }
  return sum / nodes;
}

namespace {

Status CheckOptions(double k, const SolverOptions& o) {
  if (!(k >= 0 && k <= 1)) return Status::InvalidArgument("bayes-nash: k must be in [0, 1]");
  if (o.grid_points < 2) return Status::InvalidArgument("bayes-nash: grid_points must be >= 2");
  if (o.max_degree < 1) return Status::InvalidArgument("bayes-nash: max_degree must be >= 1");
  if (o.max_iterations < 1) {
    return Status::InvalidArgument("bayes-nash: max_iterations must be >= 1");
  }
  if (!(o.damping > 0 && o.damping <= 1)) {
    return Status::InvalidArgument("bayes-nash: damping must be in (0, 1]");
  }
  if (!(o.tolerance > 0)) return Status::InvalidArgument("bayes-nash: tolerance must be > 0");
  return Status::Ok();
}

// Moves `s` towards `target` by `damping`; returns the largest move.
double StepTowards(GridStrategy& s, const GridStrategy& target, double damping) {
  double change = 0;
  for (size_t i = 0; i < s.orders.size(); ++i) {
    const double step = damping * (target.orders[i] - s.orders[i]);
    s.orders[i] += step;
    change = std::max(change, std::abs(step));
  }
  return change;
}

// The projection of the best responses: the polynomial of the given degree that fits the
// smooth ones in least squares, capped at the highest opposing order (mirrored), gives every
// type's order (the types that cannot trade included: they continue the polynomial).
GridStrategy Target(const Responses& r, const Prior& prior, int degree) {
  GridStrategy out = r.strategy;
  out.orders = internal::FitPolynomial(r.strategy.types, r.strategy.orders, r.smooth, degree,
                                       prior.lo(), prior.hi());
  for (double& order : out.orders) order = r.sign * std::min(r.sign * order, r.cap);
  MakeNonDecreasing(out.orders);
  return out;
}

// Rounds of projected best response at one degree, from `sol`'s strategies.
void Iterate(const Prior& values, const Prior& costs, double k, const SolverOptions& options,
             int degree, BayesNashSolution& sol) {
  sol.converged = false;
  for (int round = 0; round < options.max_iterations && !sol.converged; ++round) {
    ++sol.iterations;
    const Responses bids = RespondTo(OrdersOf(costs, sol.seller, 1), k, 1, sol.buyer);
    const double buyer_change =
        StepTowards(sol.buyer, Target(bids, values, degree), options.damping);
    const Responses asks =
        RespondTo(OrdersOf(values, sol.buyer, -1), SellerWeight(k), -1, sol.seller);
    const double seller_change =
        StepTowards(sol.seller, Target(asks, costs, degree), options.damping);
    sol.last_change = std::max(buyer_change, seller_change);
    sol.converged = sol.last_change <= options.tolerance;
  }
  sol.degree = degree;
  sol.epsilon = GainsFromDeviating(values, costs, k, sol.buyer, sol.seller);
}

}  // namespace

Result<BayesNashSolution> SolveBilateralKDoubleAuction(const Prior& values, const Prior& costs,
                                                       double k, const SolverOptions& options) {
  V2V_RETURN_IF_ERROR(CheckOptions(k, options));
  const int n = options.grid_points;
  BayesNashSolution sol;
  if (options.start == Start::kTheoremOne) {
    const TypeRange v{values.lo(), values.hi()}, c{costs.lo(), costs.hi()};
    sol.buyer = Tabulate(values, TheoremOneBuyerStrategy(v, c), n);
    sol.seller = Tabulate(costs, TheoremOneSellerStrategy(v, c), n);
  } else {
    sol.buyer = Truthful(values, n);
    sol.seller = Truthful(costs, n);
  }
  // Continuation in the degree: each degree starts from the best strategies so far.
  BayesNashSolution best;
  std::vector<double> history;
  int iterations = 0;
  for (int degree = 1; degree <= options.max_degree; ++degree) {
    sol.iterations = 0;
    Iterate(values, costs, k, options, degree, sol);
    iterations += sol.iterations;
    history.push_back(sol.epsilon.Max());
    if (degree == 1 || sol.epsilon.Max() < best.epsilon.Max()) best = sol;
    sol = best;
  }
  best.iterations = iterations;
  best.epsilon_by_degree = std::move(history);
  return best;
}

}  // namespace v2v::market
