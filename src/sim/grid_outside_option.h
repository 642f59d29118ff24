// The city's outside options under the grid market model (docs/model.md section 11): what a kWh
// costs a buyer at the nearest grid charger, and what a kWh earns a seller fed into the grid.
//
// A grid charger stands at every RSU site and sells at the scenario's time-of-use price. A buyer
// that skips the V2V market drives to the nearest one and back (Manhattan distance on the road
// grid, twice), spends the detour's energy bought at that price, and loses the detour's time at
// the scenario's mean speed plus charger_wait_s, valued at value_of_time_per_h; those costs are
// spread over the energy it wants. A seller's outside option is feed_in_per_kwh. The import
// price, the feed-in and the network fee are those of the area of the round's RSU
// ([[tariff.area]], Scenario::TariffAreaOf; [tariff] for an RSU no area names), as on the ledger
// (contract/genesis.h GridTariffOf). Pure: no clock.
#pragma once

#include <vector>

#include "sim/scenario.h"

namespace v2v::sim {

class GridOutsideOptions {
 public:
  // `chargers`: the city's RSU sites in RSU order (PlaceRsus), which the areas name by index.
  GridOutsideOptions(const Scenario& s, std::vector<Point> chargers);

  // The import price per kWh at `time_s` in the area of RSU `rsu`.
  double ImportPerKwh(int rsu, double time_s) const;
  // A buyer at `pos` in the round of RSU `rsu`, wanting `kwh` (> 0) at `time_s`: the grid's total
  // cost per kWh to it, at that RSU's area's import price.
  double BuyerPerKwh(int rsu, Point pos, double kwh, double time_s) const;
  // The distance to the nearest charger (Manhattan); +inf with no charger.
  double ChargerDistanceM(Point pos) const;
  // The feed-in price and the network fee of RSU `rsu`'s area.
  double SellerPerKwh(int rsu) const { return TariffOf(rsu).feed_in_per_kwh; }
  double FeePerKwh(int rsu) const { return TariffOf(rsu).network_fee_per_kwh; }

 private:
  struct AreaTariff {
    const std::vector<TouPeriod>* periods;
    double feed_in_per_kwh, network_fee_per_kwh;
  };
  const AreaTariff& TariffOf(int rsu) const;

  const Scenario& s_;
  std::vector<Point> chargers_;
  std::vector<AreaTariff> tariff_of_;  // by RSU: its area's, [tariff]'s keys filled in
  AreaTariff default_;                 // [tariff]'s, for an RSU outside chargers_
};

}  // namespace v2v::sim
