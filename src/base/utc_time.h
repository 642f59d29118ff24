// Unix time as people read it, in messages and files written for operators (never hashed).
#pragma once

#include <cstdint>
#include <string>

namespace v2v::base {

// ISO 8601 in UTC, to the second: 1760000120 -> "2025-10-09T08:55:20Z". The number itself when
// the C library cannot represent that time.
std::string FormatUtc(int64_t unix_s);

}  // namespace v2v::base
