#include "contract/checked_tx_cache.h"

namespace v2v::contract {

bool CheckedTxCache::Contains(const Hash32& tx_hash) const {
  std::lock_guard lock(mu_);
  return set_.contains(tx_hash);
}

void CheckedTxCache::Insert(const Hash32& tx_hash) {
  std::lock_guard lock(mu_);
  if (!set_.insert(tx_hash).second) return;
  order_.push_back(tx_hash);
  while (order_.size() > capacity_) {
    set_.erase(order_.front());
    order_.pop_front();
  }
}

size_t CheckedTxCache::size() const {
  std::lock_guard lock(mu_);
  return set_.size();
}

}  // namespace v2v::contract
