// Fuzz target for the SUMO FCD trace path (`v2v simulate --fcd`): arbitrary bytes -> ReadFcd,
// with a chunk size taken from the first byte so that chunk boundaries fall everywhere. It must
// never crash, hang or trip a sanitizer; what it accepts must be well formed.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "sim/fcd_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  double last = -std::numeric_limits<double>::infinity();
  v2v::Status st = v2v::sim::ReadFcd(
      in, "fuzz.xml",
      [&last](const v2v::sim::FcdFrame& f) {
        if (!std::isfinite(f.time_s) || f.time_s < last) __builtin_trap();
        last = f.time_s;
        for (const auto& v : f.vehicles) {
          if (v.id.empty() || !std::isfinite(v.x) || !std::isfinite(v.y)) __builtin_trap();
        }
        return v2v::Status::Ok();
      },
      chunk);
  if (!st.ok() && st.message().find("fuzz.xml") == std::string::npos) __builtin_trap();
  return 0;
}
