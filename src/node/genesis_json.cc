#include "node/genesis_json.h"

#include <fstream>
#include <sstream>

#include "base/file_util.h"
#include "crypto/certificate.h"
#include "node/grid_json.h"
#include "node/json_int.h"
#include "node/mechanism_json.h"

namespace v2v::node {
namespace {

Result<crypto::PublicKey> KeyFromHex(const std::string& what, const std::string& hex) {
  auto b = FromHex(hex);
  if (!b || b->size() != 32)
    return Status::InvalidArgument("genesis " + what + ": bad public key hex: " + hex);
  crypto::PublicKey k;
  std::copy(b->begin(), b->end(), k.bytes.begin());
  return k;
}

}  // namespace

Result<contract::Genesis> ParseGenesisJson(ByteSpan bytes) {
  const auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument("genesis is not JSON");
  try {
    contract::Genesis g;
    V2V_ASSIGN_OR_RETURN(g.timestamp_s, JsonInt64(j, "genesis", "timestamp", std::nullopt));
    V2V_ASSIGN_OR_RETURN(g.ca_key,
                         KeyFromHex("ca_public_key", j.at("ca_public_key").get<std::string>()));
    if (j.contains("ca_certificate")) {
      auto ca = FromHex(j.at("ca_certificate").get<std::string>());
      if (!ca) return Status::InvalidArgument("genesis ca_certificate: not hex");
      g.ca_certificate = *ca;
    }
    for (const auto& a : j.at("authorities")) {
      V2V_ASSIGN_OR_RETURN(auto k, KeyFromHex("authorities", a.get<std::string>()));
      g.authorities.push_back(k);
    }
    // The flat keys "clique_epoch" / "clique_period_s" (an earlier form) are read too.
    if (j.contains("clique") && (j.contains("clique_epoch") || j.contains("clique_period_s"))) {
      return Status::InvalidArgument(
          "genesis: give either \"clique\" or clique_epoch / clique_period_s, not both");
    }
    for (const char* key : {"clique_epoch", "clique_period_s"}) {
      if (j.contains(key) && !j.at(key).is_number_unsigned()) {
        return Status::InvalidArgument(std::string("genesis ") + key +
                                       ": expected a non-negative integer");
      }
    }
    g.clique.epoch = j.value("clique_epoch", g.clique.epoch);
    g.clique.period_s = j.value("clique_period_s", g.clique.period_s);
    if (g.clique.epoch == 0) return Status::InvalidArgument("genesis clique_epoch: must be > 0");
    if (j.contains("clique")) {
      const auto& c = j.at("clique");
      if (!c.is_object()) return Status::InvalidArgument("genesis clique: expected an object");
      for (const auto& [key, value] : c.items()) {
        if (key != "epoch" && key != "period_s") {
          return Status::InvalidArgument("genesis clique: unknown key \"" + key + "\"");
        }
      }
      for (const char* key : {"epoch", "period_s"}) {
        if (c.contains(key) && !c.at(key).is_number_unsigned()) {
          return Status::InvalidArgument(std::string("genesis clique.") + key +
                                         ": expected a non-negative integer");
        }
      }
      const auto epoch = c.value("epoch", g.clique.epoch);
      const auto period = c.value("period_s", g.clique.period_s);
      if (epoch == 0) return Status::InvalidArgument("genesis clique.epoch: must be > 0");
      g.clique.epoch = epoch;
      g.clique.period_s = period;
    }
    V2V_ASSIGN_OR_RETURN(g.params.settle_window_s,
                         JsonInt64(j, "genesis", "settle_window_s", int64_t{3600}));
    V2V_ASSIGN_OR_RETURN(g.params.max_round_age_s,
                         JsonInt64(j, "genesis", "max_round_age_s", int64_t{600}));
    V2V_ASSIGN_OR_RETURN(g.params.shortfall_penalty_per_kwh,
                         JsonInt64(j, "genesis", "shortfall_penalty_per_kwh", int64_t{0}));
    if (g.params.shortfall_penalty_per_kwh < 0 ||
        g.params.shortfall_penalty_per_kwh > contract::kMaxShortfallPenalty) {
      return Status::InvalidArgument("genesis shortfall_penalty_per_kwh: must be in [0, " +
                                     std::to_string(contract::kMaxShortfallPenalty) + "]");
    }
    if (j.contains("grid")) {
      auto grid = ParseGridJson(j.at("grid"));
      if (!grid.ok()) return Status::InvalidArgument("genesis " + grid.status().message());
      g.params.grid = std::move(grid).value();
    }
    if (j.contains("mechanism")) {
      auto mechanism = ParseMechanismJson(j.at("mechanism"));
      if (!mechanism.ok())
        return Status::InvalidArgument("genesis " + mechanism.status().message());
      g.params.mechanism = *mechanism;
    }
    for (const auto& a : j.at("accounts")) {
      contract::GenesisAccount acc;
      const std::string role = a.at("role").get<std::string>();
      const std::optional<crypto::Role> parsed = crypto::ParseRole(role);
      if (!parsed) {
        return Status::InvalidArgument(
            "genesis account role: expected \"vehicle\" or \"rsu\", got \"" + role + "\"");
      }
      acc.role = *parsed;
      auto cert = FromHex(a.at("certificate").get<std::string>());
      if (!cert) return Status::InvalidArgument("genesis account certificate: not hex");
      acc.certificate = *cert;
      if (!a.is_object()) return Status::InvalidArgument("genesis account: expected an object");
      V2V_ASSIGN_OR_RETURN(acc.energy_wh,
                           JsonInt64(a, "genesis account", "energy_wh", std::nullopt));
      V2V_ASSIGN_OR_RETURN(acc.balance, JsonInt64(a, "genesis account", "balance", std::nullopt));
      g.accounts.push_back(std::move(acc));
    }
    // The limits of the canonical encoding every node decodes (certificate sizes, the number of
    // authorities, ...): a genesis no node could reopen is refused here.
    if (auto back = contract::DecodeGenesis(contract::EncodeGenesis(g)); !back.ok()) {
      return Status::InvalidArgument("genesis: " + back.status().message());
    }
    return g;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("genesis: ") + e.what());
  }
}

