#include "node/mechanism_json.h"

#include <cstdint>
#include <string>

#include "node/json_int.h"

namespace v2v::node {
namespace {

Status Bad(const std::string& why) { return Status::InvalidArgument("mechanism" + why); }

}  // namespace

Result<market::ChainMechanism> ParseMechanismJson(const nlohmann::json& j) {
  using Kind = market::ChainMechanismKind;
  if (!j.is_object()) return Bad(": expected an object");
  if (!j.contains("name") || !j.at("name").is_string()) return Bad(".name: expected a string");
  const std::string name = j.at("name").get<std::string>();
  const std::optional<Kind> kind = market::ParseChainMechanismKind(name);
  if (!kind) {
    return Bad(".name: \"" + name +
               "\" is not one a chain runs (bayesian, k-double-auction, posted-price, sbba, "
               "mcafee)");
  }
  market::ChainMechanism m;
  m.kind = *kind;
  if (m.kind == Kind::kKDoubleAuction) m.k_ppm = 500'000;
  for (const auto& [key, value] : j.items()) {
    const bool mcafee_reads =
        (key == "value_floor" || key == "cost_ceiling") && m.kind == Kind::kMcAfee;
    const bool reads = key == "name" || (key == "k_ppm" && m.kind == Kind::kKDoubleAuction) ||
                       (key == "posted_price" && m.kind == Kind::kPostedPrice) || mcafee_reads;
    if (!reads) return Bad(": " + name + " does not read \"" + key + "\"");
  }
  if (j.contains("k_ppm")) {
    V2V_ASSIGN_OR_RETURN(m.k_ppm, JsonInt64(j, "mechanism", "k_ppm", std::nullopt));
  }
  if (m.kind == Kind::kPostedPrice) {
    if (!j.contains("posted_price")) return Bad(".posted_price: the posted price needs one");
    V2V_ASSIGN_OR_RETURN(m.posted_price, JsonInt64(j, "mechanism", "posted_price", std::nullopt));
  }
  if (m.kind == Kind::kMcAfee) {
    V2V_ASSIGN_OR_RETURN(m.value_floor, JsonInt64(j, "mechanism", "value_floor", std::nullopt));
    V2V_ASSIGN_OR_RETURN(m.cost_ceiling, JsonInt64(j, "mechanism", "cost_ceiling", std::nullopt));
  }
  V2V_RETURN_IF_ERROR(market::ValidateChainMechanism(m));
  return m;
}

nlohmann::json MechanismToJson(const market::ChainMechanism& m) {
  nlohmann::json out = {{"name", std::string(market::ChainMechanismName(m.kind))}};
  if (m.kind == market::ChainMechanismKind::kKDoubleAuction) out["k_ppm"] = m.k_ppm;
  if (m.kind == market::ChainMechanismKind::kPostedPrice) out["posted_price"] = m.posted_price;
  if (m.kind == market::ChainMechanismKind::kMcAfee) {
    out["value_floor"] = m.value_floor;
    out["cost_ceiling"] = m.cost_ceiling;
  }
  return out;
}

}  // namespace v2v::node
