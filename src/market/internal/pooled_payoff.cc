#include "market/internal/pooled_payoff.h"

#include <algorithm>
#include <functional>

namespace v2v::market::internal {

double KDoubleAuctionBuyerPayoff(double v, double x, std::span<const double> bids,
                                 std::span<const double> asks, double k) {
  const size_t own = std::upper_bound(bids.begin(), bids.end(), x, std::greater<>()) - bids.begin();
  // The i-th highest bid with x inserted at rank `own`.
  auto bid = [&](size_t i) { return i < own ? bids[i] : i == own ? x : bids[i - 1]; };
  size_t q = 0;
  while (q < bids.size() + 1 && q < asks.size() && bid(q) >= asks[q]) ++q;
  if (own >= q) return 0.0;
  return v - (k * bid(q - 1) + (1 - k) * asks[q - 1]);
}

}  // namespace v2v::market::internal
