// The grid as every trader's outside option (docs/model.md section 11, the "grid" market model):
// a buyer can charge at a grid charger instead, a seller can feed its energy into the grid. A V2V
// trade that asks a buyer to pay more than its outside option, or a seller to take less than
// its own, is one neither would make.
//
// The scheme of Theorem 1 prices a trading pair at T = (v_max + c_min + 2v + 2c) / 6, and a pair
// trades only when 4(v - c) >= v_max - c_min (bayesian_pricing.h). For such a pair
// c_min <= T <= v_max: with c <= v - (v_max - c_min)/4 and v <= v_max, 6T <= 6 v_max, and the
// lower bound is symmetric. So capping a buyer's declared range at its outside option and
// raising a seller's to its own keeps every price between the two options, with the pricing and
// the volume program untouched (outside_option_test.cc checks it on random pairs).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "market/bid.h"

namespace v2v::market {

// Why a bid is left out of a round under the grid model: a typed reason, counted and reported.
enum class GridVerdict : uint8_t {
  kBeatsGrid = 0,     // in the round, its range capped by its outside option
  kGridCheaper = 1,   // buyer: the grid costs it no more than any seller would accept
  kFeedInBetter = 2,  // seller: feeding in earns it at least what any buyer here would pay
};
inline std::string_view GridVerdictName(GridVerdict v) {
  switch (v) {
    case GridVerdict::kBeatsGrid:
      return "beats_grid";
    case GridVerdict::kGridCheaper:
      return "grid_cheaper";
    case GridVerdict::kFeedInBetter:
      return "feed_in_better";
  }
  return "unknown";
}

// The buyer's value and range capped at `cap`, the most it pays per kWh (its outside option
// less any fee it pays per V2V kWh). Unchanged when cap >= v_max.
inline BuyerBid CapBuyerAtOutsideOption(BuyerBid b, PricePerKwh cap) {
  b.v = std::min(b.v, cap);
  b.v_min = std::min(b.v_min, cap);
  b.v_max = std::min(b.v_max, cap);
  return b;
}

// The seller's cost and range raised to `floor`, the least it takes per kWh (what feeding in
// earns it). Unchanged when floor <= c_min.
inline SellerBid RaiseSellerToOutsideOption(SellerBid s, PricePerKwh floor) {
  s.c = std::max(s.c, floor);
  s.c_min = std::max(s.c_min, floor);
  s.c_max = std::max(s.c_max, floor);
  return s;
}

// A buyer whose cap is at or below the lowest floor of the round's sellers cannot beat the grid
// with any of them; a seller whose floor is at or above the highest cap of the round's buyers
// cannot beat feeding in.
// `Price`: double (the simulator's model) or int64_t (the ledger's, market/grid_tariff.h).
template <typename Price>
GridVerdict BuyerVerdict(Price cap, Price lowest_seller_floor) {
  return cap <= lowest_seller_floor ? GridVerdict::kGridCheaper : GridVerdict::kBeatsGrid;
}
template <typename Price>
GridVerdict SellerVerdict(Price floor, Price highest_buyer_cap) {
  return floor >= highest_buyer_cap ? GridVerdict::kFeedInBetter : GridVerdict::kBeatsGrid;
}

// The least a seller takes per V2V kWh: delivering one kWh costs it 1 + rho kWh of its battery,
// which fed in would earn feed_in x (1 + rho).
inline PricePerKwh SellerFloor(PricePerKwh feed_in_per_kwh, double rho) {
  return feed_in_per_kwh * (1 + rho);
}

// A bid the grid screen left out, and why (a typed reason, never kBeatsGrid).
struct GridLeftOut {
  std::string id;
  GridVerdict verdict = GridVerdict::kGridCheaper;
  PricePerKwh option = 0;  // the buyer's cap or the seller's floor
  PricePerKwh bound = 0;   // what it could not beat: the feed-in price or the highest buyer cap
};

struct GridScreen {
  Market market;                      // the bids that can beat the grid, their ranges capped
  std::vector<GridLeftOut> left_out;  // in the market's order, buyers first
};

// The grid model's screen of a round (the one place it is written; the simulator and RunRound
// both call it). With no `market.auctioneer.grid` it returns the market unchanged. Otherwise:
// - each buyer with an outside option is capped at it less the fee (CapBuyerAtOutsideOption),
//   and left out as kGridCheaper when that cap is at or below the feed-in price (no seller can
//   take less); a buyer without one keeps its range, its cap being its v_max;
// - each seller is raised to SellerFloor(feed-in, rho) and left out as kFeedInBetter when that
//   floor is at or above the highest cap among the buyers kept;
// - the auctioneer's v^min and c^max widen to take the capped and raised ranges.
// Screening a screened market changes nothing (outside_option_test.cc checks it).
GridScreen ScreenAgainstGrid(const Market& market);

// "grid_cheaper: buyer b1's outside option less the fee, 0.28 per kWh, is at or below the
// feed-in price 0.3" and the like, for RoundResult::rejected.
std::string GridLeftOutMessage(const GridLeftOut& x);

}  // namespace v2v::market
