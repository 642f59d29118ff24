#include "node/json_int.h"

namespace v2v::node {

Result<int64_t> JsonInt64(const nlohmann::json& j, const std::string& where, const char* key,
                          std::optional<int64_t> fallback) {
  if (!j.contains(key)) {
    if (fallback) return *fallback;
    return Status::InvalidArgument(where + ": missing \"" + key + "\"");
  }
  const nlohmann::json& v = j.at(key);
  if (!v.is_number_integer() ||
      (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
    return Status::InvalidArgument(where + "." + key +
                                   ": expected an integer (a 64-bit signed one)");
  }
  return v.get<int64_t>();
}

}  // namespace v2v::node
