#include "market/grid_tariff.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace v2v::market {
namespace {

__extension__ typedef __int128 Int128;  // exact products of the int64 parameters

Status Bad(const std::string& field, const std::string& why) {
  return Status::InvalidArgument("grid tariff " + field + ": " + why);
}

Status InRange(const std::string& field, int64_t v, int64_t lo, int64_t hi) {
  if (v < lo || v > hi) {
    return Bad(field, std::to_string(v) + " is outside [" + std::to_string(lo) + ", " +
                          std::to_string(hi) + "]");
  }
  return Status::Ok();
}

Status ValidatePeriods(const std::vector<TariffPeriod>& periods) {
  if (periods.empty()) return Bad("import", "no period (the day must be covered from 0 s)");
  if (periods.size() > kMaxTariffPeriods) {
    return Bad("import", "more than " + std::to_string(kMaxTariffPeriods) + " periods");
  }
  if (periods.front().start_s != 0) {
    return Bad("import[0].start_s", "the first period must start at 0 (a gap before it)");
  }
  for (size_t k = 0; k < periods.size(); ++k) {
    const std::string at = "import[" + std::to_string(k) + "]";
    V2V_RETURN_IF_ERROR(InRange(at + ".start_s", periods[k].start_s, 0, kSecondsPerDay - 1));
    V2V_RETURN_IF_ERROR(InRange(at + ".price", periods[k].price, 0, kMaxTariffPrice));
    if (k > 0 && periods[k].start_s <= periods[k - 1].start_s) {
      return Bad(at + ".start_s", "starts at or before the period before it (an overlap)");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateGridTariff(const GridTariff& g) {
  V2V_RETURN_IF_ERROR(ValidatePeriods(g.import));
  V2V_RETURN_IF_ERROR(InRange("feed_in", g.feed_in, 0, kMaxTariffPrice));
  V2V_RETURN_IF_ERROR(InRange("fee", g.fee, 0, kMaxTariffPrice));
  if (g.chargers.size() > kMaxChargers) {
    return Bad("chargers", "more than " + std::to_string(kMaxChargers));
  }
  for (size_t k = 0; k < g.chargers.size(); ++k) {
    const std::string at = "chargers[" + std::to_string(k) + "]";
    V2V_RETURN_IF_ERROR(
        InRange(at + ".x_m", g.chargers[k].x_m, -kMaxChargerCoordinate, kMaxChargerCoordinate));
    V2V_RETURN_IF_ERROR(
        InRange(at + ".y_m", g.chargers[k].y_m, -kMaxChargerCoordinate, kMaxChargerCoordinate));
  }
  V2V_RETURN_IF_ERROR(InRange("detour_wh_per_km", g.detour_wh_per_km, 0, kMaxDetourWhPerKm));
  V2V_RETURN_IF_ERROR(InRange("speed_mm_per_s", g.speed_mm_per_s, 1, kMaxSpeedMmPerS));
  V2V_RETURN_IF_ERROR(InRange("wait_s", g.wait_s, 0, kMaxChargerWaitS));
  V2V_RETURN_IF_ERROR(InRange("time_value_per_h", g.time_value_per_h, 0, kMaxTimeValuePerH));
  return Status::Ok();
}

int64_t ImportPriceAt(const GridTariff& g, int64_t t_s) {
  const int64_t second = ((t_s % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay;
  auto after = std::upper_bound(g.import.begin(), g.import.end(), second,
                                [](int64_t s, const TariffPeriod& p) { return s < p.start_s; });
  return std::prev(after)->price;  // the first period starts at 0, so after > begin
}

int64_t DetourM(const GridTariff& g, int64_t x_m, int64_t y_m) {
  if (g.chargers.empty()) return 0;
  int64_t best = std::numeric_limits<int64_t>::max();
  for (const ChargerSite& c : g.chargers) {
    best = std::min(best, std::abs(c.x_m - x_m) + std::abs(c.y_m - y_m));  // <= 2^32
  }
  return 2 * best;
}

int64_t BuyerOptionExact(const GridTariff& g, int64_t t_s, int64_t x_m, int64_t y_m,
                         int64_t b_max_wh) {
  using I = Int128;
  const int64_t p = ImportPriceAt(g, t_s);
  if (b_max_wh <= 0) return p;       // wants nothing: no detour cost to spread (and no division)
  const I d = DetourM(g, x_m, y_m);  // <= 2^33
  const I speed = g.speed_mm_per_s;  // <= 2^17
  // In smallest units x 10^6 x speed x 3600 (a common denominator):
  //   energy: p e d x speed x 3600          <= 2^30 2^14 2^33 2^17 2^12 = 2^106
  //   time:   V (1000 d + W speed) x 10^6  <= 2^31 2^44 2^20           = 2^95
  // and x 1000 for per kWh: below 2^117.
  const I energy = I{p} * g.detour_wh_per_km * d * speed * 3600;
  const I time = I{g.time_value_per_h} * (1000 * d + I{g.wait_s} * speed) * 1'000'000;
  const I denominator = I{1'000'000} * speed * 3600 * b_max_wh;
  const I extra = (energy + time) * 1000 / denominator;
  const I cap = I{kMaxTariffPrice} * 1024;
  return static_cast<int64_t>(std::min<I>(cap, p + extra));
}

int64_t SellerFloorExact(const GridTariff& g, int64_t rho_ppm) {
  const Int128 n = static_cast<Int128>(g.feed_in) * (1'000'000 + rho_ppm);
  return static_cast<int64_t>((n + 999'999) / 1'000'000);
}

std::string GridVerdictDetail(GridVerdict v, int64_t option, int64_t bound) {
  if (v == GridVerdict::kGridCheaper) {
    return "the grid costs this buyer " + std::to_string(option) +
           " per kWh (less any network fee), at or below the feed-in price " +
           std::to_string(bound) + " that every seller takes at least";
  }
  if (v == GridVerdict::kFeedInBetter) {
    return "feeding in earns this seller " + std::to_string(option) +
           " per kWh, at or above the most any buyer in the round pays, " + std::to_string(bound);
  }
  return std::string(GridVerdictName(v));
}

}  // namespace v2v::market
