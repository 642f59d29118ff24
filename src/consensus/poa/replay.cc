#include "consensus/poa/replay.h"

#include <map>
#include <nlohmann/json.hpp>

#include "consensus/poa/snapshot.h"
#include "crypto/hash.h"

namespace v2v::consensus::poa {
namespace {

using nlohmann::json;

Result<Signer> KeyOf(const std::string& name, std::map<Signer, std::string>& names) {
  const Hash32 seed = crypto::Sha256(AsBytes("v2v/clique-replay/" + name));
  auto key = crypto::PrivateKey::FromSeed(seed.bytes);
  if (!key.ok()) return key.status();
  names[key->public_key()] = name;
  return key->public_key();
}

Result<std::vector<Signer>> Keys(const json& arr, const std::string& path,
                                 std::map<Signer, std::string>& names) {
  if (!arr.is_array()) return Status::InvalidArgument(path + ": expected an array of names");
  std::vector<Signer> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    if (!arr[i].is_string())
      return Status::InvalidArgument(path + "[" + std::to_string(i) + "]: expected a name");
    V2V_ASSIGN_OR_RETURN(Signer k, KeyOf(arr[i].get<std::string>(), names));
    out.push_back(k);
  }
  return out;
}

Result<std::string> RunCase(const json& c, const std::string& path) {
  if (!c.is_object()) return Status::InvalidArgument(path + ": expected an object");
  if (!c.contains("name") || !c["name"].is_string())
    return Status::InvalidArgument(path + ".name: expected a string");
  const std::string name = c["name"].get<std::string>();
  uint64_t epoch = kDefaultEpoch;
  if (c.contains("epoch") && !c["epoch"].is_null()) {
    if (!c["epoch"].is_number_unsigned() || c["epoch"].get<uint64_t>() == 0) {
      return Status::InvalidArgument(path + ".epoch: expected a positive integer or null");
    }
    epoch = c["epoch"].get<uint64_t>();
  }
  std::map<Signer, std::string> names;
  if (!c.contains("signers")) return Status::InvalidArgument(path + ".signers: missing");
  V2V_ASSIGN_OR_RETURN(std::vector<Signer> genesis, Keys(c["signers"], path + ".signers", names));
  Snapshot snap(epoch, genesis);
  const json votes = c.value("votes", json::array());
  if (!votes.is_array()) return Status::InvalidArgument(path + ".votes: expected an array");
  for (size_t k = 0; k < votes.size(); ++k) {
    const json& v = votes[k];
    const std::string at = path + ".votes[" + std::to_string(k) + "]";
    if (!v.is_object() || !v.contains("signer") || !v["signer"].is_string()) {
      return Status::InvalidArgument(at + ".signer: expected a name");
    }
    CliqueHeader h;
    h.height = snap.height() + 1;
    V2V_ASSIGN_OR_RETURN(h.sealer, KeyOf(v["signer"].get<std::string>(), names));
    h.difficulty = snap.DifficultyFor(h.height, h.sealer);
    if (v.contains("voted") && !v["voted"].is_null()) {
      if (!v["voted"].is_string())
        return Status::InvalidArgument(at + ".voted: expected a name or null");
      V2V_ASSIGN_OR_RETURN(Signer target, KeyOf(v["voted"].get<std::string>(), names));
      const json auth = v.value("auth", json(false));
      if (!auth.is_boolean()) return Status::InvalidArgument(at + ".auth: expected a boolean");
      h.vote = Vote{target, auth.get<bool>()};
    }
    if (v.contains("checkpoint") && !v["checkpoint"].is_null()) {
      V2V_ASSIGN_OR_RETURN(h.checkpoint_signers, Keys(v["checkpoint"], at + ".checkpoint", names));
    }
    const json newbatch = v.value("newbatch", json(false));
    if (!newbatch.is_boolean())
      return Status::InvalidArgument(at + ".newbatch: expected a boolean");
    if (newbatch.get<bool>()) {  // close and reopen from storage
      V2V_ASSIGN_OR_RETURN(snap, Snapshot::Decode(snap.Encode()));
    }
    auto applied = snap.Apply(h);
    if (!applied.ok()) {  // Apply only ever rejects (it reads nothing)
      nlohmann::ordered_json out;
      out["name"] = name;
      out["error"] = std::string(chain::RejectName(applied.rejection().code));
      return out.dump();
    }
    snap = std::move(applied).value();
  }
  std::vector<std::string> final_names;
  for (const Signer& s : snap.signers()) final_names.push_back(names[s]);
  std::sort(final_names.begin(), final_names.end());
  nlohmann::ordered_json out;
  out["name"] = name;
  out["signers"] = final_names;
  return out.dump();
}

}  // namespace

Result<std::vector<std::string>> ReplayScenarios(std::string_view text) {
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Status::InvalidArgument("scenario file: not valid JSON");
  if (!root.is_array())
    return Status::InvalidArgument("scenario file: expected a JSON array of cases");
  std::vector<std::string> lines;
  for (size_t i = 0; i < root.size(); ++i) {
    V2V_ASSIGN_OR_RETURN(std::string line, RunCase(root[i], "[" + std::to_string(i) + "]"));
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace v2v::consensus::poa
