#include "sim/simulation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>

#include "market/market_round.h"
#include "market/outside_option.h"
#include "sim/bills.h"
#include "sim/city.h"
#include "sim/comparison_market.h"
#include "sim/csv.h"
#include "sim/fcd_reader.h"
#include "sim/grid_outside_option.h"
#include "sim/rng.h"
#include "sim/stay.h"

namespace v2v::sim {
namespace {

constexpr double kMinTradeKwh = 1e-6;  // volumes below 1 mWh are not trades

struct Ev {
  std::string id;
  double energy_kwh = 0;
  Point pos;
  bool charging = false;  // stopped for an emergency grid charge
  bool plugged = false;   // parked at a grid charger this step
  bool active = false;
  std::optional<GridVehicle> car;  // synthetic city: its place on its way; unset on a trace
};

// The vehicles and the market rounds, shared by both mobility sources.
class Fleet {
 public:
  Fleet(const Scenario& s, uint64_t seed, ComparisonMarket p2p, SimObserver& observer)
      : s_(s),
        rsus_(PlaceRsus(s), s.rsu_range_m),
        outside_(s, rsus_.rsus()),
        p2p_(std::move(p2p)),
        market_rng_(DeriveSeed(seed, 1)),
        init_rng_(DeriveSeed(seed, 2)),
        p2p_rng_(DeriveSeed(seed, 4)),
        observer_(observer) {
    by_rsu_.resize(rsus_.rsus().size());
    summary_.grid_model = s.market_model == MarketModel::kGrid;
    summary_.p2p_mechanism = s.p2p_mechanism;
    summary_.p2p_in_range = p2p_.measures_in_range();
    if (p2p_.equilibrium()) {
      summary_.p2p_at_equilibrium = true;
      summary_.p2p_equilibrium_epsilon = p2p_.equilibrium()->epsilon;
    }
    if (!s.tariff_areas.empty()) {
      summary_.areas.resize(s.tariff_areas.size() + 1);
      for (size_t r = 0; r < rsus_.rsus().size(); ++r) {
        const int a = s.TariffAreaOf(static_cast<int>(r)) + 1;
        area_of_.push_back(a);
        ++summary_.areas[static_cast<size_t>(a)].rsus;
      }
    }
  }

  // Index of a vehicle, created with a random initial charge when first seen.
  int Find(const std::string& id) {
    auto [it, inserted] = index_.try_emplace(id, static_cast<int>(evs_.size()));
    if (inserted) {
      Ev ev;
      ev.id = id;
      ev.energy_kwh = s_.battery_kwh * init_rng_.Uniform(s_.initial_soc_min, s_.initial_soc_max);
      evs_.push_back(std::move(ev));
    }
    return it->second;
  }
  Ev& at(int i) { return evs_[static_cast<size_t>(i)]; }
  int size() const { return static_cast<int>(evs_.size()); }

  // Drain by distance, charge from the grid for dt seconds when needed.
  void Update(Ev& ev, double moved_m, double dt_s) {
    const double cap = s_.battery_kwh;
    ev.energy_kwh = std::max(0.0, ev.energy_kwh - s_.consumption_kwh_per_km * moved_m / 1000.0);
    summary_.driven_km += moved_m / 1000.0;
    if (!ev.charging && ev.energy_kwh < s_.grid_charge_below_soc * cap) ev.charging = true;
    if (ev.charging) {
      const double add = std::min(s_.grid_charger_kw * dt_s / 3600.0,
                                  std::max(0.0, s_.grid_charge_target_soc * cap - ev.energy_kwh));
      ev.energy_kwh += add;
      summary_.grid_kwh += add;
      bills_.GridCharged(now_s_, add);
      if (ev.energy_kwh >= s_.grid_charge_target_soc * cap - 1e-9) ev.charging = false;
    }
  }

  // A parked vehicle at a charger: grid energy up to grid_charge_target_soc.
  void ChargeParked(Ev& ev, double dt_s) {
    const double add =
        std::min(s_.park_charger_kw * dt_s / 3600.0,
                 std::max(0.0, s_.grid_charge_target_soc * s_.battery_kwh - ev.energy_kwh));
    ev.energy_kwh += add;
    summary_.grid_kwh += add;
    bills_.GridCharged(now_s_, add);
  }

