// Durable file writes.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "base/status.h"

namespace v2v {

// Writes `data` to `path` atomically: a temporary file beside it created with `mode` (umask
// aside, and then forced with fchmod), written, fsync'ed, then renamed over `path`. A crash
// leaves either the old file or the new one, never a half-written one.
Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode);

}  // namespace v2v
