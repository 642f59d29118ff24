#include "node/grid_json.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "base/file_util.h"
#include "node/json_int.h"

namespace v2v::node {
namespace {

Status Bad(const std::string& where, const std::string& why) {
  return Status::InvalidArgument("grid " + where + ": " + why);
}

Result<int64_t> Int(const nlohmann::json& j, const std::string& where, const char* key,
                    std::optional<int64_t> fallback) {
  return JsonInt64(j, "grid " + where, key, fallback);
}

Status OnlyKeys(const nlohmann::json& j, const std::string& where,
                const std::set<std::string>& known) {
  if (!j.is_object()) return Bad(where, "expected an object");
  for (const auto& [key, value] : j.items()) {
    if (!known.contains(key)) return Bad(where, "unknown key \"" + key + "\"");
  }
  return Status::Ok();
}

Result<market::GridTariff> ParseTariff(const nlohmann::json& a, const std::string& where) {
  market::GridTariff t;
  if (!a.contains("import") || !a.at("import").is_array()) {
    return Bad(where + ".import", "expected an array of {start_s, price}");
  }
  for (size_t k = 0; k < a.at("import").size(); ++k) {
    const auto& p = a.at("import")[k];
    const std::string at = where + ".import[" + std::to_string(k) + "]";
    V2V_RETURN_IF_ERROR(OnlyKeys(p, at, {"start_s", "price"}));
    V2V_ASSIGN_OR_RETURN(const int64_t start, Int(p, at, "start_s", std::nullopt));
    V2V_ASSIGN_OR_RETURN(const int64_t price, Int(p, at, "price", std::nullopt));
    t.import.push_back({start, price});
  }
  V2V_ASSIGN_OR_RETURN(t.feed_in, Int(a, where, "feed_in", std::nullopt));
  V2V_ASSIGN_OR_RETURN(t.fee, Int(a, where, "fee", 0));
  if (a.contains("chargers")) {
    if (!a.at("chargers").is_array()) return Bad(where + ".chargers", "expected an array");
    for (size_t k = 0; k < a.at("chargers").size(); ++k) {
      const auto& c = a.at("chargers")[k];
      const std::string at = where + ".chargers[" + std::to_string(k) + "]";
      V2V_RETURN_IF_ERROR(OnlyKeys(c, at, {"x_m", "y_m"}));
      V2V_ASSIGN_OR_RETURN(const int64_t x, Int(c, at, "x_m", std::nullopt));
      V2V_ASSIGN_OR_RETURN(const int64_t y, Int(c, at, "y_m", std::nullopt));
      t.chargers.push_back({x, y});
    }
  }
  V2V_ASSIGN_OR_RETURN(t.detour_wh_per_km, Int(a, where, "detour_wh_per_km", 0));
  V2V_ASSIGN_OR_RETURN(t.speed_mm_per_s, Int(a, where, "speed_mm_per_s", 10'000));
  V2V_ASSIGN_OR_RETURN(t.wait_s, Int(a, where, "wait_s", 0));
  V2V_ASSIGN_OR_RETURN(t.time_value_per_h, Int(a, where, "time_value_per_h", 0));
  return t;
}

}  // namespace

Result<std::vector<contract::GridArea>> ParseGridJson(const nlohmann::json& j) {
  if (!j.is_array()) return Bad("", "expected an array of areas");
  std::vector<contract::GridArea> areas;
  for (size_t k = 0; k < j.size(); ++k) {
    const auto& a = j[k];
    const std::string where = "[" + std::to_string(k) + "]";
    V2V_RETURN_IF_ERROR(OnlyKeys(a, where,
                                 {"rsu", "import", "feed_in", "fee", "chargers", "detour_wh_per_km",
                                  "speed_mm_per_s", "wait_s", "time_value_per_h"}));
    contract::GridArea area;
    if (a.contains("rsu")) {
      if (!a.at("rsu").is_string()) return Bad(where + ".rsu", "expected a string");
      area.rsu = a.at("rsu").get<std::string>();
    }
    V2V_ASSIGN_OR_RETURN(area.tariff, ParseTariff(a, where));
    areas.push_back(std::move(area));
  }
  std::stable_sort(
      areas.begin(), areas.end(),
      [](const contract::GridArea& x, const contract::GridArea& y) { return x.rsu < y.rsu; });
  V2V_RETURN_IF_ERROR(contract::ValidateGridAreas(areas));
  return areas;
}

nlohmann::json GridToJson(const std::vector<contract::GridArea>& areas) {
  nlohmann::json out = nlohmann::json::array();
  for (const contract::GridArea& a : areas) {
    nlohmann::json import = nlohmann::json::array();
    for (const auto& p : a.tariff.import)
      import.push_back({{"start_s", p.start_s}, { "price", p.price }});
    nlohmann::json chargers = nlohmann::json::array();
    for (const auto& c : a.tariff.chargers) chargers.push_back({{"x_m", c.x_m}, {"y_m", c.y_m}});
    out.push_back({{"rsu", a.rsu},
                   {"import", import},
                   {"feed_in", a.tariff.feed_in},
                   {"fee", a.tariff.fee},
                   {"chargers", chargers},
                   {"detour_wh_per_km", a.tariff.detour_wh_per_km},
                   {"speed_mm_per_s", a.tariff.speed_mm_per_s},
                   {"wait_s", a.tariff.wait_s},
                   {"time_value_per_h", a.tariff.time_value_per_h}});
  }
  return out;
}

Result<std::vector<contract::GridArea>> ReadGridJsonFile(const std::string& path) {
  V2V_ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument(path + ": not JSON");
  auto areas = ParseGridJson(j);
  if (!areas.ok()) return Status::InvalidArgument(path + ": " + areas.status().message());
  return areas;
}

}  // namespace v2v::node