  // One auction round per RSU over the active vehicles.
  Status RunRounds(double time_s) {
    for (auto& v : by_rsu_) v.clear();
    for (int i = 0; i < size(); ++i) {
      const Ev& ev = evs_[static_cast<size_t>(i)];
      if (!ev.active || ev.charging || ev.plugged) continue;
      const int r = rsus_.Nearest(ev.pos);
      if (r >= 0) by_rsu_[static_cast<size_t>(r)].push_back(i);
    }
    for (size_t r = 0; r < by_rsu_.size(); ++r) {
      V2V_RETURN_IF_ERROR(RunRound(time_s, static_cast<int>(r), by_rsu_[r]));
    }
    return Status::Ok();
  }

  SimSummary& summary() { return summary_; }
  // The simulated time of the step being run (for the hourly tallies).
  void SetTime(double time_s) { now_s_ = time_s; }
  // The summary with every vehicle's bill and the hourly energy.
  SimSummary Finish() {
    summary_.vehicles = size();
    summary_.bills = bills_.Bills();
    summary_.hourly = bills_.hourly();
    return summary_;
  }
  SimObserver& observer() { return observer_; }

 private:
  // The grid model: how long a car stays for a V2V link, in the round of RSU `rsu`. In the
  // synthetic city, until it leaves the RSU's range as far as its way is known (sim/stay.h). On
  // a trace, one round interval: the trace is streamed, so its future positions are unknown; the
  // next round pairs the car again if the RSU still hears it.
  double StayS(const Ev& ev, int rsu) const {
    if (ev.car) return GridStayS(*ev.car, rsus_.rsus()[static_cast<size_t>(rsu)], s_);
    return std::min(s_.round_interval_s, market::kMaxStayS);
  }

  // The tally of RSU `rsu`'s tariff area; null without [[tariff.area]].
  AreaSummary* AreaOf(int rsu) {
    if (area_of_.empty()) return nullptr;
    return &summary_.areas[static_cast<size_t>(area_of_[static_cast<size_t>(rsu)])];
  }

  // Step 1 (buyers' requests) and steps 3-5 (sellers' replies within T_limit) of a round.
  void CollectBids(const std::vector<int>& members, market::Market& m, RoundRecord& rec) {
    const double cap = s_.battery_kwh;
    m.auctioneer = {s_.buyer_value_min_per_kwh,
                    s_.seller_cost_max_per_kwh,
                    s_.l1,
                    s_.l2,
                    s_.radius_m,
                    std::nullopt};
    for (int i : members) {
      const Ev& ev = evs_[static_cast<size_t>(i)];
      if (ev.energy_kwh >= s_.buyer_below_soc * cap) continue;
      market::BuyerBid b;
      b.id = ev.id;
      b.v_min = s_.buyer_value_min_per_kwh;
      b.v_max = s_.buyer_value_max_per_kwh;
      b.v = market_rng_.Uniform(b.v_min, b.v_max);
      b.b_max = std::min(s_.max_kwh_per_round, s_.buyer_target_soc * cap - ev.energy_kwh);
      b.b_min = std::min(s_.demand_min_kwh, b.b_max);
      b.w = market_rng_.Uniform(s_.willingness_min, s_.willingness_max);
      b.x = ev.pos.x;
      b.y = ev.pos.y;
      if (summary_.grid_model) {
        b.max_power_kw = s_.max_charge_kw;
        b.stay_s = StayS(ev, rec.rsu);
      }
      m.buyers.push_back(std::move(b));
    }
    if (m.buyers.empty()) return;  // no request, no call, no replies
    for (int i : members) {
      const Ev& ev = evs_[static_cast<size_t>(i)];
      if (ev.energy_kwh <= s_.seller_above_soc * cap) continue;
      market::SellerBid sb;
      sb.id = ev.id;
      sb.c_min = s_.seller_cost_min_per_kwh;
      sb.c_max = s_.seller_cost_max_per_kwh;
      sb.c = market_rng_.Uniform(sb.c_min, sb.c_max);
      sb.s_t = ev.energy_kwh;
      sb.s_r = s_.seller_reserve_soc * cap;
      sb.rho = market_rng_.Uniform(s_.loss_rate_min, s_.loss_rate_max);
      sb.x = ev.pos.x;
      sb.y = ev.pos.y;
      if (summary_.grid_model) {
        sb.max_power_kw = s_.max_discharge_kw;
        sb.stay_s = StayS(ev, rec.rsu);
      }
      if (market_rng_.Uniform(0, s_.reply_delay_max_s) > s_.t_limit_s) {
        ++rec.late_replies;
        continue;
      }
      m.sellers.push_back(std::move(sb));
    }
  }

