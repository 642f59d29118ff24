// The grid model of docs/model.md section 11 as the ledger runs it: one RSU area's grid in
// integers (smallest currency units, Wh, metres, seconds), so that every node computes a buyer's
// outside option and a seller's feed-in floor to the same unit. The genesis names a GridTariff per
// area (contract/genesis.h); the contract (C-4.7), the RSU's round builder and the vehicle gateway
// all ask the functions below. The simulator keeps its own model in doubles
// (sim/grid_outside_option.h, market/outside_option.h); this is the same formula, rounded so that
// no trader is ever asked for more than its outside option:
//
//   buyer i at (x, y) wanting b_max Wh, at Unix time t:
//     p     = ImportPriceAt(t)                              (time-of-use, by second of the UTC day)
//     d     = 2 x Manhattan distance to the nearest charger (0 with no charger listed)
//     O_i   = p + floor( [ p x e x d / 10^6  +  V x (d / s + W) / 3600 ] x 1000 / b_max )
//             e: detour_wh_per_km, s: speed in m/s (speed_mm_per_s / 1000), W: wait_s,
//             V: time_value_per_h (smallest units per hour)
//   seller j with loss rate rho (ppm):  F_j = ceil( F x (10^6 + rho) / 10^6 )
//
// Rounding the buyer's option down and the seller's floor up keeps both sides individually
// rational against the grid. A network fee phi per V2V kWh (the tariff's `fee`) is paid by the
// buyer on top of the price, so the buyer's range is capped at O_i - phi (contract/grid_screen.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "market/outside_option.h"

namespace v2v::market {

// Limits that keep every product below 2^127 in grid_tariff.cc (its comment shows the bound).
inline constexpr int64_t kMaxTariffPrice = int64_t{1} << 30;  // smallest units per kWh
inline constexpr int64_t kMaxDetourWhPerKm = 10'000;
inline constexpr int64_t kMaxSpeedMmPerS = 100'000;  // 100 m/s
inline constexpr int64_t kMaxChargerWaitS = 86'400;
inline constexpr int64_t kMaxTimeValuePerH = int64_t{1} << 31;
inline constexpr size_t kMaxTariffPeriods = 96;
inline constexpr size_t kMaxChargers = 1024;
inline constexpr int64_t kMaxChargerCoordinate = int64_t{1} << 30;  // as a bid's position
inline constexpr int64_t kSecondsPerDay = 86'400;

struct TariffPeriod {
  int64_t start_s = 0;  // second of the UTC day at which this price starts
  int64_t price = 0;    // import price, smallest units per kWh
  bool operator==(const TariffPeriod&) const = default;
};

struct ChargerSite {
  int64_t x_m = 0, y_m = 0;
  bool operator==(const ChargerSite&) const = default;
};

struct GridTariff {
  // The time-of-use import price: sorted by start_s, strictly increasing, the first at 0, each
  // start in [0, 86400); a period lasts until the next one starts (the last until midnight).
  std::vector<TariffPeriod> import;
  int64_t feed_in = 0;  // what a kWh fed into the grid earns, smallest units
  // The network fee per V2V kWh, paid by the buyer on top of the price to the RSU that runs the
  // round (contract C-4.7): a buyer's range is capped at its outside option less the fee.
  int64_t fee = 0;
  std::vector<ChargerSite> chargers;  // where a buyer would charge instead; empty: no detour
  int64_t detour_wh_per_km = 0;       // energy a car spends per km of detour
  int64_t speed_mm_per_s = 10'000;    // its mean speed on the detour, > 0
  int64_t wait_s = 0;                 // the wait at a charger
  int64_t time_value_per_h = 0;       // what an hour of the driver's time is worth, smallest units
  bool operator==(const GridTariff&) const = default;
};

// OK, or InvalidArgument naming the field: a gap (first period not at 0), an overlap or disorder
// (starts not strictly increasing), a start outside the day, a negative price or one above
// kMaxTariffPrice, a feed-in outside [0, kMaxTariffPrice], too many periods or chargers, a
// charger coordinate beyond kMaxChargerCoordinate, a speed outside (0, kMaxSpeedMmPerS], and the
// other parameters outside [0, their limit].
Status ValidateGridTariff(const GridTariff& g);

// The import price at Unix time `t_s` (its second of the UTC day). REQUIRES: g validated.
int64_t ImportPriceAt(const GridTariff& g, int64_t t_s);

// Twice the Manhattan distance from (x, y) to the nearest charger; 0 with no charger.
int64_t DetourM(const GridTariff& g, int64_t x_m, int64_t y_m);

// The buyer's outside option O_i at `t_s`, smallest units per kWh, as in the formula above,
// capped at kMaxTariffPrice x 1024; the import price alone when b_max_wh <= 0 (a bid may want
// 0 Wh). REQUIRES: g validated, |x|, |y| <= 2^30, b_max_wh <= 2^31.
int64_t BuyerOptionExact(const GridTariff& g, int64_t t_s, int64_t x_m, int64_t y_m,
                         int64_t b_max_wh);

// The least a seller with loss rate rho_ppm (>= 0) takes per V2V kWh: ceil(F (10^6 + rho)/10^6).
int64_t SellerFloorExact(const GridTariff& g, int64_t rho_ppm);

// "the grid costs this buyer 312 per kWh, at or below the feed-in price 320 ..." and the like:
// words for a refusal, without the verdict's name (the code travels as the GridVerdict).
std::string GridVerdictDetail(GridVerdict v, int64_t option, int64_t bound);

}  // namespace v2v::market
