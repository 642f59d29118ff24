// The order book ranked as every pooled mechanism in mechanism.h reads it: bids from highest to
// lowest, asks from lowest to highest, equal prices in input order, and the efficient quantity.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "market/mechanism.h"

namespace v2v::market::internal {

struct RankedBook {
  std::vector<Order> bids;                   // highest first; equal bids in input order
  std::vector<Order> asks;                   // lowest first; equal asks in input order
  std::vector<size_t> bid_input, ask_input;  // each ranked order's position in the input
  // The efficient quantity q: the largest count with bids[i].price >= asks[i].price for every
  // i < q. The ranked pairs 0..q-1 are the surplus-maximising trades.
  size_t efficient = 0;
};
RankedBook Rank(std::span<const Order> bids, std::span<const Order> asks);

// Pairs ranked buyer i with ranked seller i for i < count, every buyer paying `pays` and every
// seller receiving `receives`. REQUIRES: count <= both sides' sizes.
void AppendRankedPairs(const RankedBook& book, size_t count, PricePerKwh pays, PricePerKwh receives,
                       Outcome& out);

}  // namespace v2v::market::internal
