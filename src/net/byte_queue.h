// A connection's outgoing messages, in order, bounded in bytes: the one rule for every socket that
// writes to a client that may read slowly (the vehicle port, the explorer's WebSocket). A message
// that would take the queue past max_bytes is refused and the caller drops the slow reader; an
// empty queue takes any one message, so one large answer still goes out. Every queued message
// counts, the front one (being written) included; it stays until Pop. `Item` has
// `size_t size() const` (its bytes, shared parts included).
#pragma once

#include <cstddef>
#include <deque>
#include <utility>

namespace v2v::net {

template <class Item>
class ByteBoundedQueue {
 public:
  explicit ByteBoundedQueue(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Takes `item` (moved from only when it returns true); false: over the bound, nothing queued.
  bool Push(Item&& item) {
    const size_t size = item.size();
    if (!items_.empty() && (size > max_bytes_ || bytes_ > max_bytes_ - size)) return false;
    bytes_ += size;
    items_.push_back(std::move(item));
    return true;
  }
  const Item& front() const { return items_.front(); }
  // Drops the front item, now written, and returns it.
  Item Pop() {
    Item item = std::move(items_.front());
    items_.pop_front();
    bytes_ -= item.size();
    return item;
  }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::deque<Item> items_;
};

}  // namespace v2v::net