  // The grid model: each buyer's range capped at its outside option less the fee, each seller's
  // raised to the feed-in price; bids that cannot beat the grid are left out and counted
  // (market::ScreenAgainstGrid). The screened round goes to RunRound without its grid terms, so
  // it is screened once.
  void ApplyOutsideOptions(market::Market& m, RoundRecord& rec) {
    m.auctioneer.grid =
        market::GridTerms{outside_.SellerPerKwh(rec.rsu), outside_.FeePerKwh(rec.rsu)};
    for (market::BuyerBid& b : m.buyers) b.outside_option_per_kwh = outside_of_.at(b.id);
    market::GridScreen screen = market::ScreenAgainstGrid(m);
    for (const market::GridLeftOut& x : screen.left_out) {
      ++(x.verdict == market::GridVerdict::kGridCheaper ? rec.grid_cheaper_buyers
                                                        : rec.feed_in_better_sellers);
    }
    m = std::move(screen.market);
    m.auctioneer.grid.reset();  // screening again would change nothing (GridScreenProperty)
    for (const market::SellerBid& sb : m.sellers) {
      floor_of_[sb.id] = market::SellerFloor(outside_.SellerPerKwh(rec.rsu), sb.rho);
    }
    summary_.grid_cheaper_buyers += rec.grid_cheaper_buyers;
    summary_.feed_in_better_sellers += rec.feed_in_better_sellers;
    if (AreaSummary* area = AreaOf(rec.rsu)) {
      area->grid_cheaper_buyers += rec.grid_cheaper_buyers;
      area->feed_in_better_sellers += rec.feed_in_better_sellers;
    }
  }

  // The grid model: a trade priced outside the two outside options (never, by
  // market/outside_option.h's argument; counted, not assumed).
  void CheckOutsideOptions(const TradeRecord& t) {
    const double fee = outside_.FeePerKwh(t.rsu);
    const double cap = t.buyer_outside - fee, floor = floor_of_.at(t.seller);
    const double tolerance = 1e-9 * std::max(1.0, std::abs(t.t));
    if (t.t > cap + tolerance || t.t < floor - tolerance) ++summary_.outside_option_violations;
    summary_.network_fees += fee * t.kwh;
    if (AreaSummary* area = AreaOf(t.rsu)) area->network_fees += fee * t.kwh;
  }

  // Records the trades of a solved round and moves the energy between the batteries.
  // Returns the money paid.
  double Settle(const market::RoundResult& result, RoundRecord& rec,
                std::vector<TradeRecord>& trades) {
    double paid = 0;
    rec.pairs = static_cast<int>(result.pairs.size());
    rec.unserved = static_cast<int>(result.unserved.size());
    rec.welfare = result.welfare;
    for (const market::PairResult& pr : result.pairs) {
      if (pr.price.trade) ++rec.trading_pairs;
      if (pr.volume < kMinTradeKwh) continue;
      TradeRecord t;
      t.time_s = rec.time_s;
      t.rsu = rec.rsu;
      t.buyer = pr.buyer;
      t.seller = pr.seller;
      t.p = pr.price.p;
      t.r = pr.price.r;
      t.t = pr.price.t;
      t.kwh = pr.volume;
      t.distance_m = pr.distance_m;
      t.buyer_outside = outside_of_.at(t.buyer);
      if (summary_.grid_model) CheckOutsideOptions(t);
      const double fee = summary_.grid_model ? outside_.FeePerKwh(rec.rsu) : 0.0;
      bills_.Bought(t.buyer, t.time_s, t.kwh, (t.t + fee) * t.kwh, t.buyer_outside * t.kwh);
      bills_.Sold(t.seller, t.kwh, t.t * t.kwh);
      trades.push_back(std::move(t));
      rec.energy_kwh += pr.volume;
      paid += pr.volume * pr.price.t;
    }
    for (const market::BuyerOutcome& b : result.buyers)
      at(index_.at(b.id)).energy_kwh += b.receives;
    for (const market::SellerOutcome& so : result.sellers) {
      if (so.energy_out > 0) bills_.GaveUp(so.id, so.energy_out, outside_.SellerPerKwh(rec.rsu));
      Ev& ev = at(index_.at(so.id));
      ev.energy_kwh = std::max(0.0, ev.energy_kwh - so.energy_out);
    }
    return paid;
  }

