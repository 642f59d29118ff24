// The pure core of `v2v fleet`: N of the simulator's vehicles moving through a city (the synthetic
// grid or a SUMO trace), their batteries, and who bids what, when, to which RSU node. No sockets
// and no clock: the caller passes the time (seconds since the fleet started, real time) to
// Tick() and reports back how each engagement ended (Finish()).
//
// Movement and roles follow the simulator (sim/simulation.h): the battery drains with distance;
// below buyer_below_soc a vehicle buys (up to buyer_target_soc, at most max_kwh_per_round), above
// seller_above_soc it sells down to seller_reserve_soc; valuations are drawn afresh for every
// engagement from the scenario's ranges; a vehicle parked at a grid charger or stopped for an
// emergency grid charge does not trade. Simulated time runs time_scale times faster than real
// time.
//
// Initial charges are stratified, not drawn independently: the range [initial_soc_min,
// initial_soc_max] is cut into N equal strata, one per vehicle (a uniform draw inside it), so a
// fleet of N holds the scenario's share of low and high batteries whatever the seed. Strata go
// out alternately lowest and highest remaining, in order of starting RSU area (the busiest area
// first), so an area with two vehicles starts with a low battery beside a full one. (Drawn
// independently, 8 vehicles at seed 1 held no battery below buyer_below_soc, and in 20 s at time
// scale 1 none drains that far: nobody bid.)
//
// RSUs and nodes: the scenario's RSUs (sim::PlaceRsus) keep their positions; scenario RSU k is
// served by testnet node (k mod nodes). A vehicle is a client of the node of the RSU nearest to
// it within rsu_range_m (none when out of range). It hands over only between engagements: while
// it has a bid at one node it stays there (a bid pending at one RSU is unknown to the others, and
// so is its nonce).
//
// Prices: the scenario's per-kWh values times price_scale, rounded, are the ledger's smallest
// units per kWh. Energy in whole Wh.
//
// Not thread-safe. Deterministic given the inputs and the sequence of calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "sim/city.h"
#include "sim/fcd_reader.h"
#include "sim/rng.h"
#include "sim/scenario.h"

namespace v2v::fleet {

enum class Role { kNone, kBuyer, kSeller };

struct BuyTerms {
  int64_t v = 0, v_min = 0, v_max = 0;  // smallest units per kWh
  int64_t b_min_wh = 0, b_max_wh = 0;
  int64_t w_milli = 0;
};
struct SellTerms {
  int64_t c = 0, c_min = 0, c_max = 0;
  int64_t s_t_wh = 0, s_r_wh = 0;
  int64_t rho_ppm = 0;
};

// One engagement to start: vehicle `vehicle` bids (buyer) or listens for calls (seller) at node
// `node`, standing at (x_m, y_m).
struct Intent {
  int vehicle = 0;
  Role role = Role::kNone;
  int node = 0;
  int rsu = 0;  // the scenario RSU it is nearest to
  int64_t x_m = 0, y_m = 0;
  BuyTerms buy;
  SellTerms sell;
};

// The city of `v2v fleet` without --scenario: a 1.4 km square district, roads every 350 m, four
// RSUs at the centres of its quarters (scenario RSU k on testnet node k mod nodes), each in range
// of the whole district; no stop at a grid charger. A quarter is 700 m square, so any two vehicles
// in one RSU's area are within the RSUs' trading radius (1 km, gateway::AuctionParams): with the
// stratified charges, 5 or more vehicles always start with a buyer and a seller side by side at
// one node. Every other key keeps its default (docs/scenario.md).
sim::Scenario FleetDistrict();

struct PlanOptions {
  int vehicles = 8;
  int nodes = 4;
  uint64_t seed = 1;
  double time_scale = 1;     // simulated seconds per real second
  double price_scale = 300;  // smallest units per scenario currency unit
  double retry_after_s = 1;  // real seconds between the end of an engagement and the next
};

struct VehicleState {
  sim::Point pos;
  double energy_kwh = 0;
  bool charging = false;  // emergency grid charge (no trading)
  bool plugged = false;   // parked at a grid charger (no trading)
  bool present = true;    // on a trace: seen in the current timestep
  bool engaged = false;
  int node = -1;          // node of the nearest RSU in range, -1 none
  int engaged_node = -1;  // where the current (or last) engagement was
  double next_try_s = 0;  // real time
};

struct PlanCounters {
  int64_t engagements = 0, handovers = 0;
  double driven_km = 0, grid_kwh = 0;
};

class FleetPlan {
 public:
  // The synthetic city. Errors: an invalid scenario or options.
  static Result<FleetPlan> Synthetic(const sim::Scenario& s, const PlanOptions& o);
  // A SUMO trace: the first o.vehicles distinct vehicle ids of the frames become vehicles 0..N-1
  // (frames in time order; simulated time starts at the first frame's).
  static Result<FleetPlan> Trace(const sim::Scenario& s, const PlanOptions& o,
                                 std::vector<sim::FcdFrame> frames);

  // Moves the city to real time now_s (simulated: now_s * time_scale) and returns the
  // engagements to start now. Each returned vehicle is engaged until Finish(). REQUIRES: now_s
  // not below the previous call's.
  std::vector<Intent> Tick(double now_s);
  // Engagement of `vehicle` ended at real time now_s: a buyer received bought_wh, a seller gave
  // sold_wh (plus its loss, loss_wh).
  void Finish(int vehicle, double now_s, int64_t bought_wh, int64_t sold_wh, int64_t loss_wh);

  // Role by battery now (what Tick would start).
  Role RoleOf(int vehicle) const;
  const VehicleState& vehicle(int i) const { return v_[static_cast<size_t>(i)]; }
  int size() const { return static_cast<int>(v_.size()); }
  int NodeOfRsu(int rsu) const { return rsu < 0 ? -1 : rsu % opt_.nodes; }
  const std::vector<sim::Point>& rsus() const { return index_.rsus(); }
  const PlanCounters& counters() const { return counters_; }
  double simulated_s() const { return sim_s_; }
  // The scenario's grid now, in smallest units per kWh (price_scale): the time-of-use tariff at
  // the simulated hour and the feed-in price.
  int64_t GridPriceUnits() const;
  int64_t FeedInUnits() const;

 private:
  FleetPlan(const sim::Scenario& s, const PlanOptions& o);
  void MoveTo(double sim_s);
  void Drain(VehicleState& v, double moved_m, double dt_s);
  Intent MakeIntent(int i, Role role, int rsu);
  // Sets every vehicle's initial energy (see the top of this file); area[i]: vehicle i's
  // starting RSU (-1: none, or not yet present).
  void AssignCharges(const std::vector<int>& area);
  static Status Check(const sim::Scenario& s, const PlanOptions& o);

  sim::Scenario s_;
  PlanOptions opt_;
  sim::RsuIndex index_;
  sim::Rng market_rng_;
  std::vector<VehicleState> v_;
  // Synthetic mobility.
  std::optional<sim::GridMobility> grid_;
  std::vector<sim::GridVehicle> grid_v_;
  // Trace mobility: frames with positions of the chosen vehicles only (-1 absent).
  std::vector<double> frame_t_;
  std::vector<std::vector<std::optional<sim::Point>>> frame_pos_;
  size_t next_frame_ = 0;
  double sim_s_ = 0, sim_start_s_ = 0;
  PlanCounters counters_;
};

}  // namespace v2v::fleet
