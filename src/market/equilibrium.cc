#include "market/equilibrium.h"

#include <algorithm>
#include <cmath>

namespace v2v::market {
namespace {

// The other side's bid is uniform on [lo, hi] (a point mass when lo == hi).
struct BidRange {
  double lo, hi;
};
BidRange RangeOf(const LinearStrategy& s, TypeRange t) { return {s.Bid(t.lo), s.Bid(t.hi)}; }

// integral over q in [a, b] of (k - q/2) dq
double IntegralOfLinear(double k, double a, double b) { return k * (b - a) - (b * b - a * a) / 4; }

}  // namespace

LinearStrategy TheoremOneBuyerStrategy(TypeRange v, TypeRange c) {
  return {v.hi / 12.0 + c.lo / 4.0, 2.0 / 3.0};
}
LinearStrategy TheoremOneSellerStrategy(TypeRange v, TypeRange c) {
  return {c.lo / 12.0 + v.hi / 4.0, 2.0 / 3.0};
}

double BuyerExpectedUtility(double v, double p, const LinearStrategy& seller, TypeRange c) {
  const BidRange r = RangeOf(seller, c);
  if (r.hi <= r.lo) return p >= r.lo ? v - (p + r.lo) / 2 : 0.0;  // known seller type
  if (p <= r.lo) return 0.0;
  const double top = std::min(p, r.hi);
  // E[(v - p/2 - R/2) 1{R <= p}] with R ~ U[r.lo, r.hi]
  return IntegralOfLinear(v - p / 2, r.lo, top) / (r.hi - r.lo);
}

double SellerExpectedUtility(double c, double r, const LinearStrategy& buyer, TypeRange v) {
  const BidRange p = RangeOf(buyer, v);
  if (p.hi <= p.lo) return r <= p.lo ? (r + p.lo) / 2 - c : 0.0;  // known buyer type
  if (r >= p.hi) return 0.0;
  const double bottom = std::max(r, p.lo);
  // E[(r/2 + P/2 - c) 1{P >= r}] = -E[(c - r/2 - P/2) ...]
  return -IntegralOfLinear(c - r / 2, bottom, p.hi) / (p.hi - p.lo);
}

BestResponse BuyerBestResponse(double v, const LinearStrategy& seller, TypeRange c) {
  const BidRange r = RangeOf(seller, c);
  BestResponse best{r.lo - 1.0, 0.0};  // bidding below every ask: no trade, utility 0
  // On [r.lo, r.hi] the utility is a concave quadratic with vertex (2v + r.lo)/3; above r.hi it
  // falls (the buyer pays more for the same trades). So the maximiser is the clamped vertex.
  const double p = std::clamp((2 * v + r.lo) / 3, r.lo, r.hi);
  const double u = BuyerExpectedUtility(v, p, seller, c);
  if (u > best.utility) best = {p, u};
  return best;
}

BestResponse SellerBestResponse(double c, const LinearStrategy& buyer, TypeRange v) {
  const BidRange p = RangeOf(buyer, v);
  BestResponse best{p.hi + 1.0, 0.0};
  const double r = std::clamp((p.hi + 2 * c) / 3, p.lo, p.hi);
  const double u = SellerExpectedUtility(c, r, buyer, v);
  if (u > best.utility) best = {r, u};
  return best;
}

EquilibriumReport CheckEquilibrium(TypeRange v, TypeRange c, const LinearStrategy& buyer,
                                   const LinearStrategy& seller, int grid_points) {
  EquilibriumReport rep;
  for (int k = 0; k < grid_points; ++k) {
    const double f = static_cast<double>(k) / (grid_points - 1);
    const double vt = v.lo + f * (v.hi - v.lo);
    const double bgain = BuyerBestResponse(vt, seller, c).utility -
                         BuyerExpectedUtility(vt, buyer.Bid(vt), seller, c);
    if (bgain > rep.max_buyer_gain) rep.max_buyer_gain = bgain, rep.worst_buyer_type = vt;
    const double ct = c.lo + f * (c.hi - c.lo);
    const double sgain = SellerBestResponse(ct, buyer, v).utility -
                         SellerExpectedUtility(ct, seller.Bid(ct), buyer, v);
    if (sgain > rep.max_seller_gain) rep.max_seller_gain = sgain, rep.worst_seller_type = ct;
  }
  return rep;
}

}  // namespace v2v::market
