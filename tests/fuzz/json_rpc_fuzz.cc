// Fuzz target: the JSON-RPC dispatcher on arbitrary request bytes. Every non-empty answer must
// itself be valid JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rpc/json_rpc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const v2v::rpc::Dispatcher* d = [] {
    auto* disp = new v2v::rpc::Dispatcher();
    disp->Register("echo", [](const nlohmann::json& p) -> v2v::rpc::RpcResult {
      const nlohmann::json* v = v2v::rpc::Param(p, 0, "value");
      if (v == nullptr) return v2v::rpc::RpcError{v2v::rpc::kInvalidParams, "missing value"};
      return *v;
    });
    return disp;
  }();
  const std::string out = d->Handle(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!out.empty() && nlohmann::json::parse(out, nullptr, false).is_discarded()) __builtin_trap();
  return 0;
}