  // The comparison market ([p2p]) on the round's declared values and costs, one unit per
  // trader, where the traders are (sim/comparison_market.h).
  void ClearComparisonMarket(const market::Market& m, RoundRecord& rec) {
    ComparisonRound round;
    for (const market::BuyerBid& b : m.buyers) {
      round.values.push_back(b.v);
      round.buyers_at.push_back({b.x, b.y});
    }
    for (const market::SellerBid& sb : m.sellers) {
      round.costs.push_back(sb.c);
      round.sellers_at.push_back({sb.x, sb.y});
    }
    p2p_.ClearRound(round, p2p_rng_, rec);
  }

  Status RunRound(double time_s, int rsu, const std::vector<int>& members) {
    RoundRecord rec;
    rec.time_s = time_s;
    rec.rsu = rsu;
    rec.grid_price = outside_.ImportPerKwh(rsu, time_s);
    market::Market m;
    CollectBids(members, m, rec);
    outside_of_.clear();
    floor_of_.clear();
    for (const market::BuyerBid& b : m.buyers) {
      outside_of_[b.id] = outside_.BuyerPerKwh(rsu, {b.x, b.y}, b.b_max, time_s);
    }
    if (summary_.grid_model && !m.buyers.empty()) ApplyOutsideOptions(m, rec);
    if (m.buyers.empty()) return Status::Ok();
    rec.buyers = static_cast<int>(m.buyers.size());
    rec.sellers = static_cast<int>(m.sellers.size());
    ClearComparisonMarket(m, rec);
    std::vector<TradeRecord> trades;
    double paid = 0;
    if (!m.sellers.empty()) {
      auto result = market::RunRound(m);
      if (!result.ok())
        return Status(result.status().code(), "round at t=" + std::to_string(time_s) + " s, RSU " +
                                                  std::to_string(rsu) + ": " +
                                                  result.status().message());
      paid = Settle(*result, rec, trades);
    }
    rec.trades = static_cast<int>(trades.size());
    rec.mean_price = rec.energy_kwh > 0 ? paid / rec.energy_kwh : kNan;
    summary_.rounds += 1;
    summary_.trades += rec.trades;
    summary_.energy_kwh += rec.energy_kwh;
    summary_.payments += paid;
    summary_.welfare += rec.welfare;
    AddP2pRound(rec, summary_);
    if (AreaSummary* area = AreaOf(rsu)) {
      area->rounds += 1;
      area->trades += rec.trades;
      area->buyers += rec.buyers;
      area->energy_kwh += rec.energy_kwh;
      area->payments += paid;
    }
    return observer_.OnRound(rec, trades);
  }

  const Scenario& s_;
  RsuIndex rsus_;
  GridOutsideOptions outside_;
  std::unordered_map<std::string, double> outside_of_;  // this round's buyers' outside options
  std::unordered_map<std::string, double> floor_of_;    // and sellers' (grid model)
  BillBook bills_;
  double now_s_ = 0;
  ComparisonMarket p2p_;
  Rng market_rng_, init_rng_, p2p_rng_;
  SimObserver& observer_;
  std::vector<Ev> evs_;
  std::unordered_map<std::string, int> index_;
  std::vector<std::vector<int>> by_rsu_;
  std::vector<int> area_of_;  // by RSU: 0 [tariff], 1 + i tariff_areas[i]; empty without areas
  SimSummary summary_;
};

std::string VehicleId(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "EV%05d", i);
  return buf;
}

}  // namespace

