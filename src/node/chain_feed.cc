#include "node/chain_feed.h"

#include <algorithm>

namespace v2v::node {

namespace {
// Rounds of Deliver while wakes publish (bounded: wakes that keep publishing cannot loop it).
constexpr int kMaxDeliverRounds = 8;
}  // namespace

std::vector<TxReceipt> MakeReceipts(const chain::Block& block,
                                    std::vector<contract::TxEffects> effects) {
  std::vector<TxReceipt> out;
  out.reserve(block.txs.size());
  for (size_t i = 0; i < block.txs.size(); ++i) {
    TxReceipt r;
    r.tx = chain::TxHash(block.txs[i]);
    r.index = static_cast<uint32_t>(i);
    if (i < effects.size()) {
      r.escrows = std::move(effects[i].escrows);
      r.payments = std::move(effects[i].payments);
      r.settlements = std::move(effects[i].settlements);
    }
    out.push_back(std::move(r));
  }
  return out;
}

BlockApplied MakeBlockApplied(std::shared_ptr<const chain::Block> block, const Hash32& hash,
                              std::vector<contract::TxEffects> effects) {
  BlockApplied a;
  a.height = block->header.height;
  a.hash = hash;
  a.time_s = block->header.timestamp_s;
  a.receipts = MakeReceipts(*block, std::move(effects));
  a.block = std::move(block);
  return a;
}

std::optional<FeedItem> ChainSubscription::Next() {
  if (lagging_) {
    lagging_ = false;
    const uint64_t missed = lag_missed_;
    lag_missed_ = 0;
    return FeedItem(Lagged{missed});
  }
  if (queue_.empty()) return std::nullopt;
  FeedItem item(std::move(queue_.front()));
  queue_.pop_front();
  return item;
}

bool ChainSubscription::Offer(const std::shared_ptr<const ChainEvent>& event) {
  const bool drop = std::holds_alternative<TxDropped>(*event);
  if (drop ? !topics_.drops : !topics_.blocks) return false;
  if (lagging_) {
    ++lag_missed_;
    ++missed_;
    return false;
  }
  if (queue_.size() < capacity_) {
    queue_.push_back(event);
    return false;
  }
  // Full: what is queued is lost with this event; a Lagged heads the queue until taken.
  const uint64_t lost = queue_.size() + 1;
  queue_.clear();
  lagging_ = true;
  lag_missed_ = lost;
  missed_ += lost;
  ++lags_;
  return true;
}

std::shared_ptr<ChainSubscription> ChainFeed::Subscribe(size_t capacity, FeedTopics topics) {
  auto sub = std::make_shared<ChainSubscription>(capacity, topics);
  subs_.push_back(sub);
  return sub;
}

void ChainFeed::Prune() {
  std::erase_if(subs_, [](const std::weak_ptr<ChainSubscription>& w) { return w.expired(); });
}

void ChainFeed::Publish(ChainEvent event) {
  ++published_;
  const auto shared = std::make_shared<const ChainEvent>(std::move(event));
  Prune();
  for (const auto& w : subs_) {
    if (auto s = w.lock(); s && s->Offer(shared)) ++lagged_;
  }
}

void ChainFeed::Deliver() {
  if (delivering_) {
    again_ = true;
    return;
  }
  delivering_ = true;
  for (int round = 0; round < kMaxDeliverRounds; ++round) {
    const uint64_t published = published_;
    again_ = false;
    // A copy: a wake may subscribe. Each is locked when its turn comes, so a subscription an
    // earlier wake let go of is not woken.
    const std::vector<std::weak_ptr<ChainSubscription>> subs = subs_;
    for (const auto& w : subs) {
      const auto s = w.lock();
      if (!s || !s->waiting() || !s->wake_) continue;
      const std::function<void()> wake = s->wake_;  // the wake may replace itself
      wake();
    }
    Prune();
    if (!again_ && published_ == published) break;  // nothing new for anyone
  }
  delivering_ = false;
}

size_t ChainFeed::subscribers() const {
  return static_cast<size_t>(
      std::count_if(subs_.begin(), subs_.end(),
                    [](const std::weak_ptr<ChainSubscription>& w) { return !w.expired(); }));
}

}  // namespace v2v::node
