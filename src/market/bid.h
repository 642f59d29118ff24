// Bids of one trading round, in explicit units (docs/model.md section 2, paper
// Table II).
//
// Units: energy in kWh, prices in currency per kWh, positions and distances in metres.
// These are plain values; bid.cc's ValidateBuyer/ValidateSeller apply Algorithm 1's rules, whose
// bounds are stated once in bid_bounds.h.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace v2v::market {

using Kwh = double;          // energy, kilowatt-hours
using PricePerKwh = double;  // currency per kWh
using Metres = double;

inline constexpr Metres kDefaultRadiusM = 1000.0;
// Structural limits: every quantity, price and |coordinate| is at most kMaxMagnitude; a loss
// rate is 0 (lossless) or in [kMinLossRate, kMaxLossRate]; l1 >= kMinL1. They keep the
// optimiser's arithmetic far from overflow and are far outside any real vehicle's numbers.
inline constexpr double kMaxMagnitude = 1e9;
inline constexpr double kMinLossRate = 1e-6;
inline constexpr double kMaxLossRate = 10.0;
inline constexpr double kMinL1 = 1e-9;
// The car's own limits (optional; docs/model.md section 11): a charge or discharge power in
// (0, kMaxPowerKw] kW (no vehicle or cable carries a megawatt) and a stay in (0, kMaxStayS]
// seconds from the round (a week).
inline constexpr double kMaxPowerKw = 1000.0;
inline constexpr double kMaxStayS = 7 * 86400.0;

// The grid in the RSU's area, every trader's outside option (docs/model.md section 11): what the
// grid pays per kWh fed in, and the network fee charged per V2V kWh (paid by the buyer).
struct GridTerms {
  PricePerKwh feed_in_per_kwh = 0;
  PricePerKwh fee_per_kwh = 0;
};

// The auctioneer's (RSU's) parameters for a round.
struct Auctioneer {
  PricePerKwh v_min = 0;              // lower bound of buyers' price ranges (v^min)
  PricePerKwh c_max = 0;              // upper bound of sellers' price ranges (c^max)
  double l1 = 0;                      // quadratic loss-cost factor, currency per kWh^2 (> 0)
  double l2 = 0;                      // linear loss-cost factor, currency per kWh (>= 0)
  Metres radius_m = kDefaultRadiusM;  // a buyer trades only with sellers this close
  // Set: the round prices against the grid (market/outside_option.h); unset: the paper's model.
  std::optional<GridTerms> grid;
};

// A buyer's signed request (role -1).
struct BuyerBid {
  std::string id;
  PricePerKwh v = 0;      // unit value v_i
  PricePerKwh v_min = 0;  // v_i^min
  PricePerKwh v_max = 0;  // v_i^max
  Kwh b_min = 0;          // minimum demand b_i^min
  Kwh b_max = 0;          // maximum demand b_i^max
  double w = 0;           // willingness w_i in [0, 5]
  Metres x = 0, y = 0;    // position
  // The car as it is (names after OCPP 2.1's V2X charging parameters); unset: no limit.
  std::optional<double> max_power_kw;  // maxChargePower, kW
  std::optional<double> stay_s;        // its departure time, in seconds after the round
  // What charging from the grid instead costs it per kWh (the nearest charger's price plus the
  // detour); unset: no outside option, its range is its own.
  std::optional<PricePerKwh> outside_option_per_kwh;
};

// A seller's signed reply (role 1).
struct SellerBid {
  std::string id;
  PricePerKwh c = 0;      // unit cost c_j
  PricePerKwh c_min = 0;  // c_j^min
  PricePerKwh c_max = 0;  // c_j^max
  Kwh s_t = 0;            // current energy s_j^t
  Kwh s_r = 0;            // reserve kept for its own trip s_j^r
  double rho = 0;         // loss rate rho_j (>= 0; 0 means lossless, no supply cap)
  Metres x = 0, y = 0;
  // The car as it is (names after OCPP 2.1's V2X charging parameters); unset: no limit.
  std::optional<double> max_power_kw;  // maxDischargePower, kW
  std::optional<double> stay_s;        // its departure time, in seconds after the round
  std::optional<Kwh> target_kwh;       // energy it must still hold at departure

  // Energy it may give up, losses included: down to its reserve and its target, whichever is
  // higher.
  Kwh Supply() const { return s_t - std::max(s_r, target_kwh.value_or(0.0)); }
};

// The most a pair can move between the two cars: the lower of their powers for the shorter of
// their stays, in kWh; +inf unless a power and a stay are both known.
Kwh PowerTimeCap(const BuyerBid& b, const SellerBid& s);
// The same in the ledger's integers: the lower of the two stated powers (W; 0: not stated) for
// the shorter of the two stated stays (s; nullopt: not stated, and never negative), floored to Wh;
// nullopt unless a power and a stay are both stated. REQUIRES: powers <= 2^31, stays <= 2^31.
std::optional<int64_t> PowerTimeCapWh(int64_t power_a_w, int64_t power_b_w,
                                      std::optional<int64_t> stay_a_s,
                                      std::optional<int64_t> stay_b_s);

struct Market {
  Auctioneer auctioneer;
  std::vector<BuyerBid> buyers;
  std::vector<SellerBid> sellers;
};

// Structural checks that make a market unusable as a whole (the CLI exits with status 2):
// non-finite numbers, negative quantities, values beyond the limits above, empty or duplicate
// ids (buyers and sellers share one id space), l1 <= 0, l2 < 0, radius <= 0. The message names
// the offending field.
Status ValidateMarketStructure(const Market& market);

// Algorithm 1 read with Table II (docs/model.md section 2): an OK status if the bid may take part
// in the round, otherwise InvalidArgument whose message names the bid and the bound it broke. A
// rejected bid must be resubmitted; the round goes on without it.
Status ValidateBuyer(const Auctioneer& auctioneer, const BuyerBid& bid);
Status ValidateSeller(const Auctioneer& auctioneer, const SellerBid& bid);

}  // namespace v2v::market
