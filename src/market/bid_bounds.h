// Algorithm 1's bounds (docs/model.md section 2, read with the paper's Table II): the one
// statement of them. A buyer may take part when v_min >= the auctioneer's v^min and v lies in
// [v_min, v_max]; a seller when c_max <= the auctioneer's c^max and c lies in [c_min, c_max].
//
// Every place that judges a bid asks these functions: the market model (bid.h ValidateBuyer,
// doubles), the contract (a round's bids on chain, C-4.2, integers in smallest units), the RSU's
// round builder and the vehicle gateway (on arrival). Each caller words its own message.
#pragma once

#include <cstdint>
#include <string_view>

namespace v2v::market {

enum class BidBound : uint8_t {
  kNone = 0,  // within every bound
  kVMin,      // the buyer's v_min is below the auctioneer's v^min
  kV,         // the buyer's v is outside [v_min, v_max]
  kCMax,      // the seller's c_max is above the auctioneer's c^max
  kC,         // the seller's c is outside [c_min, c_max]
};

// The bound's field name ("v_min", "v", "c_max", "c"), as the vehicle API reports it; "" for kNone.
constexpr std::string_view BidBoundName(BidBound b) {
  switch (b) {
    case BidBound::kNone:
      return "";
    case BidBound::kVMin:
      return "v_min";
    case BidBound::kV:
      return "v";
    case BidBound::kCMax:
      return "c_max";
    case BidBound::kC:
      return "c";
  }
  return "";
}

// The first of a buyer's bounds it breaks (v^min first), or kNone. `Price`: double or int64_t.
template <typename Price>
constexpr BidBound BuyerBoundBroken(Price auction_v_min, Price v, Price v_min, Price v_max) {
  if (v_min < auction_v_min) return BidBound::kVMin;
  if (v < v_min || v > v_max) return BidBound::kV;
  return BidBound::kNone;
}

// The first of a seller's bounds it breaks (c^max first), or kNone.
template <typename Price>
constexpr BidBound SellerBoundBroken(Price auction_c_max, Price c, Price c_min, Price c_max) {
  if (c_max > auction_c_max) return BidBound::kCMax;
  if (c < c_min || c > c_max) return BidBound::kC;
  return BidBound::kNone;
}

}  // namespace v2v::market
