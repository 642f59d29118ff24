#include "sim/bills.h"

#include <algorithm>
#include <cmath>

namespace v2v::sim {

int HourOfDay(double time_s) {
  double h = std::fmod(time_s / 3600.0, 24.0);
  if (h < 0) h += 24.0;
  return std::min(23, static_cast<int>(h));
}

VehicleBill& BillBook::Of(const std::string& id) {
  VehicleBill& b = bills_[id];
  b.id = id;
  return b;
}

void BillBook::Bought(const std::string& id, double time_s, double kwh, double paid,
                      double grid_cost) {
  VehicleBill& b = Of(id);
  b.bought_kwh += kwh;
  b.paid += paid;
  b.grid_cost += grid_cost;
  const auto h = static_cast<size_t>(HourOfDay(time_s));
  hourly_.v2v_kwh[h] += kwh;
  hourly_.buyer_saved[h] += grid_cost - paid;
}

void BillBook::Sold(const std::string& id, double kwh, double earned) {
  VehicleBill& b = Of(id);
  b.sold_kwh += kwh;
  b.earned += earned;
}

void BillBook::GaveUp(const std::string& id, double kwh, double feed_in_per_kwh) {
  VehicleBill& b = Of(id);
  b.gave_kwh += kwh;
  b.feed_in_value += kwh * feed_in_per_kwh;
}

void BillBook::GridCharged(double time_s, double kwh) {
  hourly_.grid_kwh[static_cast<size_t>(HourOfDay(time_s))] += kwh;
}

std::vector<VehicleBill> BillBook::Bills() const {
  std::vector<VehicleBill> out;
  out.reserve(bills_.size());
  for (const auto& [id, b] : bills_) out.push_back(b);
  return out;
}

}  // namespace v2v::sim
