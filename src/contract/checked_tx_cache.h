// CheckedTxCache: the hashes of transactions whose context-free check (CheckStateless: structure
// and every signature, nested bids included) already passed on this node, so each signature is
// verified once per node (mempool admission, then the block that carries the transaction). The
// node's vehicle gateway records each bid it checked (chain::CheckTxStateless, the same function),
// and a trading round carrying those bids skips their signatures (TradingContract::
// CheckStateless with the cache): the RSU's own rounds are not verified twice on its node.
//
// Sound because CheckStateless is a pure function of the transaction's bytes and TxHash is SHA-256
// of those bytes, signature included: a hit means exactly these bytes passed before. Bounded: at
// most `capacity` hashes, the oldest inserted evicted first (FIFO). Thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <unordered_set>

#include "base/bytes.h"

namespace v2v::contract {

class CheckedTxCache {
 public:
  static constexpr size_t kDefaultCapacity = size_t{1} << 20;
  explicit CheckedTxCache(size_t capacity = kDefaultCapacity)
      : capacity_(capacity == 0 ? 1 : capacity) {}

  bool Contains(const Hash32& tx_hash) const;
  // Records that the transaction with this hash passed CheckStateless. A hash already present keeps
  // its place in the eviction order.
  void Insert(const Hash32& tx_hash);
  size_t size() const;
  size_t capacity() const { return capacity_; }

 private:
  struct HashOf {
    size_t operator()(const Hash32& h) const noexcept {
      size_t v = 0;
      for (size_t i = 0; i < sizeof(size_t); ++i) v = (v << 8) | h.bytes[i];
      return v;  // SHA-256 output: any 8 bytes are uniformly distributed
    }
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_set<Hash32, HashOf> set_;  // GUARDED_BY(mu_)
  std::deque<Hash32> order_;                // GUARDED_BY(mu_), oldest first
};

}  // namespace v2v::contract
