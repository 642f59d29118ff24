// A city scenario: every parameter of a simulation in one value, read from a TOML file.
//
// Units are in the key names: _m metres, _s seconds, _h hours, _kwh kWh, _kw kW, _mps m/s,
// _soc a state of charge in [0, 1], _per_kwh currency per kWh. Every key is optional (missing keys
// keep the built-in default: the synthetic city of the paper's scale); an unknown section or key,
// a value of the wrong type and a value out of range are errors whose message names the key.
// docs/scenario.md lists every key with its default and range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "market/mechanism.h"

namespace v2v::sim {

struct Point {
  double x = 0, y = 0;  // metres
};

enum class RsuLayout { kGrid, kJunctions, kList };

// [market] model: "paper" keeps the paper's market (every figure as published); "grid" makes the
// grid every trader's outside option (docs/model.md section 11).
enum class MarketModel { kPaper, kGrid };

struct TouPeriod {
  double start_h = 0;        // the period runs from this hour of the day to the next period's
  double price_per_kwh = 0;  // grid tariff in this period
};

// [[tariff.area]]: the grid tariff of some RSUs' areas. Each key it sets replaces [tariff]'s for
// the rounds of its RSUs; a key it leaves out is [tariff]'s. An RSU no area names, and the whole
// city when there is no area, uses [tariff] (as the ledger's GridTariffOf, contract/genesis.h).
struct TariffArea {
  std::vector<int> rsus;  // indices into the city's RSUs (PlaceRsus's order), each in one area
  std::optional<std::vector<TouPeriod>> periods;  // time-of-use import price, as [tariff]'s
  std::optional<double> feed_in_per_kwh;
  std::optional<double> network_fee_per_kwh;
};

// The price of a time-of-use schedule at a time of day (seconds since midnight of day 0; wraps
// every 24 h). REQUIRES: a non-empty schedule.
double TouPrice(const std::vector<TouPeriod>& periods, double time_s);

// The comparison market's mechanism unless a scenario names another ([p2p] mechanism).
inline constexpr std::string_view kDefaultP2pMechanism = "k-double-auction";

struct Scenario {
  // [city] a square road grid.
  double city_size_m = 15000;
  double road_spacing_m = 500;
  // [rsu]
  RsuLayout rsu_layout = RsuLayout::kGrid;
  double rsu_spacing_m = 1500;         // grid layout: an RSU at every junction on this lattice
  double rsu_range_m = 1000;           // an RSU hears vehicles this close
  std::vector<Point> rsu_positions_m;  // list layout
  // [vehicles]
  int vehicle_count = 2000;
  double battery_kwh = 60;
  double consumption_kwh_per_km = 0.18;
  double speed_min_mps = 8, speed_max_mps = 14;
  double trip_min_s = 600, trip_max_s = 2400;    // a trip lasts ~ U[min, max] (synthetic city)
  double park_min_s = 1800, park_max_s = 10800;  // then the vehicle parks ~ U[min, max]
  double park_charge_share = 0.3;  // share of stops at a grid charger (synthetic city)
  double park_charger_kw = 7;      // which charges up to grid_charge_target_soc
  double initial_soc_min = 0.15, initial_soc_max = 0.95;
  double buyer_below_soc = 0.35;        // a vehicle below this wants to buy
  double buyer_target_soc = 0.8;        // and buys up to this
  double seller_above_soc = 0.65;       // a vehicle above this offers to sell
  double seller_reserve_soc = 0.5;      // and keeps this (s_j^r)
  double grid_charge_below_soc = 0.08;  // below this a vehicle stops and charges from the grid
  double grid_charge_target_soc = 0.9;
  double grid_charger_kw = 50;
  // [market]
  MarketModel market_model = MarketModel::kPaper;
  double round_interval_s = 60;
  double t_limit_s = 5;          // replies later than T_stamp + T_limit are dropped
  double reply_delay_max_s = 6;  // a seller's reply delay is uniform on [0, this]
  double radius_m = 1000;        // a buyer trades only with sellers this close
  double buyer_value_min_per_kwh = 0.5, buyer_value_max_per_kwh = 1.0;  // v ~ U[min, max]
  double seller_cost_min_per_kwh = 0.3, seller_cost_max_per_kwh = 0.8;  // c ~ U[min, max]
  double l1 = 0.5;  // loss-cost factors of the volume program
  double l2 = 0.1;
  double loss_rate_min = 0.02, loss_rate_max = 0.1;  // rho ~ U[min, max]
  double willingness_min = 1, willingness_max = 5;   // w ~ U[min, max], within [0, 5]
  double demand_min_kwh = 0;                         // b_i^min
  double max_kwh_per_round = 10;  // b_i^max is the energy to the target, at most this
  // [p2p] the comparison market recorded beside every round: a mechanism of market/mechanism.h,
  // by name, clearing the round's declared values and costs one unit per trader. The default is
  // the conventional P2P market, a uniform-price k-double auction: k * marginal bid +
  // (1 - k) * marginal ask. The Bayesian schemes and McAfee's trade reduction read the bounds of
  // [market]'s value and cost ranges.
  std::string p2p_mechanism = std::string(kDefaultP2pMechanism);
  bool p2p_mechanism_named = false;        // set by [p2p] mechanism, even to the default's name
  double p2p_k = 0.5;                      // the k-double auction's k
  double p2p_posted_price_per_kwh = 0.65;  // the posted price's p
  // [time]
  double start_s = 0;
  double duration_s = 86400;
  // [tariff] time-of-use grid price, by start hour, sorted, the first at hour 0.
  std::vector<TouPeriod> tariff = {{0, 0.30},  {8, 0.60},  {10, 1.00}, {15, 0.60},
                                   {18, 1.00}, {21, 0.60}, {23, 0.30}};
  // [tariff], read by the grid model only (and written by ScenarioToToml only under it). A grid
  // charger stands at every RSU site and sells at the time-of-use price above.
  double feed_in_per_kwh = 0.10;      // what a kWh fed into the grid earns its seller
  double network_fee_per_kwh = 0.0;   // paid by the buyer per V2V kWh, on top of the price
  double charger_wait_s = 600;        // a buyer's wait at a charger
  double value_of_time_per_h = 12.0;  // what an hour of a driver's time is worth
  // [[tariff.area]], read under either model: RSU areas with their own periods, feed-in or fee.
  // Written by ScenarioToToml only when there is one, so a city without areas keeps its stamp.
  std::vector<TariffArea> tariff_areas;
  // [car], read by the grid model only: the power a car takes or gives on a V2V link. A pair moves
  // at most the lower of the two powers for the shorter of their stays (market::PowerTimeCap).
  double max_charge_kw = 11.0;
  double max_discharge_kw = 11.0;

