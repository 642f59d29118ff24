// Fuzz target for scenario files (`v2v simulate --scenario`): arbitrary bytes -> ParseScenarioToml.
// It must never crash or trip a sanitizer, and an accepted scenario must survive its canonical
// text: ParseScenarioToml(ScenarioToToml(s)) is accepted and has the same hash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto s = v2v::sim::ParseScenarioToml(text, "fuzz.toml");
  if (!s.ok()) return 0;
  auto again = v2v::sim::ParseScenarioToml(v2v::sim::ScenarioToToml(*s), "canonical");
  if (!again.ok()) __builtin_trap();
  if (v2v::sim::ScenarioHash(*again) != v2v::sim::ScenarioHash(*s)) __builtin_trap();
  return 0;
}
