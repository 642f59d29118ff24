#include "sim/scenario.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <utility>

#include "base/file_util.h"
#include "sim/city.h"
#include "sim/csv.h"
#include "sim/scenario_toml.h"

namespace v2v::sim {
namespace {

// One numeric key: where it lives, its range (inclusive) and whether it must be an integer.
struct NumKey {
  const char* section;
  const char* key;
  double Scenario::*field;  // null for the integer vehicle count
  double lo, hi;
};

constexpr double kBig = 1e9;
const NumKey kNumKeys[] = {
    {"city", "size_m", &Scenario::city_size_m, 100, 1e6},
    {"city", "road_spacing_m", &Scenario::road_spacing_m, 10, 1e5},
    {"rsu", "spacing_m", &Scenario::rsu_spacing_m, 10, 1e6},
    {"rsu", "range_m", &Scenario::rsu_range_m, 1, 1e5},
    {"vehicles", "count", nullptr, 0, 1e6},
    {"vehicles", "battery_kwh", &Scenario::battery_kwh, 1, 1000},
    {"vehicles", "consumption_kwh_per_km", &Scenario::consumption_kwh_per_km, 0, 10},
    {"vehicles", "speed_min_mps", &Scenario::speed_min_mps, 0, 100},
    {"vehicles", "speed_max_mps", &Scenario::speed_max_mps, 0, 100},
    {"vehicles", "trip_min_s", &Scenario::trip_min_s, 0, 1e6},
    {"vehicles", "trip_max_s", &Scenario::trip_max_s, 1, 1e6},
    {"vehicles", "park_min_s", &Scenario::park_min_s, 0, 1e6},
    {"vehicles", "park_max_s", &Scenario::park_max_s, 0, 1e6},
    {"vehicles", "park_charge_share", &Scenario::park_charge_share, 0, 1},
    {"vehicles", "park_charger_kw", &Scenario::park_charger_kw, 0, 1000},
    {"vehicles", "initial_soc_min", &Scenario::initial_soc_min, 0, 1},
    {"vehicles", "initial_soc_max", &Scenario::initial_soc_max, 0, 1},
    {"vehicles", "buyer_below_soc", &Scenario::buyer_below_soc, 0, 1},
    {"vehicles", "buyer_target_soc", &Scenario::buyer_target_soc, 0, 1},
    {"vehicles", "seller_above_soc", &Scenario::seller_above_soc, 0, 1},
    {"vehicles", "seller_reserve_soc", &Scenario::seller_reserve_soc, 0, 1},
    {"vehicles", "grid_charge_below_soc", &Scenario::grid_charge_below_soc, 0, 1},
    {"vehicles", "grid_charge_target_soc", &Scenario::grid_charge_target_soc, 0, 1},
    {"vehicles", "grid_charger_kw", &Scenario::grid_charger_kw, 0, 1000},
    {"market", "round_interval_s", &Scenario::round_interval_s, 1, 86400},
    {"market", "t_limit_s", &Scenario::t_limit_s, 0, 3600},
    {"market", "reply_delay_max_s", &Scenario::reply_delay_max_s, 0, 3600},
    {"market", "radius_m", &Scenario::radius_m, 1, 1e5},
    {"market", "buyer_value_min_per_kwh", &Scenario::buyer_value_min_per_kwh, 0, kBig},
    {"market", "buyer_value_max_per_kwh", &Scenario::buyer_value_max_per_kwh, 0, kBig},
    {"market", "seller_cost_min_per_kwh", &Scenario::seller_cost_min_per_kwh, 0, kBig},
    {"market", "seller_cost_max_per_kwh", &Scenario::seller_cost_max_per_kwh, 0, kBig},
    {"market", "l1", &Scenario::l1, 1e-9, kBig},
    {"market", "l2", &Scenario::l2, 0, kBig},
    {"market", "loss_rate_min", &Scenario::loss_rate_min, 1e-6, 10},
    {"market", "loss_rate_max", &Scenario::loss_rate_max, 1e-6, 10},
    {"market", "willingness_min", &Scenario::willingness_min, 0, 5},
    {"market", "willingness_max", &Scenario::willingness_max, 0, 5},
    {"market", "demand_min_kwh", &Scenario::demand_min_kwh, 0, 1000},
    {"market", "max_kwh_per_round", &Scenario::max_kwh_per_round, 0.001, 1000},
    {"p2p", "k", &Scenario::p2p_k, 0, 1},
    {"time", "start_s", &Scenario::start_s, 0, 1e8},
    {"time", "duration_s", &Scenario::duration_s, 0, 1e8},
};
// The grid model's keys: read under any model, written by ScenarioToToml under "grid" only, so
// that a paper scenario's canonical text and stamp are what they were before the grid model.
const NumKey kGridKeys[] = {
    {"tariff", "feed_in_per_kwh", &Scenario::feed_in_per_kwh, 0, kBig},
    {"tariff", "network_fee_per_kwh", &Scenario::network_fee_per_kwh, 0, kBig},
    {"tariff", "charger_wait_s", &Scenario::charger_wait_s, 0, 86400},
    {"tariff", "value_of_time_per_h", &Scenario::value_of_time_per_h, 0, kBig},
    {"car", "max_charge_kw", &Scenario::max_charge_kw, 0.1, 1000},
    {"car", "max_discharge_kw", &Scenario::max_discharge_kw, 0.1, 1000},
};

// Read under any mechanism, written by ScenarioToToml only under the posted price.
const NumKey kPostedPriceKey = {"p2p", "posted_price_per_kwh", &Scenario::p2p_posted_price_per_kwh,
                                0, kBig};

std::string Where(std::string_view source, std::string_view section, std::string_view key) {
  std::string s(source);
  s += ": [";
  s += section;
  s += "] ";
  s += key;
  return s;
}

std::string LineOf(const toml::node& n) {
  return " (line " + std::to_string(n.source().begin.line) + ")";
}

Result<double> ReadNumber(const toml::node& n, const std::string& where) {
  if (auto d = n.value_exact<double>()) return *d;
  if (auto i = n.value_exact<int64_t>()) return static_cast<double>(*i);
  return Status::InvalidArgument(where + ": expected a number" + LineOf(n));
}

Status ParsePositions(const toml::node& n, const std::string& where, Scenario& s) {
  const toml::array* arr = n.as_array();
  if (!arr) return Status::InvalidArgument(where + ": expected an array of [x, y]" + LineOf(n));
  s.rsu_positions_m.clear();
  for (const toml::node& e : *arr) {
    const toml::array* xy = e.as_array();
    if (!xy || xy->size() != 2)
      return Status::InvalidArgument(where + ": each position is [x, y]" + LineOf(e));
    V2V_ASSIGN_OR_RETURN(double x, ReadNumber(*xy->get(0), where));
    V2V_ASSIGN_OR_RETURN(double y, ReadNumber(*xy->get(1), where));
    if (!(std::abs(x) <= kBig && std::abs(y) <= kBig))
      return Status::InvalidArgument(where + ": coordinate out of range" + LineOf(e));
    s.rsu_positions_m.push_back({x, y});
  }
  return Status::Ok();
}

// A string key naming one of `choices`; the chosen value goes to *out.
template <typename E>
Status ReadChoice(const toml::node& n, const std::string& where,
                  std::initializer_list<std::pair<const char*, E>> choices, E* out) {
  auto v = n.value_exact<std::string>();
  if (!v) return Status::InvalidArgument(where + ": expected a string" + LineOf(n));
  std::string names;
  for (const auto& [name, value] : choices) {
    if (*v == name) {
      *out = value;
      return Status::Ok();
    }
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return Status::InvalidArgument(where + ": \"" + *v + "\" is not one of " + names + LineOf(n));
}

// A name of market::MechanismNames().
Status ReadMechanismName(const toml::node& n, const std::string& where, Scenario& s) {
  auto v = n.value_exact<std::string>();
  if (!v) return Status::InvalidArgument(where + ": expected a string" + LineOf(n));
  std::string names;
  for (std::string_view name : market::MechanismNames()) {
    if (*v == name) {
      s.p2p_mechanism = *v;
      s.p2p_mechanism_named = true;
      return Status::Ok();
    }
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return Status::InvalidArgument(where + ": \"" + *v + "\" is not one of " + names + LineOf(n));
}

// The number at `n` for key `k`, within the key's range.
Result<double> ReadInRange(const NumKey& k, const toml::node& n, const std::string& where) {
  V2V_ASSIGN_OR_RETURN(double x, ReadNumber(n, where));
  if (!(x >= k.lo && x <= k.hi))
    return Status::InvalidArgument(where + ": " + FormatG(x) + " is outside [" + FormatG(k.lo) +
                                   ", " + FormatG(k.hi) + "]" + LineOf(n));
  return x;
}

// A time-of-use schedule (the same rules for [tariff] periods and each area's): the first
// period at hour 0 (no gap before it), starts strictly increasing within [0, 24) (no overlap),
// prices in [0, kBig]. `at` names the key; `nodes`, when read from a file, gives the lines.
Status CheckSchedule(const std::vector<TouPeriod>& periods, const std::string& at,
                     const toml::node* nodes = nullptr) {
  const toml::array* arr = nodes ? nodes->as_array() : nullptr;
  auto line = [&](size_t i) -> std::string {
    if (arr && i < arr->size()) return LineOf(*arr->get(i));
    return nodes ? LineOf(*nodes) : "";
  };
  if (periods.empty() || periods.front().start_h != 0)
    return Status::InvalidArgument(at + ": the first period must start at hour 0" + line(0));
  for (size_t i = 0; i < periods.size(); ++i) {
    const TouPeriod& p = periods[i];
    const std::string key = at + "[" + std::to_string(i) + "]";
    if (!(p.start_h >= 0 && p.start_h < 24))
      return Status::InvalidArgument(key + ".start_h: " + FormatG(p.start_h) +
                                     " is outside [0, 24)" + line(i));
    if (i > 0 && p.start_h <= periods[i - 1].start_h)
      return Status::InvalidArgument(key + ".start_h: " + FormatG(p.start_h) +
                                     " does not come after the previous period's start (" +
                                     FormatG(periods[i - 1].start_h) +
                                     "): periods overlap or are out of order" + line(i));
    if (!(p.price_per_kwh >= 0 && p.price_per_kwh <= kBig))
      return Status::InvalidArgument(key + ".price_per_kwh: " + FormatG(p.price_per_kwh) +
                                     (p.price_per_kwh < 0 ? " is negative" : " is out of range") +
                                     line(i));
  }
  return Status::Ok();
}

Result<std::vector<TouPeriod>> ParsePeriods(const toml::node& n, const std::string& where) {
  const toml::array* arr = n.as_array();
  if (!arr || arr->empty())
    return Status::InvalidArgument(where + ": expected a non-empty array of tables" + LineOf(n));
  std::vector<TouPeriod> out;
  for (const toml::node& e : *arr) {
    const toml::table* t = e.as_table();
    if (!t) return Status::InvalidArgument(where + ": each period is a table" + LineOf(e));
    TouPeriod p;
    bool has_start = false, has_price = false;
    for (const auto& [k, v] : *t) {
      const std::string key(k.str());
      V2V_ASSIGN_OR_RETURN(double x, ReadNumber(v, where + "." + key));
      if (key == "start_h") {
        p.start_h = x;
        has_start = true;
      } else if (key == "price_per_kwh") {
        p.price_per_kwh = x;
        has_price = true;
      } else {
        return Status::InvalidArgument(where + "." + key + ": unknown key" + LineOf(v));
      }
    }
    if (!has_start || !has_price)
      return Status::InvalidArgument(where + ": each period needs start_h and price_per_kwh" +
                                     LineOf(e));
    out.push_back(p);
  }
  return out;
}

// The largest RSU index an area may name before the city's count is known (ValidateScenario).
constexpr int64_t kMaxRsuIndex = 10'000'000;
const NumKey& GridKey(std::string_view key) {
  for (const NumKey& k : kGridKeys) {
    if (k.key == key) return k;
  }
  return kGridKeys[0];
}

// [[tariff.area]] (or `area = [{...}, ...]`): the RSU areas with their own tariff. Replaces any
// areas set before, as `periods` replaces the schedule.
Status ParseAreas(const toml::node& n, const std::string& where, std::string_view source,
                  Scenario& s) {
  const toml::array* arr = n.as_array();
  if (!arr) return Status::InvalidArgument(where + ": expected [[tariff.area]] tables" + LineOf(n));
  std::vector<TariffArea> areas;
  std::vector<std::pair<int, size_t>> named;  // RSU, area naming it
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& e = *arr->get(i);
    const std::string name = "[tariff] area[" + std::to_string(i) + "]";
    const std::string at = std::string(source) + ": " + name;
    const toml::table* t = e.as_table();
    if (!t) return Status::InvalidArgument(at + ": each area is a table" + LineOf(e));
    TariffArea area;
    bool has_rsus = false;
    for (const auto& [k, v] : *t) {
      const std::string key(k.str());
      const std::string kw = at + "." + key;
      if (key == "rsus") {
        const toml::array* rs = v.as_array();
        if (!rs || rs->empty())
          return Status::InvalidArgument(kw + ": expected a non-empty array of RSU indices" +
                                         LineOf(v));
        for (const toml::node& r : *rs) {
          auto idx = r.value_exact<int64_t>();
          if (!idx || *idx < 0 || *idx > kMaxRsuIndex)
            return Status::InvalidArgument(kw + ": each RSU is an index, an integer in [0, " +
                                           std::to_string(kMaxRsuIndex) + "]" + LineOf(r));
          const int rsu = static_cast<int>(*idx);
          for (const auto& [other, in] : named) {
            if (other != rsu) continue;
            return Status::InvalidArgument(
                kw + ": RSU " + std::to_string(rsu) +
                (in == i ? " is named twice" : " is already in area[" + std::to_string(in) + "]") +
                "; an RSU has one area" + LineOf(r));
          }
          named.emplace_back(rsu, i);
          area.rsus.push_back(rsu);
        }
        has_rsus = true;
      } else if (key == "periods") {
        V2V_ASSIGN_OR_RETURN(std::vector<TouPeriod> periods, ParsePeriods(v, kw));
        Status st = CheckSchedule(periods, name + ".periods", &v);
        if (!st.ok()) return Status::InvalidArgument(std::string(source) + ": " + st.message());
        area.periods = std::move(periods);
      } else if (key == "feed_in_per_kwh" || key == "network_fee_per_kwh") {
        V2V_ASSIGN_OR_RETURN(double x, ReadInRange(GridKey(key), v, kw));
        (key == "feed_in_per_kwh" ? area.feed_in_per_kwh : area.network_fee_per_kwh) = x;
      } else {
        return Status::InvalidArgument(kw +
                                       ": unknown key (an area has rsus, periods, "
                                       "feed_in_per_kwh and network_fee_per_kwh)" +
                                       LineOf(v));
      }
    }
    if (!has_rsus)
      return Status::InvalidArgument(at + ": names no RSU (expected rsus = [index, ...])" +
                                     LineOf(e));
    if (!area.periods && !area.feed_in_per_kwh && !area.network_fee_per_kwh)
      return Status::InvalidArgument(
          at + ": sets none of periods, feed_in_per_kwh and network_fee_per_kwh" + LineOf(e));
    areas.push_back(std::move(area));
  }
  s.tariff_areas = std::move(areas);
  return Status::Ok();
}

}  // namespace

Status ApplyScenarioKey(const std::string& section, const std::string& key, const toml::node& n,
                        std::string_view source, Scenario& s) {
  const std::string where = Where(source, section, key);
  if (section == "rsu" && key == "layout") {
    return ReadChoice<RsuLayout>(n, where,
                                 {{"grid", RsuLayout::kGrid},
                                  {"junctions", RsuLayout::kJunctions},
                                  {"list", RsuLayout::kList}},
                                 &s.rsu_layout);
  }
  if (section == "market" && key == "model") {
    return ReadChoice<MarketModel>(
        n, where, {{"paper", MarketModel::kPaper}, {"grid", MarketModel::kGrid}}, &s.market_model);
  }
  if (section == "p2p" && key == "mechanism") return ReadMechanismName(n, where, s);
  if (section == "p2p" && key == kPostedPriceKey.key) {
    V2V_ASSIGN_OR_RETURN(s.p2p_posted_price_per_kwh, ReadInRange(kPostedPriceKey, n, where));
    return Status::Ok();
  }
  if (section == "rsu" && key == "positions_m") return ParsePositions(n, where, s);
  if (section == "tariff" && key == "periods") {
    V2V_ASSIGN_OR_RETURN(s.tariff, ParsePeriods(n, where));
    Status st = CheckSchedule(s.tariff, "[tariff] periods", &n);
    if (!st.ok()) return Status::InvalidArgument(std::string(source) + ": " + st.message());
    return Status::Ok();
  }
  if (section == "tariff" && key == "area") return ParseAreas(n, where, source, s);
  for (const NumKey& k : kGridKeys) {
    if (section != k.section || key != k.key) continue;
    V2V_ASSIGN_OR_RETURN(s.*(k.field), ReadInRange(k, n, where));
    return Status::Ok();
  }
  for (const NumKey& k : kNumKeys) {
    if (section != k.section || key != k.key) continue;
    V2V_ASSIGN_OR_RETURN(double x, ReadInRange(k, n, where));
    if (k.field == nullptr) {
      if (x != std::floor(x))
        return Status::InvalidArgument(where + ": expected an integer" + LineOf(n));
      s.vehicle_count = static_cast<int>(x);
    } else {
      s.*(k.field) = x;
    }
    return Status::Ok();
  }
  return Status::InvalidArgument(where + ": unknown key" + LineOf(n));
}

Status ApplyScenarioTable(const toml::table& root, std::string_view source, Scenario& s) {
  for (const auto& [sk, sn] : root) {
    const std::string section(sk.str());
    const toml::table* t = sn.as_table();
    const bool known = section == "city" || section == "rsu" || section == "vehicles" ||
                       section == "market" || section == "p2p" || section == "time" ||
                       section == "tariff" || section == "car";
    if (!t || !known)
      return Status::InvalidArgument(std::string(source) + ": " + section +
                                     ": unknown section (expected [city], [rsu], [vehicles], "
                                     "[market], [p2p], [time], [tariff] or [car])" +
                                     LineOf(sn));
    for (const auto& [k, v] : *t) {
      V2V_RETURN_IF_ERROR(ApplyScenarioKey(section, std::string(k.str()), v, source, s));
    }
  }
  return Status::Ok();
}

namespace {

Status InRange(const NumKey& k, double x) {
  if (x >= k.lo && x <= k.hi) return Status::Ok();
  return Status::InvalidArgument(std::string("[") + k.section + "] " + k.key + ": " + FormatG(x) +
                                 " is outside [" + FormatG(k.lo) + ", " + FormatG(k.hi) + "]");
}

Status Ordered(double lo, double hi, const char* lo_name, const char* hi_name) {
  if (lo <= hi) return Status::Ok();
  return Status::InvalidArgument(std::string(lo_name) + " (" + FormatG(lo) + ") must not exceed " +
                                 hi_name + " (" + FormatG(hi) + ")");
}

std::string NotAnRsu(int64_t rsu, int64_t count) {
  return "RSU " + std::to_string(rsu) + " is not one of the city's " + std::to_string(count) +
         " RSUs" + (count > 0 ? " (0 to " + std::to_string(count - 1) + ")" : "");
}

// [[tariff.area]]: each area names RSUs of the city, none named twice, and sets a key; its
// schedule, feed-in and fee follow [tariff]'s rules.
Status ValidateTariffAreas(const Scenario& s) {
  if (s.tariff_areas.empty()) return Status::Ok();
  const int64_t count = RsuCount(s);
  std::vector<std::pair<int, size_t>> named;  // RSU, area naming it
  for (size_t i = 0; i < s.tariff_areas.size(); ++i) {
    const TariffArea& a = s.tariff_areas[i];
    const std::string at = "[tariff] area[" + std::to_string(i) + "]";
    if (a.rsus.empty()) return Status::InvalidArgument(at + ".rsus: names no RSU");
    for (int rsu : a.rsus) {
      if (rsu < 0 || rsu >= count)
        return Status::InvalidArgument(at + ".rsus: " + NotAnRsu(rsu, count));
      for (const auto& [other, in] : named) {
        if (other != rsu) continue;
        return Status::InvalidArgument(
            at + ".rsus: RSU " + std::to_string(rsu) +
            (in == i ? " is named twice" : " is already in area[" + std::to_string(in) + "]") +
            "; an RSU has one area");
      }
      named.emplace_back(rsu, i);
    }
    if (a.periods) V2V_RETURN_IF_ERROR(CheckSchedule(*a.periods, at + ".periods"));
    for (const auto& [key, x] : {std::pair{"feed_in_per_kwh", a.feed_in_per_kwh},
                                 std::pair{"network_fee_per_kwh", a.network_fee_per_kwh}}) {
      const NumKey& k = GridKey(key);
      if (x && !(*x >= k.lo && *x <= k.hi))
        return Status::InvalidArgument(at + "." + key + ": " + FormatG(*x) + " is outside [" +
                                       FormatG(k.lo) + ", " + FormatG(k.hi) + "]");
    }
    if (!a.periods && !a.feed_in_per_kwh && !a.network_fee_per_kwh)
      return Status::InvalidArgument(
          at + ": sets none of periods, feed_in_per_kwh and network_fee_per_kwh");
  }
  return Status::Ok();
}

// The RSU indices of a file's [[tariff.area]] tables against the city's RSUs, with their lines
// (ValidateScenario checks the same without them).
Status CheckAreaRsusAt(const toml::table& root, std::string_view source, const Scenario& s) {
  const toml::node* areas = root.at_path("tariff.area").node();
  const toml::array* arr = areas ? areas->as_array() : nullptr;
  if (!arr || s.tariff_areas.empty()) return Status::Ok();
  const int64_t count = RsuCount(s);
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::table* t = arr->get(i)->as_table();
    const toml::node* rsus = t ? t->get("rsus") : nullptr;
    const toml::array* rs = rsus ? rsus->as_array() : nullptr;
    if (!rs) continue;
    for (const toml::node& r : *rs) {
      const int64_t rsu = r.value_exact<int64_t>().value_or(0);
      if (rsu < count) continue;
      return Status::InvalidArgument(std::string(source) + ": [tariff] area[" + std::to_string(i) +
                                     "].rsus: " + NotAnRsu(rsu, count) + LineOf(r));
    }
  }
  return Status::Ok();
}

}  // namespace

bool NamesP2pMechanism(const Scenario& s) {
  return s.p2p_mechanism_named || s.p2p_mechanism != kDefaultP2pMechanism;
}

market::MechanismParams P2pMechanismParams(const Scenario& s) {
  market::MechanismParams p;
  p.v_min = s.buyer_value_min_per_kwh;
  p.v_max = s.buyer_value_max_per_kwh;
  p.c_min = s.seller_cost_min_per_kwh;
  p.c_max = s.seller_cost_max_per_kwh;
  p.k = s.p2p_k;
  p.posted_price = s.p2p_posted_price_per_kwh;
  return p;
}

Result<std::unique_ptr<market::Mechanism>> NewP2pMechanism(const Scenario& s) {
  return market::NewMechanismByName(s.p2p_mechanism, P2pMechanismParams(s));
}

double TouPrice(const std::vector<TouPeriod>& periods, double time_s) {
  double h = std::fmod(time_s / 3600.0, 24.0);
  if (h < 0) h += 24.0;
  double price = periods.front().price_per_kwh;
  for (const TouPeriod& p : periods) {
    if (p.start_h <= h) price = p.price_per_kwh;
  }
  return price;
}

double Scenario::GridPrice(double time_s) const { return TouPrice(tariff, time_s); }

int Scenario::TariffAreaOf(int rsu) const {
  for (size_t a = 0; a < tariff_areas.size(); ++a) {
    const std::vector<int>& r = tariff_areas[a].rsus;
    if (std::find(r.begin(), r.end(), rsu) != r.end()) return static_cast<int>(a);
  }
  return -1;
}

const std::vector<TouPeriod>& Scenario::TariffAt(int rsu) const {
  const int a = TariffAreaOf(rsu);
  if (a < 0 || !tariff_areas[static_cast<size_t>(a)].periods) return tariff;
  return *tariff_areas[static_cast<size_t>(a)].periods;
}

double Scenario::FeedInAt(int rsu) const {
  const int a = TariffAreaOf(rsu);
  return a < 0 ? feed_in_per_kwh
               : tariff_areas[static_cast<size_t>(a)].feed_in_per_kwh.value_or(feed_in_per_kwh);
}

double Scenario::NetworkFeeAt(int rsu) const {
  const int a = TariffAreaOf(rsu);
  return a < 0 ? network_fee_per_kwh
               : tariff_areas[static_cast<size_t>(a)].network_fee_per_kwh.value_or(
                     network_fee_per_kwh);
}

namespace {

// Every rule of ValidateScenario but [[tariff.area]]'s (ValidateTariffAreas, which needs the
// city's RSUs laid out by valid keys).
Status ValidateAllButAreas(const Scenario& s) {
  for (const NumKey& k : kNumKeys) {
    V2V_RETURN_IF_ERROR(InRange(k, k.field ? s.*(k.field) : static_cast<double>(s.vehicle_count)));
  }
  for (const NumKey& k : kGridKeys) V2V_RETURN_IF_ERROR(InRange(k, s.*(k.field)));
  V2V_RETURN_IF_ERROR(InRange(kPostedPriceKey, s.p2p_posted_price_per_kwh));
  if (auto m = NewP2pMechanism(s); !m.ok()) {
    return Status::InvalidArgument("[p2p] mechanism: " + m.status().message());
  }
  V2V_RETURN_IF_ERROR(
      Ordered(s.speed_min_mps, s.speed_max_mps, "[vehicles] speed_min_mps", "speed_max_mps"));
  V2V_RETURN_IF_ERROR(Ordered(s.trip_min_s, s.trip_max_s, "[vehicles] trip_min_s", "trip_max_s"));
  V2V_RETURN_IF_ERROR(Ordered(s.park_min_s, s.park_max_s, "[vehicles] park_min_s", "park_max_s"));
  V2V_RETURN_IF_ERROR(Ordered(s.initial_soc_min, s.initial_soc_max, "[vehicles] initial_soc_min",
                              "initial_soc_max"));
  V2V_RETURN_IF_ERROR(Ordered(s.grid_charge_below_soc, s.buyer_below_soc,
                              "[vehicles] grid_charge_below_soc", "buyer_below_soc"));
  V2V_RETURN_IF_ERROR(Ordered(s.buyer_below_soc, s.buyer_target_soc, "[vehicles] buyer_below_soc",
                              "buyer_target_soc"));
  V2V_RETURN_IF_ERROR(Ordered(s.buyer_below_soc, s.seller_above_soc, "[vehicles] buyer_below_soc",
                              "seller_above_soc"));
  V2V_RETURN_IF_ERROR(Ordered(s.seller_reserve_soc, s.seller_above_soc,
                              "[vehicles] seller_reserve_soc", "seller_above_soc"));
  V2V_RETURN_IF_ERROR(Ordered(s.grid_charge_below_soc, s.grid_charge_target_soc,
                              "[vehicles] grid_charge_below_soc", "grid_charge_target_soc"));
  V2V_RETURN_IF_ERROR(Ordered(s.buyer_value_min_per_kwh, s.buyer_value_max_per_kwh,
                              "[market] buyer_value_min_per_kwh", "buyer_value_max_per_kwh"));
  V2V_RETURN_IF_ERROR(Ordered(s.seller_cost_min_per_kwh, s.seller_cost_max_per_kwh,
                              "[market] seller_cost_min_per_kwh", "seller_cost_max_per_kwh"));
  V2V_RETURN_IF_ERROR(
      Ordered(s.loss_rate_min, s.loss_rate_max, "[market] loss_rate_min", "loss_rate_max"));
  V2V_RETURN_IF_ERROR(
      Ordered(s.willingness_min, s.willingness_max, "[market] willingness_min", "willingness_max"));
  if (s.road_spacing_m > s.city_size_m)
    return Status::InvalidArgument("[city] road_spacing_m must not exceed size_m");
  if (s.speed_max_mps <= 0)
    return Status::InvalidArgument("[vehicles] speed_max_mps must be positive");
  if (s.rsu_layout == RsuLayout::kList && s.rsu_positions_m.empty())
    return Status::InvalidArgument(
        "[rsu] positions_m: layout \"list\" needs at least one position");
  return CheckSchedule(s.tariff, "[tariff] periods");
}

}  // namespace

Status ValidateScenario(const Scenario& s) {
  V2V_RETURN_IF_ERROR(ValidateAllButAreas(s));
  return ValidateTariffAreas(s);
}

Result<toml::table> ParseTomlText(std::string_view text, std::string_view source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(std::string(source) + ": line " +
                                   std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
}

Result<Scenario> ParseScenarioToml(std::string_view text, std::string_view source) {
  V2V_ASSIGN_OR_RETURN(const toml::table root, ParseTomlText(text, source));
  Scenario s;
  V2V_RETURN_IF_ERROR(ApplyScenarioTable(root, source, s));
  Status st = ValidateAllButAreas(s);
  if (st.ok()) {
    V2V_RETURN_IF_ERROR(CheckAreaRsusAt(root, source, s));  // the same check, with the lines
    st = ValidateTariffAreas(s);
  }
  if (!st.ok()) return Status::InvalidArgument(std::string(source) + ": " + st.message());
  return s;
}

Result<Scenario> LoadScenarioFile(const std::string& path) {
  V2V_ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  return ParseScenarioToml(text, path);
}

namespace {

// A schedule's periods, one inline table a line.
std::string PeriodsToToml(const std::vector<TouPeriod>& periods) {
  std::string out;
  for (const TouPeriod& p : periods) {
    out += "  {start_h = " + FormatExact(p.start_h) +
           ", price_per_kwh = " + FormatExact(p.price_per_kwh) + "},\n";
  }
  return out;
}

}  // namespace

std::string ScenarioToToml(const Scenario& s) {
  std::string out;
  const char* section = "";
  for (const NumKey& k : kNumKeys) {
    if (std::string_view(section) != k.section) {
      section = k.section;
      out += out.empty() ? "[" : "\n[";
      out += section;
      out += "]\n";
      if (std::string_view(section) == "market" && s.market_model == MarketModel::kGrid) {
        out += "model = \"grid\"\n";
      }
      if (std::string_view(section) == "rsu") {
        out += "layout = \"";
        out += s.rsu_layout == RsuLayout::kGrid        ? "grid"
               : s.rsu_layout == RsuLayout::kJunctions ? "junctions"
                                                       : "list";
        out += "\"\npositions_m = [";
        for (size_t i = 0; i < s.rsu_positions_m.size(); ++i) {
          out += (i ? ", [" : "[") + FormatExact(s.rsu_positions_m[i].x) + ", " +
                 FormatExact(s.rsu_positions_m[i].y) + "]";
        }
        out += "]\n";
      }
      if (std::string_view(section) == "p2p" && NamesP2pMechanism(s)) {
        out += "mechanism = \"" + s.p2p_mechanism + "\"\n";
        if (s.p2p_mechanism == "posted-price") {
          out += std::string(kPostedPriceKey.key) + " = " +
                 FormatExact(s.p2p_posted_price_per_kwh) + "\n";
        }
      }
    }
    const double x = k.field ? s.*(k.field) : static_cast<double>(s.vehicle_count);
    out += std::string(k.key) + " = " + FormatExact(x) + "\n";
  }
  out += "\n[tariff]\nperiods = [\n" + PeriodsToToml(s.tariff) + "]\n";
  if (s.market_model == MarketModel::kGrid) {
    const char* at = "tariff";  // the section printed last: the grid keys follow in order
    for (const NumKey& k : kGridKeys) {
      if (std::string_view(at) != k.section) {
        at = k.section;
        out += std::string("\n[") + at + "]\n";
      }
      out += std::string(k.key) + " = " + FormatExact(s.*(k.field)) + "\n";
    }
  }
  // The RSU areas, only when there are any (a city without them keeps its text and stamp), under
  // either model: their import prices and feed-in enter the bills of both.
  for (const TariffArea& a : s.tariff_areas) {
    std::vector<int> rsus = a.rsus;
    std::sort(rsus.begin(), rsus.end());
    out += "\n[[tariff.area]]\nrsus = [";
    for (size_t i = 0; i < rsus.size(); ++i) out += (i ? ", " : "") + std::to_string(rsus[i]);
    out += "]\n";
    if (a.periods) out += "periods = [\n" + PeriodsToToml(*a.periods) + "]\n";
    if (a.feed_in_per_kwh) out += "feed_in_per_kwh = " + FormatExact(*a.feed_in_per_kwh) + "\n";
    if (a.network_fee_per_kwh) {
      out += "network_fee_per_kwh = " + FormatExact(*a.network_fee_per_kwh) + "\n";
    }
  }
  return out;
}

std::string ScenarioHash(const Scenario& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : ScenarioToToml(s)) {
    h ^= ch;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace v2v::sim
