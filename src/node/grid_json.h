// The grid areas of a genesis (contract::GridArea, contract rule C-4.7) in JSON: the genesis
// file's optional "grid" key and the file `v2v testnet start --grid` reads. An array of areas:
//
//   [{"rsu": "rsu-0" (optional; "" or absent: every RSU no other area names),
//     "import": [{"start_s": <second of the UTC day>, "price": <smallest units per kWh>}, ...],
//     "feed_in": <smallest units per kWh>,
//     "fee": <network fee per V2V kWh, paid by the buyer to the round's RSU> (optional; 0),
//     "chargers": [{"x_m": <m>, "y_m": <m>}, ...]      (optional; none: no detour),
//     "detour_wh_per_km", "speed_mm_per_s", "wait_s", "time_value_per_h"  (optional; 0, 10000,
//      0, 0)}]
//
// Areas may come in any order (they are sorted by rsu); unknown keys, wrong types and every rule
// of market::ValidateGridTariff are InvalidArgument naming the area and the field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "contract/genesis.h"

namespace v2v::node {

Result<std::vector<contract::GridArea>> ParseGridJson(const nlohmann::json& j);
nlohmann::json GridToJson(const std::vector<contract::GridArea>& areas);
// Reads a file holding the array above.
Result<std::vector<contract::GridArea>> ReadGridJsonFile(const std::string& path);

}  // namespace v2v::node
