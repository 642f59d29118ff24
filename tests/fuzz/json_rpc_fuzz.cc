// Fuzz target: the JSON-RPC dispatcher on arbitrary request bytes. Every non-empty answer must
// itself be valid JSON, and a text nested deeper than the limit must be refused before parsing
// (the seed corpus holds deep nesting: issue 10's remote crash).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rpc/json_depth.h"
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
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string out = d->Handle(text);
  if (!out.empty() && nlohmann::json::parse(out, nullptr, false).is_discarded()) __builtin_trap();
  const size_t limit = d->limits().max_depth;
  if (v2v::rpc::JsonDepth(text, limit) > limit && out.find("-32005") == std::string::npos)
    __builtin_trap();
  return 0;
}
