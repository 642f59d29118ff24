// The city's outside options under the grid market model (docs/model.md section 11): what a kWh
// costs a buyer at the nearest grid charger, and what a kWh earns a seller fed into the grid.
//
// A grid charger stands at every RSU site and sells at the scenario's time-of-use price. A buyer
// that skips the V2V market drives to the nearest one and back (Manhattan distance on the road
// grid, twice), spends the detour's energy bought at that price, and loses the detour's time at
// the scenario's mean speed plus charger_wait_s, valued at value_of_time_per_h; those costs are
// spread over the energy it wants. A seller's outside option is feed_in_per_kwh. Pure: no clock.
#pragma once

#include <vector>

#include "sim/scenario.h"

namespace v2v::sim {

class GridOutsideOptions {
 public:
  GridOutsideOptions(const Scenario& s, std::vector<Point> chargers);

  // A buyer at `pos` wanting `kwh` (> 0) at `time_s`: the grid's total cost per kWh to it.
  double BuyerPerKwh(Point pos, double kwh, double time_s) const;
  // The distance to the nearest charger (Manhattan); +inf with no charger.
  double ChargerDistanceM(Point pos) const;
  double SellerPerKwh() const { return s_.feed_in_per_kwh; }
  double FeePerKwh() const { return s_.network_fee_per_kwh; }

 private:
  const Scenario& s_;
  std::vector<Point> chargers_;
};

}  // namespace v2v::sim
