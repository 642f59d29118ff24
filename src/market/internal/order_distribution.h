// The other side's orders as one trader sees them, and that trader's exact best order (internal
// to market/, for the Bayes-Nash solver in bayes_nash.h).
//
// The trader "buys": with its order x it trades with every opposing order o <= x (an order equal
// to x trades) and gets value - (k x + (1 - k) o) from that trade, k being the weight of its own
// order in the price. A seller is the mirror image (negate its cost, its ask and the bids, and
// use 1 - k): bayes_nash.cc does the mirroring.
//
// The opposing orders are a mixture of pieces: a piece is uniform on [lo, hi] with the given
// probability mass, or an atom when lo == hi. This is exact for a piecewise-linear strategy
// applied to a prior with a piecewise-linear CDF (on each interval where both are linear the
// order is uniform). The expected utility is then a piecewise quadratic in x, concave between
// consecutive piece ends, and the best order is found exactly: the vertex of each quadratic,
// clamped to its interval, against the ends themselves.
#pragma once

#include <vector>

namespace v2v::market::internal {

struct OrderPiece {
  double lo = 0, hi = 0;  // lo <= hi
  double mass = 0;        // > 0
};

struct BestOrder {
  double order = 0;
  double utility = 0;
};

class OrderDistribution {
 public:
  explicit OrderDistribution(const std::vector<OrderPiece>& pieces);

  // E[(value - k x - (1 - k) o) 1{o <= x}].
  double Utility(double value, double x, double k) const;
  // The order with the highest expected utility. When none is positive the trader does not
  // trade and the order returned is `value` itself (it never trades at a loss), utility 0.
  BestOrder Best(double value, double k) const;
  // The highest opposing order. REQUIRES: at least one piece.
  double Highest() const { return points_.back(); }

 private:
  // The state on the interval [points_[j], points_[j+1]) (the last one unbounded above):
  // pieces entirely at or below points_[j] (atoms at it included) are "full"; the pieces that
  // straddle it are "partial", with density d = mass / (hi - lo).
  struct Aggregate {
    double full_mass = 0, full_sum = 0;  // sum of mass, of mass * mean over full pieces
    double d = 0, d_lo = 0, d_lo2 = 0;   // sum of d, d lo, d lo^2 over partial pieces
  };
  double UtilityOn(const Aggregate& a, double value, double x, double k) const;

  std::vector<double> points_;  // sorted, distinct piece ends
  std::vector<Aggregate> aggregates_;
};

}  // namespace v2v::market::internal
