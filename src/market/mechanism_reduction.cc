// The two mechanisms that give up the marginal trade to stay truthful without a deficit:
// McAfee's trade reduction and SBBA (definitions in mechanism.h).
#include <cstdint>
#include <limits>

#include "market/internal/ranked_book.h"
#include "market/mechanism.h"

namespace v2v::market {
namespace {

using internal::AppendRankedPairs;
using internal::Rank;
using internal::RankedBook;

class McAfee final : public Mechanism {
 public:
  McAfee(PricePerKwh value_floor, PricePerKwh cost_ceiling)
      : value_floor_(value_floor), cost_ceiling_(cost_ceiling) {}
  std::string_view Name() const override { return "mcafee"; }
  Outcome Clear(std::span<const Order> bids, std::span<const Order> asks,
                base::Rng&) const override {
    const RankedBook book = Rank(bids, asks);
    Outcome out;
    const size_t q = book.efficient;
    if (q == 0) return out;
    const PricePerKwh b_q = book.bids[q - 1].price, a_q = book.asks[q - 1].price;
    const PricePerKwh b_next = q < book.bids.size() ? book.bids[q].price : value_floor_;
    const PricePerKwh a_next = q < book.asks.size() ? book.asks[q].price : cost_ceiling_;
    const PricePerKwh p0 = (b_next + a_next) / 2;
    if (a_q <= p0 && p0 <= b_q) {
      AppendRankedPairs(book, q, p0, p0, out);
    } else {
      AppendRankedPairs(book, q - 1, b_q, a_q, out);
    }
    return out;
  }

 private:
  PricePerKwh value_floor_, cost_ceiling_;
};

class Sbba final : public Mechanism {
 public:
  std::string_view Name() const override { return "sbba"; }
  Outcome Clear(std::span<const Order> bids, std::span<const Order> asks,
                base::Rng& rng) const override {
    // The lottery first, one key per seller in input order, so that it never depends on orders.
    std::vector<uint64_t> key_by_input(asks.size());
    for (uint64_t& key : key_by_input) key = rng.Next();
    const RankedBook book = Rank(bids, asks);
    Outcome out;
    const size_t q = book.efficient;
    if (q == 0) return out;
    const PricePerKwh b_q = book.bids[q - 1].price;
    const PricePerKwh a_next =
        q < book.asks.size() ? book.asks[q].price : std::numeric_limits<double>::infinity();
    if (a_next <= b_q) {
      AppendRankedPairs(book, q, a_next, a_next, out);
      return out;
    }
    // The candidate (rank < q) with the smallest key is left out; equal keys (all but
    // impossible) leave out the better-ranked one.
    size_t left_out = 0;
    for (size_t rank = 1; rank < q; ++rank) {
      if (key_by_input[book.ask_input[rank]] < key_by_input[book.ask_input[left_out]]) {
        left_out = rank;
      }
    }
    size_t seller = 0;
    for (size_t buyer = 0; buyer + 1 < q; ++buyer, ++seller) {
      if (seller == left_out) ++seller;
      out.trades.push_back({book.bids[buyer].id, book.asks[seller].id, b_q, b_q});
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<Mechanism> NewMcAfee(PricePerKwh value_floor, PricePerKwh cost_ceiling) {
  return std::make_unique<McAfee>(value_floor, cost_ceiling);
}
std::unique_ptr<Mechanism> NewSbba() { return std::make_unique<Sbba>(); }

}  // namespace v2v::market
