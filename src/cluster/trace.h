// The record of one simulated run: one line per event worth replaying by eye (faults, crashes,
// workload, heads), with the simulated time. Its hash, together with the nodes' own logs, is
// the run's fingerprint: one seed gives one hash, byte for byte.
#pragma once

#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace v2v::cluster {

class Trace {
 public:
  void Add(int64_t now_ms, const std::string& line);
  const std::vector<std::string>& lines() const { return lines_; }
  // Where the nodes' JSON logs go (hashed with the lines).
  std::ostream& log_stream() { return logs_; }
  // SHA-256 of every line and every log byte so far.
  Hash32 Fingerprint() const;
  // The last `n` lines (all when n is 0).
  void Print(std::ostream& out, size_t n) const;

 private:
  std::vector<std::string> lines_;
  std::ostringstream logs_;
};

}  // namespace v2v::cluster
