#include "fleet/fleet_plan.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

namespace v2v::fleet {

namespace {
int64_t Units(double per_kwh, double scale) { return std::llround(per_kwh * scale); }
int64_t Wh(double kwh) { return static_cast<int64_t>(std::floor(kwh * 1000.0)); }
}  // namespace

sim::Scenario FleetDistrict() {
  sim::Scenario s;
  s.city_size_m = 1400;
  s.road_spacing_m = 350;
  s.rsu_layout = sim::RsuLayout::kList;
  s.rsu_positions_m = {{350, 350}, {1050, 350}, {350, 1050}, {1050, 1050}};
  s.rsu_range_m = 1500;
  s.park_charge_share = 0;
  return s;
}

int64_t FleetPlan::GridPriceUnits() const {
  return std::llround(s_.GridPrice(sim_s_) * opt_.price_scale);
}
int64_t FleetPlan::FeedInUnits() const {
  return std::llround(s_.feed_in_per_kwh * opt_.price_scale);
}

Status FleetPlan::Check(const sim::Scenario& s, const PlanOptions& o) {
  V2V_RETURN_IF_ERROR(sim::ValidateScenario(s));
  if (s.market_model != sim::MarketModel::kPaper) {
    // The contract and the RSUs price by the paper's model; the grid model is the simulator's.
    return Status::InvalidArgument(
        "[market] model: \"grid\" runs in `v2v simulate` and `v2v experiment` only; the chain "
        "prices by the paper's model (docs/model.md section 11)");
  }
  if (o.vehicles < 1) return Status::InvalidArgument("--vehicles must be at least 1");
  if (o.nodes < 1) return Status::InvalidArgument("the testnet has no node");
  if (!(o.time_scale > 0) || !std::isfinite(o.time_scale)) {
    return Status::InvalidArgument("--time-scale must be a positive number");
  }
  if (!(o.price_scale > 0) || !std::isfinite(o.price_scale)) {
    return Status::InvalidArgument("--price-scale must be a positive number");
  }
  return Status::Ok();
}

FleetPlan::FleetPlan(const sim::Scenario& s, const PlanOptions& o)
    : s_(s),
      opt_(o),
      index_(sim::PlaceRsus(s), s.rsu_range_m),
      market_rng_(sim::DeriveSeed(o.seed, 1)) {}

Result<FleetPlan> FleetPlan::Synthetic(const sim::Scenario& s, const PlanOptions& o) {
  V2V_RETURN_IF_ERROR(Check(s, o));
  FleetPlan p(s, o);
  p.grid_.emplace(s, sim::DeriveSeed(o.seed, 3));
  std::vector<int> area;
  for (int i = 0; i < o.vehicles; ++i) {
    p.grid_v_.push_back(p.grid_->Spawn());
    VehicleState v;
    v.pos = p.grid_v_.back().Position(s.road_spacing_m);
    v.plugged = p.grid_v_.back().parked && p.grid_v_.back().at_charger;
    p.v_.push_back(v);
    area.push_back(p.index_.Nearest(v.pos));
  }
  p.AssignCharges(area);
  p.sim_start_s_ = p.sim_s_ = s.start_s;
  return p;
}

Result<FleetPlan> FleetPlan::Trace(const sim::Scenario& s, const PlanOptions& o,
                                   std::vector<sim::FcdFrame> frames) {
  V2V_RETURN_IF_ERROR(Check(s, o));
  if (frames.empty()) return Status::InvalidArgument("the trace has no timestep");
  FleetPlan p(s, o);
  std::map<std::string, int> chosen;
  for (const auto& f : frames) {
    std::vector<std::optional<sim::Point>> pos(static_cast<size_t>(o.vehicles));
    for (const auto& fv : f.vehicles) {
      auto it = chosen.find(fv.id);
      if (it == chosen.end()) {
        if (static_cast<int>(chosen.size()) >= o.vehicles) continue;
        it = chosen.emplace(fv.id, static_cast<int>(chosen.size())).first;
      }
      pos[static_cast<size_t>(it->second)] = sim::Point{fv.x, fv.y};
    }
    p.frame_t_.push_back(f.time_s);
    p.frame_pos_.push_back(std::move(pos));
  }
  if (static_cast<int>(chosen.size()) < o.vehicles) {
    return Status::InvalidArgument("the trace has " + std::to_string(chosen.size()) +
                                   " vehicles, fewer than --vehicles " +
                                   std::to_string(o.vehicles));
  }
  std::vector<int> area;
  for (const auto& pos : p.frame_pos_.front()) {
    VehicleState v;
    v.present = false;
    p.v_.push_back(v);
    area.push_back(pos ? p.index_.Nearest(*pos) : -1);
  }
  p.AssignCharges(area);
  p.sim_start_s_ = p.sim_s_ = p.frame_t_.front();
  p.MoveTo(p.sim_s_);
  return p;
}

void FleetPlan::AssignCharges(const std::vector<int>& area) {
  const int n = size();
  std::map<int, int> count;
  for (int a : area) ++count[a];
  auto key = [&](int i) {
    const int a = area[static_cast<size_t>(i)];
    return std::make_tuple(a < 0 ? 1 : -count[a], a, i);  // busiest area first, none last
  };
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int x, int y) { return key(x) < key(y); });
  std::vector<int> stratum(static_cast<size_t>(n));
  int low = 0, high = n - 1;
  for (int k = 0; k < n; ++k)
    stratum[static_cast<size_t>(order[static_cast<size_t>(k)])] = k % 2 == 0 ? low++ : high--;
  sim::Rng init(sim::DeriveSeed(opt_.seed, 2));
  const double lo = s_.initial_soc_min, hi = s_.initial_soc_max;
  for (int i = 0; i < n; ++i) {
    const double soc = lo + (hi - lo) * (stratum[static_cast<size_t>(i)] + init.Unit()) / n;
    v_[static_cast<size_t>(i)].energy_kwh = s_.battery_kwh * std::min(soc, hi);
  }
}

