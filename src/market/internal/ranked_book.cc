#include "market/internal/ranked_book.h"

#include <algorithm>
#include <functional>
#include <numeric>

namespace v2v::market::internal {

namespace {

// Input positions of `orders`, stably sorted by `before` on their prices.
template <typename Before>
std::vector<size_t> RankedPositions(std::span<const Order> orders, Before before) {
  std::vector<size_t> positions(orders.size());
  std::iota(positions.begin(), positions.end(), size_t{0});
  std::stable_sort(positions.begin(), positions.end(),
                   [&](size_t x, size_t y) { return before(orders[x].price, orders[y].price); });
  return positions;
}

}  // namespace

RankedBook Rank(std::span<const Order> bids, std::span<const Order> asks) {
  RankedBook book;
  book.bid_input = RankedPositions(bids, std::greater<>());
  book.ask_input = RankedPositions(asks, std::less<>());
  for (size_t i : book.bid_input) book.bids.push_back(bids[i]);
  for (size_t i : book.ask_input) book.asks.push_back(asks[i]);
  const size_t n = std::min(book.bids.size(), book.asks.size());
  while (book.efficient < n && book.bids[book.efficient].price >= book.asks[book.efficient].price) {
    ++book.efficient;
  }
  return book;
}

void AppendRankedPairs(const RankedBook& book, size_t count, PricePerKwh pays, PricePerKwh receives,
                       Outcome& out) {
  for (size_t i = 0; i < count; ++i) {
    out.trades.push_back({book.bids[i].id, book.asks[i].id, pays, receives});
  }
}

}  // namespace v2v::market::internal
