#include "gateway/send_queue.h"

namespace v2v::gateway {

bool SendQueue::Push(OutFrame frame) {
  const size_t size = frame.size();
  if (!frames_.empty() && (size > max_bytes_ || bytes_ > max_bytes_ - size)) return false;
  bytes_ += size;
  frames_.push_back(std::move(frame));
  return true;
}

void SendQueue::Pop() {
  bytes_ -= frames_.front().size();
  frames_.pop_front();
}

}  // namespace v2v::gateway
