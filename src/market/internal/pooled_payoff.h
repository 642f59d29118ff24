// One trader's payoff in a pooled k-double auction (internal to market/, for
// bayes_nash_pooled.cc).
#pragma once

#include <span>

namespace v2v::market::internal {

// A buyer of value `v` bidding `x` among the other buyers' bids (sorted from highest) and the
// sellers' asks (sorted from lowest): its payoff when the market clears as NewKDoubleAuction(k)
// does (mechanism.h): v minus the price if it is among the q efficient buyers, else 0. Its bid
// ranks after equal bids. A seller is the mirror image: negate its cost, its ask and every
// order, let the other sellers' negated asks be the "bids" and the buyers' negated bids the
// "asks", and use 1 - k.
double KDoubleAuctionBuyerPayoff(double v, double x, std::span<const double> bids,
                                 std::span<const double> asks, double k);

}  // namespace v2v::market::internal
