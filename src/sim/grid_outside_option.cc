#include "sim/grid_outside_option.h"

#include <cmath>
#include <limits>

namespace v2v::sim {

GridOutsideOptions::GridOutsideOptions(const Scenario& s, std::vector<Point> chargers)
    : s_(s),
      chargers_(std::move(chargers)),
      default_{&s.tariff, s.feed_in_per_kwh, s.network_fee_per_kwh} {
  tariff_of_.reserve(chargers_.size());
  for (size_t r = 0; r < chargers_.size(); ++r) {
    const int rsu = static_cast<int>(r);
    tariff_of_.push_back({&s.TariffAt(rsu), s.FeedInAt(rsu), s.NetworkFeeAt(rsu)});
  }
}

const GridOutsideOptions::AreaTariff& GridOutsideOptions::TariffOf(int rsu) const {
  if (rsu < 0 || static_cast<size_t>(rsu) >= tariff_of_.size()) return default_;
  return tariff_of_[static_cast<size_t>(rsu)];
}

double GridOutsideOptions::ImportPerKwh(int rsu, double time_s) const {
  return TouPrice(*TariffOf(rsu).periods, time_s);
}

double GridOutsideOptions::ChargerDistanceM(Point pos) const {
  double best = std::numeric_limits<double>::infinity();
  for (const Point& c : chargers_) {
    best = std::min(best, std::abs(c.x - pos.x) + std::abs(c.y - pos.y));
  }
  return best;
}

double GridOutsideOptions::BuyerPerKwh(int rsu, Point pos, double kwh, double time_s) const {
  const double price = ImportPerKwh(rsu, time_s);
  const double detour_m = 2 * ChargerDistanceM(pos);
  if (!std::isfinite(detour_m)) return std::numeric_limits<double>::infinity();
  const double speed_mps = 0.5 * (s_.speed_min_mps + s_.speed_max_mps);
  const double detour_kwh = s_.consumption_kwh_per_km * detour_m / 1000.0;
  const double hours = (detour_m / speed_mps + s_.charger_wait_s) / 3600.0;
  return price + (price * detour_kwh + s_.value_of_time_per_h * hours) / kwh;
}

}  // namespace v2v::sim
