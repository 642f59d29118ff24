#include "market/internal/order_distribution.h"

#include <algorithm>

namespace v2v::market::internal {

OrderDistribution::OrderDistribution(const std::vector<OrderPiece>& pieces) {
  for (const OrderPiece& p : pieces) {
    points_.push_back(p.lo);
    points_.push_back(p.hi);
  }
  std::sort(points_.begin(), points_.end());
  points_.erase(std::unique(points_.begin(), points_.end()), points_.end());
  // Changes at each point, summed afterwards: a piece starts being partial at lo and becomes
  // full at hi; an atom is full from its point on.
  std::vector<Aggregate> delta(points_.size());
  auto index = [&](double x) {
    return std::lower_bound(points_.begin(), points_.end(), x) - points_.begin();
  };
  for (const OrderPiece& p : pieces) {
    Aggregate& end = delta[index(p.hi)];
    end.full_mass += p.mass;
    end.full_sum += p.mass * (p.lo + p.hi) / 2;
    if (p.hi > p.lo) {
      const double d = p.mass / (p.hi - p.lo);
      Aggregate& start = delta[index(p.lo)];
      start.d += d, start.d_lo += d * p.lo, start.d_lo2 += d * p.lo * p.lo;
      end.d -= d, end.d_lo -= d * p.lo, end.d_lo2 -= d * p.lo * p.lo;
    }
  }
  aggregates_.resize(points_.size());
  Aggregate sum;
  for (size_t j = 0; j < points_.size(); ++j) {
    sum.full_mass += delta[j].full_mass, sum.full_sum += delta[j].full_sum;
    sum.d += delta[j].d, sum.d_lo += delta[j].d_lo, sum.d_lo2 += delta[j].d_lo2;
    aggregates_[j] = sum;
  }
  // No piece is partial beyond the last end: clear the rounding left by the subtractions.
  if (!aggregates_.empty()) aggregates_.back().d = aggregates_.back().d_lo = 0;
  if (!aggregates_.empty()) aggregates_.back().d_lo2 = 0;
}

// Full pieces: mass M with sum S: M (value - k x) - (1 - k) S. A partial piece of density d from
// lo: the integral over o in [lo, x] of d (value - k x - (1 - k) o).
double OrderDistribution::UtilityOn(const Aggregate& a, double value, double x, double k) const {
  const double own = value - k * x;
  return a.full_mass * own - (1 - k) * a.full_sum + own * (a.d * x - a.d_lo) -
         (1 - k) * (a.d * x * x - a.d_lo2) / 2;
}

double OrderDistribution::Utility(double value, double x, double k) const {
  const auto above = std::upper_bound(points_.begin(), points_.end(), x);
  if (above == points_.begin()) return 0.0;  // below every order
  return UtilityOn(aggregates_[above - points_.begin() - 1], value, x, k);
}

BestOrder OrderDistribution::Best(double value, double k) const {
  BestOrder best{value, 0.0};
  // Ordering above one's value only adds trades at a loss and raises the price: x <= value.
  for (size_t j = 0; j < points_.size() && points_[j] <= value; ++j) {
    const Aggregate& a = aggregates_[j];
    const double left = points_[j];
    const double right = j + 1 < points_.size() ? std::min(points_[j + 1], value) : value;
    // On [left, right] the utility is concave: -d (1 + k)/2 x^2 + (value d - k M + k d lo) x.
    double x = left;
    if (a.d > 0)
      x = std::clamp((value * a.d - k * a.full_mass + k * a.d_lo) / (a.d * (1 + k)), left, right);
    // UtilityOn is exact on [left, points_[j+1]); at points_[j+1] itself it is the limit from
    // the left, which atoms there can only raise (they trade at x <= value): the next interval
    // evaluates that point exactly.
    for (double candidate : {left, x}) {
      const double u = UtilityOn(a, value, candidate, k);
      if (u > best.utility) best = {candidate, u};
    }
  }
  return best;
}

}  // namespace v2v::market::internal
