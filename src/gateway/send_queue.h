// One vehicle connection's outgoing frames, bounded in bytes (docs/spec/vehicle-api.md
// "Limits"): a frame that would take the queue past max_bytes is refused and the caller drops
// the slow reader; an empty queue takes any one frame, so one large answer still goes out. A
// frame counts its whole size, its shared part included. The front frame is the one being
// written: it stays until Pop.
#pragma once

#include <cstddef>
#include <deque>

#include "gateway/wire.h"

namespace v2v::gateway {

class SendQueue {
 public:
  explicit SendQueue(size_t max_bytes) : max_bytes_(max_bytes) {}

  bool Push(OutFrame frame);  // false: over the bound, nothing queued
  const OutFrame& front() const { return frames_.front(); }
  void Pop();
  bool empty() const { return frames_.empty(); }
  size_t bytes() const { return bytes_; }

 private:
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::deque<OutFrame> frames_;
};

}  // namespace v2v::gateway
