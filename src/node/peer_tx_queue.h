// PeerTxQueue: transactions from peers waiting for admission, their signatures checked a slice at
// a time (docs/spec/node.md N4.4). A trading round carries up to 1,024 signed bids: checking them
// all in one go held the node's thread for tens of milliseconds per round, and a block that came
// behind it on the same peer stream, the producer's timer and the vehicle sockets all waited.
// Under load that delayed every in-turn block by 0.5-1.4 s, long enough for out-of-turn signers to
// seal competing blocks (a depth-1 reorganisation at most heights).
//
// The node pushes each decoded peer transaction here and returns at once; a task it posts to its
// own thread takes a Step at a time. A Step checks up to `budget` of the front round's bids that
// the node's CheckedTxCache does not hold (chain::CheckTxStateless on the bid alone, as the vehicle
// gateway does) and records each that passes; once every bid is done (or one failed) it hands the
// transaction back, and the node admits it as before: the round's own checks then skip the bids
// already recorded, and a bid that failed fails the round there, with the same penalty. A
// transaction without nested bids is handed back at once, and so is one whose own check passed
// here meanwhile (a block carrying it was imported: its hash is in the cache, and admission skips
// it whole). First in, first out.
//
// Bounded: at most `max_items` transactions and `max_bytes` of their frames; the owner admits the
// front at once when it is full (the sender waits, nothing is dropped). Not thread-safe (one
// owner).
#pragma once

#include <cstddef>
#include <deque>
#include <optional>

#include "chain/tx.h"
#include "contract/checked_tx_cache.h"
#include "net/peer_transport.h"

namespace v2v::node {

class PeerTxQueue {
 public:
  struct Item {
    net::PeerId from = 0;
    chain::Tx tx;
    size_t next_bid = 0;  // bids before this one are checked (or were already known)
    Hash32 hash;          // TxHash(tx)
    size_t bytes = 0;     // its frame's size
  };
  static constexpr size_t kDefaultMaxItems = 256;
  static constexpr size_t kDefaultMaxBytes = size_t{64} << 20;
  // Signatures per Step: about 12 ms of the node's thread at ~20,000 verifications/s, so a full
  // round is admitted in 4 turns of the thread's queue (at 64 a round took 16 turns, and under
  // load it often missed the next block).
  static constexpr size_t kSliceSignatures = 256;

  explicit PeerTxQueue(size_t max_items = kDefaultMaxItems, size_t max_bytes = kDefaultMaxBytes)
      : max_items_(max_items == 0 ? 1 : max_items), max_bytes_(max_bytes) {}

  bool empty() const { return items_.empty(); }
  bool full() const { return items_.size() >= max_items_ || bytes_ >= max_bytes_; }
  size_t size() const { return items_.size(); }
  // `bytes`: the size of the frame it came in.
  void Push(net::PeerId from, chain::Tx tx, size_t bytes);
  // Checks up to `budget` signatures of the front transaction's nested bids; returns the front,
  // taken off the queue, once none is left to check. REQUIRES: !empty().
  std::optional<Item> Step(contract::CheckedTxCache& checked, size_t budget);
  // Takes the front off the queue with its remaining bids checked. REQUIRES: !empty().
  Item Finish(contract::CheckedTxCache& checked);

 private:
  Item PopFront();

  size_t max_items_, max_bytes_;
  size_t bytes_ = 0;
  std::deque<Item> items_;
};

}  // namespace v2v::node
