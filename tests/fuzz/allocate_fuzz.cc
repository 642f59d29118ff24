// Fuzz target for the `v2v allocate` input path: arbitrary bytes -> ParseMarketJson -> RunRound
// -> JSON, and the same market cleared by every mechanism by name (`--mechanism`). It must never
// crash, hang or trip a sanitizer; any error must be a Status.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "market/market_json.h"
#include "market/market_round.h"
#include "market/round_mechanism.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto market = v2v::market::ParseMarketJson(text);
  if (!market.ok()) return 0;
  if (market->buyers.size() * market->sellers.size() > 400) return 0;  // keep each run fast
  auto result = v2v::market::RunRound(*market);
  if (result.ok()) {
    std::string out = v2v::market::RoundResultToJson(*result, -1);
    if (out.empty()) __builtin_trap();
  }
  v2v::market::MechanismParams params;
  params.posted_price = 0.5;
  for (std::string_view name : v2v::market::MechanismNames()) {
    auto clearing = v2v::market::ClearRoundWithMechanism(*market, name, params, 1);
    if (clearing.ok() && v2v::market::MechanismClearingToJson(*clearing, -1).empty())
      __builtin_trap();
  }
  return 0;
}
