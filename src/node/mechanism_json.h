// The genesis's mechanism (market::ChainMechanism, contract rule C-4.9) in JSON: the genesis
// file's optional "mechanism" key, vehicle_getRound's "mechanism" and the explorer's. An object:
//
//   {"name": "bayesian" | "k-double-auction" | "posted-price" | "sbba" | "mcafee",
//    "k_ppm": <k in millionths, [0, 1000000]>          (the k-double auction; optional, 500000),
//    "posted_price": <smallest units per kWh, [1, 2^31]> (the posted price; required),
//    "value_floor", "cost_ceiling": <smallest units per kWh, [0, 2^31]> (McAfee; required)}
//
// Absent: the paper's scheme. Unknown keys, a key the mechanism does not read, wrong types, an
// unknown name (vcg included: no account on chain pays its deficit) and every rule of
// market::ValidateChainMechanism are InvalidArgument naming the field.
#pragma once

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "market/chain_mechanism.h"

namespace v2v::node {

Result<market::ChainMechanism> ParseMechanismJson(const nlohmann::json& j);
nlohmann::json MechanismToJson(const market::ChainMechanism& m);

}  // namespace v2v::node