Result<SimSummary> RunSyntheticCity(const Scenario& s, uint64_t seed, SimObserver& observer) {
  V2V_ASSIGN_OR_RETURN(ComparisonMarket p2p, ComparisonMarket::ForScenario(s));
  Fleet fleet(s, seed, std::move(p2p), observer);
  GridMobility mobility(s, DeriveSeed(seed, 3));
  std::vector<GridVehicle> cars;
  for (int i = 0; i < s.vehicle_count; ++i) {
    const int k = fleet.Find(VehicleId(i));
    cars.push_back(mobility.Spawn());
    Ev& ev = fleet.at(k);
    ev.active = true;
    ev.pos = cars.back().Position(s.road_spacing_m);
    ev.car = cars.back();
  }
  const double dt = s.round_interval_s;
  const auto steps = static_cast<int64_t>(std::floor(s.duration_s / dt + 1e-9));
  for (int64_t step = 1; step <= steps; ++step) {
    const double t = s.start_s + static_cast<double>(step) * dt;
    fleet.SetTime(t);
    for (int i = 0; i < fleet.size(); ++i) {
      Ev& ev = fleet.at(i);
      GridVehicle& car = cars[static_cast<size_t>(i)];
      const double moved = ev.charging ? 0.0 : mobility.Advance(car, dt);
      ev.pos = car.Position(s.road_spacing_m);
      fleet.Update(ev, moved, dt);
      ev.plugged = !ev.charging && car.parked && car.at_charger;
      ev.car = car;
      if (ev.plugged) fleet.ChargeParked(ev, dt);
    }
    V2V_RETURN_IF_ERROR(fleet.RunRounds(t));
    fleet.summary().steps += 1;
    fleet.summary().vehicle_steps += fleet.size();
    fleet.summary().simulated_s = static_cast<double>(step) * dt;
    observer.OnProgress(static_cast<double>(step) * dt, static_cast<double>(steps) * dt);
  }
  return fleet.Finish();
}

Result<SimSummary> RunFcdTrace(const Scenario& s, uint64_t seed, const std::string& fcd_path,
                               SimObserver& observer) {
  V2V_ASSIGN_OR_RETURN(ComparisonMarket p2p, ComparisonMarket::ForScenario(s));
  Fleet fleet(s, seed, std::move(p2p), observer);
  bool first = true;
  double t0 = 0, last_t = 0, next_round = 0;
  std::vector<int> present;
  std::vector<char> seen_now;
  Status st = ReadFcdFile(fcd_path, [&](const FcdFrame& f) -> Status {
    if (first) {
      first = false;
      t0 = last_t = f.time_s;
      next_round = t0 + s.round_interval_s;
    }
    const double dt = f.time_s - last_t;
    last_t = f.time_s;
    fleet.SetTime(f.time_s);
    seen_now.assign(static_cast<size_t>(fleet.size()), 0);
    present.clear();
    for (const FcdVehicle& v : f.vehicles) {
      const int k = fleet.Find(v.id);
      Ev& ev = fleet.at(k);
      const Point p{v.x, v.y};
      const double moved = ev.active ? std::hypot(p.x - ev.pos.x, p.y - ev.pos.y) : 0.0;
      ev.pos = p;
      fleet.Update(ev, moved, ev.active ? dt : 0.0);
      present.push_back(k);
    }
    seen_now.resize(static_cast<size_t>(fleet.size()), 0);
    for (int k : present) seen_now[static_cast<size_t>(k)] = 1;
    for (int k = 0; k < fleet.size(); ++k)
      fleet.at(k).active = seen_now[static_cast<size_t>(k)] != 0;
    fleet.summary().steps += 1;
    fleet.summary().vehicle_steps += static_cast<int64_t>(present.size());
    fleet.summary().simulated_s = f.time_s - t0;
    if (f.time_s >= next_round) {
      V2V_RETURN_IF_ERROR(fleet.RunRounds(f.time_s));
      while (next_round <= f.time_s) next_round += s.round_interval_s;
    }
    observer.OnProgress(f.time_s - t0, 0);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return fleet.Finish();
}

}  // namespace v2v::sim
