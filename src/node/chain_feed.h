// The chain event feed (docs/spec/node.md N9): the ledger publishes every block applied or
// removed (chain_events.h) and the node every mempool drop; any number of subscribers take them
// in publication order, each from its own queue bounded in events.
//
// Publishing never blocks and never fails: a subscriber whose queue is full when an event comes
// loses its queued events and every later one until it takes the Lagged item that then heads its
// queue (so what follows the Lagged is exactly what was published after it was taken); it
// resyncs from the ledger then. Publishing only queues; Deliver, which the node calls on its io
// thread once a head change (or a batch of drops) is complete, wakes each subscriber that has
// something waiting, and the subscriber drains its queue in its wake callback. A subscriber with
// no wake callback polls.
//
// Subscriptions are owned by their subscribers (shared_ptr); the feed holds them weakly, so
// dropping the pointer unsubscribes. Not thread-safe: publish, deliver and drain on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "node/chain_events.h"

namespace v2v::node {

// Events a subscription queues by default. A subscriber the node wakes after every block takes
// a handful at a time; this is room for a reorg of that depth.
inline constexpr size_t kDefaultFeedQueue = 1024;

// Which events a subscription receives.
struct FeedTopics {
  bool blocks = true;  // BlockApplied and BlockRemoved
  bool drops = true;   // TxDropped
};

class ChainSubscription {
 public:
  explicit ChainSubscription(size_t capacity, FeedTopics topics = {})
      : capacity_(capacity > 0 ? capacity : 1), topics_(topics) {}

  // The oldest item waiting, or nullopt.
  std::optional<FeedItem> Next();
  // Whether an item is waiting (an event or a Lagged).
  bool waiting() const { return lagging_ || !queue_.empty(); }
  size_t queued() const { return queue_.size(); }
  size_t capacity() const { return capacity_; }
  uint64_t missed() const { return missed_; }  // events lost, in total
  uint64_t lags() const { return lags_; }      // times it fell behind
  // Called by ChainFeed::Deliver while an item waits; it should drain the queue (Next until
  // nullopt). Empty: the owner polls.
  void SetWake(std::function<void()> wake) { wake_ = std::move(wake); }

 private:
  friend class ChainFeed;
  // Queues `event`, or loses it (see the file comment); true when this made it fall behind.
  bool Offer(const std::shared_ptr<const ChainEvent>& event);

  size_t capacity_;
  FeedTopics topics_;
  std::deque<std::shared_ptr<const ChainEvent>> queue_;
  bool lagging_ = false;     // a Lagged heads the queue (which is then empty)
  uint64_t lag_missed_ = 0;  // events it reports
  uint64_t missed_ = 0, lags_ = 0;
  std::function<void()> wake_;
};

class ChainFeed {
 public:
  // A new subscription that receives every event of `topics` published from now on.
  std::shared_ptr<ChainSubscription> Subscribe(size_t capacity = kDefaultFeedQueue,
                                               FeedTopics topics = {});
  // Queues `event` to every live subscription.
  void Publish(ChainEvent event);
  // Wakes every subscription with an item waiting, again while wakes publish (a few rounds at
  // most). A wake may publish, subscribe or unsubscribe; a Deliver called from a wake is done by
  // the one running.
  void Deliver();

  size_t subscribers() const;  // live
  uint64_t published() const { return published_; }
  uint64_t lagged() const { return lagged_; }  // times a subscriber fell behind, in total

 private:
  void Prune();  // forgets the subscriptions let go of

  std::vector<std::weak_ptr<ChainSubscription>> subs_;
  uint64_t published_ = 0, lagged_ = 0;
  bool delivering_ = false, again_ = false;
};

}  // namespace v2v::node
