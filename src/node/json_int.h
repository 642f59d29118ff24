// The one strict reading of an integer field in an operator's JSON file (the genesis, its grid
// areas and mechanism): a JSON integer (not a float, a string or a boolean) that fits a signed
// 64-bit integer. nlohmann's get<int64_t>() would convert a float or wrap a large unsigned value
// instead (and converting a float past int64 is undefined behaviour).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.h"

namespace v2v::node {

// j[key]; `fallback` when j has no such key. InvalidArgument "<where>: missing \"<key>\"" when it
// is absent without a fallback, "<where>.<key>: expected an integer (a 64-bit signed one)" when
// it is not such an integer. REQUIRES: j is an object.
Result<int64_t> JsonInt64(const nlohmann::json& j, const std::string& where, const char* key,
                          std::optional<int64_t> fallback);

}  // namespace v2v::node