void FleetPlan::Drain(VehicleState& v, double moved_m, double dt_s) {
  const double cap = s_.battery_kwh;
  v.energy_kwh = std::max(0.0, v.energy_kwh - s_.consumption_kwh_per_km * moved_m / 1000.0);
  counters_.driven_km += moved_m / 1000.0;
  if (!v.charging && v.energy_kwh < s_.grid_charge_below_soc * cap) v.charging = true;
  double kw = v.charging ? s_.grid_charger_kw : v.plugged ? s_.park_charger_kw : 0;
  if (kw > 0) {
    const double add =
        std::min(kw * dt_s / 3600.0, std::max(0.0, s_.grid_charge_target_soc * cap - v.energy_kwh));
    v.energy_kwh += add;
    counters_.grid_kwh += add;
    if (v.energy_kwh >= s_.grid_charge_target_soc * cap - 1e-9) v.charging = false;
  }
}

void FleetPlan::MoveTo(double sim_s) {
  if (grid_) {
    const double dt = sim_s - sim_s_;
    if (dt <= 0) return;
    for (size_t i = 0; i < v_.size(); ++i) {
      auto& g = grid_v_[i];
      // An emergency grid charge holds the vehicle still.
      const double moved = v_[i].charging ? 0 : grid_->Advance(g, dt);
      v_[i].pos = g.Position(s_.road_spacing_m);
      v_[i].plugged = g.parked && g.at_charger;
      Drain(v_[i], moved, dt);
    }
  } else {
    // The last frame at or before sim_s; positions jump frame to frame (distance as the crow
    // flies).
    while (next_frame_ < frame_t_.size() && frame_t_[next_frame_] <= sim_s) {
      const double dt = next_frame_ == 0 ? 0 : frame_t_[next_frame_] - frame_t_[next_frame_ - 1];
      const auto& pos = frame_pos_[next_frame_];
      for (size_t i = 0; i < v_.size(); ++i) {
        auto& v = v_[i];
        if (!pos[i]) {
          v.present = false;
          continue;
        }
        const double moved = v.present ? std::hypot(pos[i]->x - v.pos.x, pos[i]->y - v.pos.y) : 0;
        v.present = true;
        v.pos = *pos[i];
        Drain(v, moved, dt);
      }
      ++next_frame_;
    }
    if (next_frame_ == frame_t_.size()) {
      for (auto& v : v_) v.present = false;  // the trace has ended
    }
  }
  sim_s_ = sim_s;
}

