// Fuzz target: the explorer's read methods (src/explorer/explorer_api.h) on arbitrary request
// bytes, against a small simulated chain. Every non-empty answer must be valid JSON; no input
// may crash, hang or read out of bounds (cursors, heights, hashes, page sizes, ranges).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "devnet/block_generator.h"
#include "explorer/explorer_api.h"
#include "store/kv_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const v2v::rpc::Dispatcher* d = [] {
    static v2v::devnet::BlockGenerator generator;
    static auto ledger =
        std::move(v2v::node::Ledger::Init(v2v::store::NewMemKvStore(), generator.genesis()))
            .value();
    v2v::base::Rng rng(5);
    for (int i = 0; i < 4; ++i) {
      auto block = generator.NextBlock(*ledger, rng);
      if (!block.ok() || !ledger->Append(*block).ok()) __builtin_trap();
    }
    auto* disp = new v2v::rpc::Dispatcher();
    const v2v::node::Ledger* l = ledger.get();
    v2v::explorer::RegisterExplorerMethods(
        *disp, {[l]() -> const v2v::node::Ledger& { return *l; }, nullptr});
    return disp;
  }();
  const std::string out = d->Handle(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!out.empty() && nlohmann::json::parse(out, nullptr, false).is_discarded()) __builtin_trap();
  return 0;
}
