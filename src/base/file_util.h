// Reading whole files with a size bound, and durable file writes.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "base/status.h"

namespace v2v {

// Default bound of ReadFile: far above any file the project reads whole (keys, certificates,
// configs, genesis and scenario files, market JSON); bulk data (exports, traces) is streamed.
inline constexpr size_t kDefaultMaxFileBytes = size_t{256} << 20;

// The whole contents of the file at `path`, read with at most `max_bytes` + 1 bytes in memory:
// NotFound if it does not exist; IoError if it cannot be opened or read, or is a directory;
// InvalidArgument ("larger than N bytes") if it holds more than `max_bytes`, found while reading,
// so a device such as /dev/zero or a file that grows is refused too. Every message names `path`.
Result<std::string> ReadFile(const std::string& path, size_t max_bytes = kDefaultMaxFileBytes);
// The same as bytes.
Result<Bytes> ReadFileBytes(const std::string& path, size_t max_bytes = kDefaultMaxFileBytes);

// Writes `data` to `path` atomically: a temporary file beside it created with `mode` (umask
// aside, and then forced with fchmod), written, fsync'ed, then renamed over `path`. A crash
// leaves either the old file or the new one, never a half-written one.
Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode);

}  // namespace v2v
