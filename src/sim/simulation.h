// The city simulation: vehicles move (on the synthetic grid or along a SUMO trace), their
// batteries drain with distance, and every round_interval_s each RSU runs one auction round
// (market::RunRound) over the vehicles in its range.
//
// Per vehicle: it is a buyer when its state of charge is below buyer_below_soc (it asks for the
// energy up to buyer_target_soc, at most max_kwh_per_round per round), a seller when above
// seller_above_soc (it offers down to seller_reserve_soc, s_j^r), and neither in between. Below
// grid_charge_below_soc it charges from the grid at grid_charger_kw until grid_charge_target_soc
// (on the synthetic grid it stops to do so; on a trace it keeps following the trace). On the
// synthetic grid vehicles alternate trips and roadside stops; parked vehicles trade too, except
// at a grid charger (park_charge_share of the stops), where they charge at park_charger_kw.
// Under the grid market model ([market] model = "grid"), each buyer's range is capped at its
// outside option (sim/grid_outside_option.h) less the network fee, each seller's raised to the
// feed-in price, and a bid that cannot beat the grid is left out with its reason counted
// (market/outside_option.h); the random draws are the same under both models. The import price,
// feed-in and fee are those of the area of the round's RSU ([[tariff.area]], else [tariff]),
// under either model for the records and the bills. A pair also moves
// at most the lower of the two cars' powers ([car]) for the shorter of their stays
// (market::PowerTimeCap): in the synthetic city, the least time the car takes to leave its
// round's RSU's range, stops included, as far as its way is known (sim/stay.h); on a trace,
// whose future is not read ahead, a round interval.
// Valuations are drawn afresh for each round from the scenario's ranges: v ~ U[buyer_value],
// c ~ U[seller_cost], rho ~ U[loss_rate], w ~ U[willingness]; a seller's reply arrives after a
// delay ~ U[0, reply_delay_max_s] and is dropped if later than t_limit_s (docs/model.md
// section 2, step 5).
// A vehicle in range of several RSUs joins the round of the nearest (ties: lower RSU index), so it
// trades at most once per round interval. A round happens when an RSU has at least one buyer.
//
// Deterministic: the outputs depend only on the scenario, the seed (and the trace). Nothing
// here reads a clock; the caller measures wall time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "sim/bills.h"
#include "sim/scenario.h"