nlohmann::json GenesisToJson(const contract::Genesis& g) {
  nlohmann::json authorities = nlohmann::json::array();
  for (const auto& k : g.authorities) authorities.push_back(k.Hex());
  nlohmann::json accounts = nlohmann::json::array();
  for (const auto& a : g.accounts) {
    accounts.push_back({{"role", crypto::RoleName(a.role)},
                        {"certificate", ToHex(a.certificate)},
                        {"energy_wh", a.energy_wh},
                        {"balance", a.balance}});
  }
  nlohmann::json out = {{"timestamp", g.timestamp_s},
                        {"ca_public_key", g.ca_key.Hex()},
                        {"ca_certificate", ToHex(g.ca_certificate)},
                        {"authorities", authorities},
                        {"clique", {{"epoch", g.clique.epoch}, {"period_s", g.clique.period_s}}},
                        {"settle_window_s", g.params.settle_window_s},
                        {"max_round_age_s", g.params.max_round_age_s},
                        {"shortfall_penalty_per_kwh", g.params.shortfall_penalty_per_kwh},
                        {"accounts", accounts}};
  if (!g.params.grid.empty()) out["grid"] = GridToJson(g.params.grid);
  if (g.params.mechanism != market::ChainMechanism{}) {
    out["mechanism"] = MechanismToJson(g.params.mechanism);
  }
  return out;
}

Result<contract::Genesis> ReadGenesisJsonFile(const std::string& path) {
  V2V_ASSIGN_OR_RETURN(const std::string s, ReadFile(path));
  return ParseGenesisJson(AsBytes(s));
}

}  // namespace v2v::node
