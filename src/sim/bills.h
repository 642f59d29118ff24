// What V2V trading did for each vehicle's wallet, against the grid-only baseline (docs/model.md
// section 11), and the share of the city's charging that V2V served, hour by hour.
//
// A buyer's baseline is its outside option: the same energy bought at the nearest charger, with
// the detour and the wait (sim/grid_outside_option.h); a seller's is feeding the energy it gave
// up (losses included) into the grid. Both at the tariff of the area of the trade's RSU
// ([[tariff.area]], else [tariff]). Both are computed under either market model, so the paper's
// model shows whom it leaves worse off than the grid.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

namespace v2v::sim {

struct VehicleBill {
  std::string id;
  double bought_kwh = 0;     // received from V2V sellers
  double paid = 0;           // for it: price plus network fee
  double grid_cost = 0;      // the same energy at the buyer's outside option, per trade
  double sold_kwh = 0;       // delivered to V2V buyers
  double gave_kwh = 0;       // taken from its battery for that, losses included
  double earned = 0;         // for it
  double feed_in_value = 0;  // what gave_kwh would have earned fed into the grid
  double BuyerSaved() const { return grid_cost - paid; }
  double SellerGained() const { return earned - feed_in_value; }
};

struct HourlyEnergy {
  std::array<double, 24> v2v_kwh{};      // bought from V2V sellers
  std::array<double, 24> grid_kwh{};     // charged from the grid (emergency and parked)
  std::array<double, 24> buyer_saved{};  // sum of VehicleBill::BuyerSaved over the hour's trades
};

// The hour of the day of a simulated time (seconds since midnight of day 0).
int HourOfDay(double time_s);

class BillBook {
 public:
  void Bought(const std::string& id, double time_s, double kwh, double paid, double grid_cost);
  void Sold(const std::string& id, double kwh, double earned);
  void GaveUp(const std::string& id, double kwh, double feed_in_per_kwh);
  void GridCharged(double time_s, double kwh);
  // The vehicles that traded, by id.
  std::vector<VehicleBill> Bills() const;
  const HourlyEnergy& hourly() const { return hourly_; }

 private:
  VehicleBill& Of(const std::string& id);
  std::map<std::string, VehicleBill> bills_;
  HourlyEnergy hourly_;
};

}  // namespace v2v::sim
