#include "base/utc_time.h"

#include <ctime>

namespace v2v::base {

std::string FormatUtc(int64_t unix_s) {
  const auto t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  char buf[32];
  if (gmtime_r(&t, &tm) == nullptr ||
      std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
    return std::to_string(unix_s);
  }
  return buf;
}

}  // namespace v2v::base
