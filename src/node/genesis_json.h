// The genesis file in JSON (`v2v chain genesis`, `v2v chain init --genesis`, the node's config
// `genesis = ...`, `v2v testnet start`):
//
//   {"timestamp": <unix s>, "ca_public_key": hex, "ca_certificate": hex DER of the CA's X.509
//    certificate (absent or "" = compact `v2v.cert` certificates), "authorities": [hex keys],
//    "clique": {"epoch": <blocks, > 0>, "period_s": <s>} (optional; defaults 30000 and 1; the
//    flat keys "clique_epoch" / "clique_period_s" are accepted instead),
//    "settle_window_s", "max_round_age_s", "shortfall_penalty_per_kwh" (optional),
//    "accounts": [{"role": "vehicle"|"rsu", "certificate": hex, "energy_wh", "balance"}],
//    "grid": [areas] (optional; absent: the paper's model; node/grid_json.h)}
//
// Parsing is strict about types and required keys; errors are InvalidArgument naming the key.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "contract/genesis.h"

namespace v2v::node {

Result<contract::Genesis> ParseGenesisJson(ByteSpan bytes);
nlohmann::json GenesisToJson(const contract::Genesis& g);
// Reads and parses a genesis JSON file.
Result<contract::Genesis> ReadGenesisJsonFile(const std::string& path);

}  // namespace v2v::node
