#include "market/outside_option.h"

#include <limits>
#include <sstream>

namespace v2v::market {

GridScreen ScreenAgainstGrid(const Market& market) {
  GridScreen out;
  if (!market.auctioneer.grid) {
    out.market = market;
    return out;
  }
  const GridTerms& grid = *market.auctioneer.grid;
  Market& m = out.market;
  m.auctioneer = market.auctioneer;  // the bids are copied below, each once
  double highest_cap = -std::numeric_limits<double>::infinity();
  std::vector<BuyerBid> buyers;
  for (const BuyerBid& b : market.buyers) {
    if (!b.outside_option_per_kwh) {
      highest_cap = std::max(highest_cap, b.v_max);
      buyers.push_back(b);
      continue;
    }
    const PricePerKwh cap = *b.outside_option_per_kwh - grid.fee_per_kwh;
    if (BuyerVerdict(cap, grid.feed_in_per_kwh) != GridVerdict::kBeatsGrid) {
      out.left_out.push_back({b.id, GridVerdict::kGridCheaper, cap, grid.feed_in_per_kwh});
      continue;
    }
    highest_cap = std::max(highest_cap, cap);
    buyers.push_back(CapBuyerAtOutsideOption(b, cap));
    m.auctioneer.v_min = std::min(m.auctioneer.v_min, buyers.back().v_min);
  }
  std::vector<SellerBid> sellers;
  for (const SellerBid& s : market.sellers) {
    const PricePerKwh floor = SellerFloor(grid.feed_in_per_kwh, s.rho);
    if (SellerVerdict(floor, highest_cap) != GridVerdict::kBeatsGrid) {
      out.left_out.push_back({s.id, GridVerdict::kFeedInBetter, floor, highest_cap});
      continue;
    }
    sellers.push_back(RaiseSellerToOutsideOption(s, floor));
    m.auctioneer.c_max = std::max(m.auctioneer.c_max, sellers.back().c_max);
  }
  m.buyers = std::move(buyers);
  m.sellers = std::move(sellers);
  return out;
}

std::string GridLeftOutMessage(const GridLeftOut& x) {
  std::ostringstream s;
  s << GridVerdictName(x.verdict) << ": ";
  if (x.verdict == GridVerdict::kGridCheaper) {
    s << "buyer " << x.id << "'s outside option less the fee, " << x.option
      << " per kWh, is at or below the feed-in price " << x.bound;
  } else if (x.bound == -std::numeric_limits<double>::infinity()) {
    s << "seller " << x.id << ": no buyer in the round beats the grid";
  } else {
    s << "seller " << x.id << "'s feed-in floor, " << x.option
      << " per kWh, is at or above the most any buyer here pays, " << x.bound;
  }
  return s.str();
}

}  // namespace v2v::market