Role FleetPlan::RoleOf(int i) const {
  const auto& v = v_[static_cast<size_t>(i)];
  if (!v.present || v.charging || v.plugged) return Role::kNone;
  const double cap = s_.battery_kwh;
  if (v.energy_kwh < s_.buyer_below_soc * cap) {
    return Wh(std::min(s_.max_kwh_per_round, s_.buyer_target_soc * cap - v.energy_kwh)) > 0
               ? Role::kBuyer
               : Role::kNone;
  }
  if (v.energy_kwh > s_.seller_above_soc * cap) return Role::kSeller;
  return Role::kNone;
}

Intent FleetPlan::MakeIntent(int i, Role role, int rsu) {
  const auto& v = v_[static_cast<size_t>(i)];
  const double cap = s_.battery_kwh, k = opt_.price_scale;
  Intent in;
  in.vehicle = i;
  in.role = role;
  in.rsu = rsu;
  in.node = NodeOfRsu(rsu);
  in.x_m = std::llround(v.pos.x);
  in.y_m = std::llround(v.pos.y);
  if (role == Role::kBuyer) {
    in.buy.v_min = Units(s_.buyer_value_min_per_kwh, k);
    in.buy.v_max = Units(s_.buyer_value_max_per_kwh, k);
    in.buy.v = std::clamp(
        Units(market_rng_.Uniform(s_.buyer_value_min_per_kwh, s_.buyer_value_max_per_kwh), k),
        in.buy.v_min, in.buy.v_max);
    const double b_max = std::min(s_.max_kwh_per_round, s_.buyer_target_soc * cap - v.energy_kwh);
    in.buy.b_max_wh = Wh(b_max);
    in.buy.b_min_wh = std::min(Wh(s_.demand_min_kwh), in.buy.b_max_wh);
    in.buy.w_milli =
        std::llround(market_rng_.Uniform(s_.willingness_min, s_.willingness_max) * 1000);
  } else {
    in.sell.c_min = Units(s_.seller_cost_min_per_kwh, k);
    in.sell.c_max = Units(s_.seller_cost_max_per_kwh, k);
    in.sell.c = std::clamp(
        Units(market_rng_.Uniform(s_.seller_cost_min_per_kwh, s_.seller_cost_max_per_kwh), k),
        in.sell.c_min, in.sell.c_max);
    in.sell.s_t_wh = Wh(v.energy_kwh);
    in.sell.s_r_wh = std::min(Wh(s_.seller_reserve_soc * cap), in.sell.s_t_wh);
    in.sell.rho_ppm = std::llround(market_rng_.Uniform(s_.loss_rate_min, s_.loss_rate_max) * 1e6);
  }
  return in;
}

std::vector<Intent> FleetPlan::Tick(double now_s) {
  MoveTo(sim_start_s_ + now_s * opt_.time_scale);
  std::vector<Intent> out;
  for (int i = 0; i < size(); ++i) {
    auto& v = v_[static_cast<size_t>(i)];
    const int rsu = v.present ? index_.Nearest(v.pos) : -1;
    v.node = NodeOfRsu(rsu);
    if (v.engaged || now_s < v.next_try_s || rsu < 0) continue;
    const Role role = RoleOf(i);
    if (role == Role::kNone) continue;
    if (v.engaged_node >= 0 && v.engaged_node != v.node) ++counters_.handovers;
    v.engaged = true;
    v.engaged_node = v.node;
    ++counters_.engagements;
    out.push_back(MakeIntent(i, role, rsu));
  }
  return out;
}

void FleetPlan::Finish(int i, double now_s, int64_t bought_wh, int64_t sold_wh, int64_t loss_wh) {
  auto& v = v_[static_cast<size_t>(i)];
  v.engaged = false;
  v.next_try_s = now_s + opt_.retry_after_s;
  v.energy_kwh =
      std::clamp(v.energy_kwh + static_cast<double>(bought_wh - sold_wh - loss_wh) / 1000.0, 0.0,
                 s_.battery_kwh);
}

}  // namespace v2v::fleet