  // [tariff]'s grid price at a time of day (seconds since midnight of day 0; wraps every 24 h).
  double GridPrice(double time_s) const;
  // The tariff of RSU `rsu`'s area: the index in tariff_areas of the area naming it, else -1
  // ([tariff]); and that area's schedule, feed-in and fee, [tariff]'s where it sets none.
  int TariffAreaOf(int rsu) const;
  const std::vector<TouPeriod>& TariffAt(int rsu) const;
  double GridPriceAt(int rsu, double time_s) const { return TouPrice(TariffAt(rsu), time_s); }
  double FeedInAt(int rsu) const;
  double NetworkFeeAt(int rsu) const;
};

// Whether the scenario names its comparison market: [p2p] mechanism is set (even to the default's
// name), or the mechanism is not the default (set in code). ScenarioToToml writes the name exactly
// then; only then is the market also measured within the radius (sim/comparison_market.h), so the
// files of a city that names none keep their columns.
bool NamesP2pMechanism(const Scenario& s);

// The comparison market's mechanism ([p2p] mechanism) with its parameters from the scenario.
market::MechanismParams P2pMechanismParams(const Scenario& s);
Result<std::unique_ptr<market::Mechanism>> NewP2pMechanism(const Scenario& s);

// Parses TOML text. `source` names the file in messages ("city.toml: [market] l1: ...").
Result<Scenario> ParseScenarioToml(std::string_view text, std::string_view source);
Result<Scenario> LoadScenarioFile(const std::string& path);

// Checks ranges and cross-field rules (min <= max, thresholds ordered, each [[tariff.area]]
// naming RSUs of the city, none of them twice). ParseScenarioToml applies it; programmatic
// scenarios should too.
Status ValidateScenario(const Scenario& s);

// Canonical TOML of every parameter, in a fixed order and number format: two scenarios that
// simulate the same way print the same text.
std::string ScenarioToToml(const Scenario& s);
// FNV-1a 64 of ScenarioToToml, as 16 hex digits: the stamp written on every output.
std::string ScenarioHash(const Scenario& s);

}  // namespace v2v::sim