namespace v2v::sim {

struct TradeRecord {
  double time_s = 0;
  int rsu = 0;
  std::string buyer, seller;
  double p = 0, r = 0, t = 0;  // buyer's bid, seller's ask, transaction price (per kWh)
  double kwh = 0;              // delivered to the buyer
  double distance_m = 0;
  // The buyer's outside option per kWh (sim/grid_outside_option.h), under either model; the
  // grid model caps its price at this less the network fee.
  double buyer_outside = 0;
};

struct RoundRecord {
  double time_s = 0;
  int rsu = 0;
  int buyers = 0;
  int sellers = 0;        // replies accepted (on time)
  int late_replies = 0;   // dropped by T_limit
  int pairs = 0;          // in-range buyer-seller pairs
  int trading_pairs = 0;  // pairs with P >= R
  int trades = 0;         // pairs with a positive volume
  int unserved = 0;
  double energy_kwh = 0;
  double welfare = 0;
  double mean_price = 0;  // volume-weighted T of the trades (nan without trades)
  // The comparison market ([p2p] mechanism) on the same declared values and costs, one unit per
  // trader: its trades, the mean price its buyers pay (nan without trades), its surplus (the
  // sum of v - c over its trades) and its budget (market::Outcome::Budget).
  // The round's first best (market::FirstBestSurplus of the same values and costs) and the
  // traders the comparison market left with a negative utility (market::IrViolations).
  int p2p_trades = 0;
  double p2p_price = 0;
  double p2p_surplus = 0;
  double p2p_budget = 0;
  double p2p_first_best = 0;
  int p2p_ir_violations = 0;
  // The same round with every trader reporting its type (sim/comparison_market.h). Under the
  // k-double auction, whose traders bid at equilibrium in the p2p_* figures above, the
  // truthful upper line; under the other mechanisms, whose traders report their types, the
  // p2p_* figures again.
  int p2p_truthful_trades = 0;
  double p2p_truthful_price = 0;
  double p2p_truthful_surplus = 0;
  double p2p_truthful_budget = 0;
  int p2p_truthful_ir_violations = 0;
  // Within the radius, when the scenario names its comparison mechanism (sim/comparison_market.h;
  // 0 otherwise, and in a round without sellers): the round's first best over the pairs within
  // the radius (market::FirstBestMatching), and the comparison market's trades, at the orders
  // sent, whose pair is within it (the others lapse, as on chain): their count, surplus (the sum
  // of v - c), budget and IR violations.
  double p2p_first_best_in_range = 0;
  int p2p_in_range_trades = 0;
  double p2p_in_range_surplus = 0;
  double p2p_in_range_budget = 0;
  int p2p_in_range_ir_violations = 0;
  double grid_price = 0;  // time-of-use tariff at this time
  // The grid model only (0 under the paper's): bids left out because the grid beat them.
  int grid_cheaper_buyers = 0;     // market::GridVerdict::kGridCheaper
  int feed_in_better_sellers = 0;  // market::GridVerdict::kFeedInBetter
};

// The rounds of one tariff area ([[tariff.area]]): SimSummary::areas.
struct AreaSummary {
  int64_t rsus = 0;  // the city's RSUs in the area
  int64_t rounds = 0;
  int64_t trades = 0;
  int64_t buyers = 0;  // bids in its rounds (under the grid model, those the screen kept)
  double energy_kwh = 0;
  double payments = 0;  // sum of T x
  // The grid model (0 under the paper's): bids left out, and the fees its buyers paid.
  int64_t grid_cheaper_buyers = 0;
  int64_t feed_in_better_sellers = 0;
  double network_fees = 0;
};

struct SimSummary {
  int64_t vehicles = 0;       // distinct vehicles seen
  int64_t vehicle_steps = 0;  // sum over time steps of the active vehicles
  int64_t steps = 0;
  int64_t rounds = 0;
  int64_t trades = 0;
  double energy_kwh = 0;  // delivered to buyers by trades
  double payments = 0;    // sum of T x
  double welfare = 0;
  double grid_kwh = 0;  // charged from the grid
  double driven_km = 0;
  double simulated_s = 0;
  // The comparison market's mechanism and its totals over the rounds (RoundRecord's p2p_*).
  std::string p2p_mechanism;
  int64_t p2p_trades = 0;
  double p2p_surplus = 0;
  double p2p_budget = 0;
  double p2p_first_best = 0;
  int64_t p2p_ir_violations = 0;
  // Whether its traders bid at equilibrium (the k-double auction) and that equilibrium's
  // epsilon (sim/comparison_market.h); the totals of RoundRecord's p2p_truthful_*.
  bool p2p_at_equilibrium = false;
  double p2p_equilibrium_epsilon = 0;
  int64_t p2p_truthful_trades = 0;
  double p2p_truthful_surplus = 0;
  double p2p_truthful_budget = 0;
  int64_t p2p_truthful_ir_violations = 0;
  // Whether the comparison market was measured within the radius, and the totals of RoundRecord's
  // in-range figures.
  bool p2p_in_range = false;
  double p2p_first_best_in_range = 0;
  int64_t p2p_in_range_trades = 0;
  double p2p_in_range_surplus = 0;
  double p2p_in_range_budget = 0;
  int64_t p2p_in_range_ir_violations = 0;
  // The grid model (summary.json shows these under it only).
  bool grid_model = false;
  int64_t grid_cheaper_buyers = 0;
  int64_t feed_in_better_sellers = 0;
  double network_fees = 0;  // sum of fee x, paid by buyers on top of T x
  // Trades priced above the buyer's outside option (less the fee) or below the seller's: the
  // simulator checks every trade against the claim of market/outside_option.h; always 0.
  int64_t outside_option_violations = 0;
  // Under either model: each vehicle that traded, its bill against the grid-only baseline, and
  // the energy V2V and the grid delivered per hour of the day (sim/bills.h).
  std::vector<VehicleBill> bills;
  HourlyEnergy hourly;
  // Only with [[tariff.area]] (else empty): [0] the RSUs no area names ([tariff]'s tariff),
  // [1 + i] the RSUs of tariff_areas[i].
  std::vector<AreaSummary> areas;
};

// Receives the results as they are produced (rounds in time order, then RSU order).
class SimObserver {
 public:
  virtual ~SimObserver() = default;
  virtual Status OnRound(const RoundRecord& round, const std::vector<TradeRecord>& trades) = 0;
  // Simulated time reached; total_s is the planned duration (0 if unknown, as for a trace).
  virtual void OnProgress(double simulated_s, double total_s) {
    (void)simulated_s;
    (void)total_s;
  }
};

// The synthetic city of the scenario. REQUIRES: ValidateScenario(s).ok().
Result<SimSummary> RunSyntheticCity(const Scenario& s, uint64_t seed, SimObserver& observer);

// Mobility from a SUMO FCD trace (streamed); everything else from the scenario. Vehicles enter
// when first seen and leave when absent from a timestep. Rounds run at the first timestep at or
// after each multiple of round_interval_s from the trace's first time.
Result<SimSummary> RunFcdTrace(const Scenario& s, uint64_t seed, const std::string& fcd_path,
                               SimObserver& observer);

}  // namespace v2v::sim
