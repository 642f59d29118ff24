// The pooled k-double auction's symmetric equilibrium by Monte Carlo best response
// (bayes_nash_pooled.h).
#include "market/bayes_nash_pooled.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <span>
#include <vector>

#include "base/random.h"
#include "market/internal/polynomial_fit.h"
#include "market/internal/pooled_payoff.h"

namespace v2v::market {
namespace {

// The types of the others in every market, as quantile draws of the priors.
struct Draws {
  std::vector<std::vector<double>> other_values, values;  // n - 1 and n per market
  std::vector<std::vector<double>> other_costs, costs;
};
Draws DrawOthers(const Prior& vp, const Prior& cp, int n, int markets, uint64_t seed) {
  base::Rng rng(seed);
  Draws d;
  auto draw = [&](const Prior& p, int count) {
    std::vector<double> t(count);
    for (double& x : t) x = p.Quantile(rng.Unit());
    return t;
  };
  for (int m = 0; m < markets; ++m) {
    d.other_values.push_back(draw(vp, n - 1));
    d.costs.push_back(draw(cp, n));
    d.values.push_back(draw(vp, n));
    d.other_costs.push_back(draw(cp, n - 1));
  }
  return d;
}

// The orders of `types` under `s` times `sign`, sorted.
std::vector<double> SortedOrders(const std::vector<double>& types, const GridStrategy& s,
                                 double sign, bool descending) {
  std::vector<double> o;
  for (double t : types) o.push_back(sign * s.Order(t));
  if (descending) {
    std::sort(o.begin(), o.end(), std::greater<>());
  } else {
    std::sort(o.begin(), o.end());
  }
  return o;
}

// One side's view of every market, mirrored for sellers (sign -1): the other traders of its
// own side as "bids" from highest, the other side as "asks" from lowest.
struct Books {
  std::vector<std::vector<double>> own_desc, far_asc;
};
Books MakeBooks(const std::vector<std::vector<double>>& own_types, const GridStrategy& own,
                const std::vector<std::vector<double>>& far_types, const GridStrategy& far,
                double sign) {
  Books b;
  for (size_t m = 0; m < own_types.size(); ++m) {
    b.own_desc.push_back(SortedOrders(own_types[m], own, sign, true));
    b.far_asc.push_back(SortedOrders(far_types[m], far, sign, false));
  }
  return b;
}

double MeanPayoff(const Books& b, double value, double order, double weight) {
  double sum = 0;
  for (size_t m = 0; m < b.own_desc.size(); ++m) {
    sum += internal::KDoubleAuctionBuyerPayoff(value, order, b.own_desc[m], b.far_asc[m], weight);
  }
  return sum / static_cast<double>(b.own_desc.size());
}

struct SideResponse {
  std::vector<double> best;
  std::vector<bool> trades;
  double max_gain = 0, worst_type = 0;
};
// Best of the candidate orders for every grid type of `s` (mirrored by `sign`).
SideResponse Respond(const Books& b, const GridStrategy& s, double sign, double weight, double span,
                     const PooledOptions& o) {
  SideResponse r{std::vector<double>(s.types.size()), std::vector<bool>(s.types.size())};
  for (size_t i = 0; i < s.types.size(); ++i) {
    const double value = sign * s.types[i];
    double best_u = 0, best_x = value;
    for (int j = 0; j < o.candidates; ++j) {
      const double x = value - o.max_shading * span * j / (o.candidates - 1);
      const double u = MeanPayoff(b, value, x, weight);
      if (u > best_u) best_u = u, best_x = x;
    }
    r.best[i] = sign * best_x;
    r.trades[i] = best_u > 0;
    const double gain = best_u - MeanPayoff(b, value, sign * s.orders[i], weight);
    if (gain > r.max_gain) r.max_gain = gain, r.worst_type = s.types[i];
  }
  return r;
}

double Fit(GridStrategy& s, const SideResponse& r, const Prior& p, const PooledOptions& o) {
  std::vector<double> target =
      internal::FitPolynomial(s.types, r.best, r.trades, o.degree, p.lo(), p.hi());
  for (size_t i = 1; i < target.size(); ++i) target[i] = std::max(target[i], target[i - 1]);
  double change = 0;
  for (size_t i = 0; i < target.size(); ++i) {
    const double step = o.damping * (target[i] - s.orders[i]);
    s.orders[i] += step;
    change = std::max(change, std::abs(step));
  }
  return change;
}

// |type - order| at the prior's median type, where the market clears when the two priors
// mirror each other (the type whose shading matters most).
double ShadingAtMedian(const GridStrategy& s, const Prior& p) {
  const double median = p.Quantile(0.5);
  return std::abs(median - s.Order(median));
}

Status CheckPooled(double k, int n, const PooledOptions& o) {
  const bool ok = n >= 1 && k >= 0 && k <= 1 && o.markets >= 1 && o.grid_points >= 2 &&
                  o.candidates >= 2 && o.max_shading > 0 && o.max_iterations >= 1 &&
                  o.damping > 0 && o.damping <= 1 && o.degree >= 1;
  return ok ? Status::Ok()
            : Status::InvalidArgument(
                  "bayes-nash pooled: an option is out of range "
                  "(bayes_nash_pooled.h lists the rules)");
}

}  // namespace

Result<PooledSolution> SolveSymmetricKDoubleAuction(const Prior& values, const Prior& costs,
                                                    double k, int n, const PooledOptions& o) {
  V2V_RETURN_IF_ERROR(CheckPooled(k, n, o));
  const Draws d = DrawOthers(values, costs, n, o.markets, o.seed);
  PooledSolution sol;
  sol.buyer = Truthful(values, o.grid_points);
  sol.seller = Truthful(costs, o.grid_points);
  const double v_span = values.hi() - values.lo(), c_span = costs.hi() - costs.lo();
  SideResponse bids, asks;
  // The rounds' strategies are noisy (each best response is a maximum over noisy estimates):
  // the solution is the average of the strategies of the last half of the rounds.
  GridStrategy buyer_sum = sol.buyer, seller_sum = sol.seller;
  std::fill(buyer_sum.orders.begin(), buyer_sum.orders.end(), 0.0);
  std::fill(seller_sum.orders.begin(), seller_sum.orders.end(), 0.0);
  int averaged = 0;
  while (sol.iterations < o.max_iterations && !sol.converged) {
    ++sol.iterations;
    bids = Respond(MakeBooks(d.other_values, sol.buyer, d.costs, sol.seller, 1), sol.buyer, 1, k,
                   v_span, o);
    const double buyer_change = Fit(sol.buyer, bids, values, o);
    asks = Respond(MakeBooks(d.other_costs, sol.seller, d.values, sol.buyer, -1), sol.seller, -1,
                   1 - k, c_span, o);
    const double seller_change = Fit(sol.seller, asks, costs, o);
    sol.last_change = std::max(buyer_change, seller_change);
    sol.converged = sol.last_change <= o.tolerance;
    if (2 * sol.iterations > o.max_iterations || sol.converged) {
      for (size_t i = 0; i < sol.buyer.orders.size(); ++i) {
        buyer_sum.orders[i] += sol.buyer.orders[i];
        seller_sum.orders[i] += sol.seller.orders[i];
      }
      ++averaged;
    }
  }
  for (size_t i = 0; i < sol.buyer.orders.size(); ++i) {
    sol.buyer.orders[i] = buyer_sum.orders[i] / averaged;
    sol.seller.orders[i] = seller_sum.orders[i] / averaged;
  }
  // The gains of the final strategies, on the same draws.
  bids = Respond(MakeBooks(d.other_values, sol.buyer, d.costs, sol.seller, 1), sol.buyer, 1, k,
                 v_span, o);
  asks = Respond(MakeBooks(d.other_costs, sol.seller, d.values, sol.buyer, -1), sol.seller, -1,
                 1 - k, c_span, o);
  sol.epsilon = {bids.max_gain, asks.max_gain, bids.worst_type, asks.worst_type};
  sol.buyer_shading = ShadingAtMedian(sol.buyer, values);
  sol.seller_shading = ShadingAtMedian(sol.seller, costs);
  return sol;
}

}  // namespace v2v::market
