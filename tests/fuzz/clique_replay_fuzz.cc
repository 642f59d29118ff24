// Fuzz target: the clique-replay scenario reader and the engine behind it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "consensus/poa/replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  auto lines = v2v::consensus::poa::ReplayScenarios(
      std::string_view(reinterpret_cast<const char*>(data), size));
  (void)lines;
  return 0;
}
