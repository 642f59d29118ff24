#include "node/peer_tx_queue.h"

#include <cstdint>
#include <utility>

#include "chain/tx_check.h"

namespace v2v::node {
namespace {

const chain::Tx* BidAt(const chain::TradingRound& r, size_t i) {
  if (i < r.buyers.size()) return &r.buyers[i];
  i -= r.buyers.size();
  return i < r.sellers.size() ? &r.sellers[i] : nullptr;
}

// Checks bids of `item` from next_bid on until `budget` signatures were verified or none is left;
// whether none is left.
bool CheckBids(PeerTxQueue::Item& item, contract::CheckedTxCache& checked, size_t budget) {
  const auto* round = std::get_if<chain::TradingRound>(&item.tx.body);
  if (round == nullptr || checked.Contains(item.hash)) return true;
  size_t verified = 0;
  while (const chain::Tx* bid = BidAt(*round, item.next_bid)) {
    if (verified == budget) return false;
    ++item.next_bid;
    const Hash32 hash = chain::TxHash(*bid);
    if (checked.Contains(hash)) continue;
    ++verified;
    if (chain::CheckTxStateless(*bid)) {
      // A bad bid: admission checks the round whole and finds it (and penalises the sender).
      item.next_bid = round->buyers.size() + round->sellers.size();
      return true;
    }
    checked.Insert(hash);
  }
  return true;
}

}  // namespace

void PeerTxQueue::Push(net::PeerId from, chain::Tx tx, size_t bytes) {
  const Hash32 hash = chain::TxHash(tx);
  items_.push_back(Item{from, std::move(tx), 0, hash, bytes});
  bytes_ += bytes;
}

PeerTxQueue::Item PeerTxQueue::PopFront() {
  Item done = std::move(items_.front());
  items_.pop_front();
  bytes_ -= done.bytes;
  return done;
}

std::optional<PeerTxQueue::Item> PeerTxQueue::Step(contract::CheckedTxCache& checked,
                                                   size_t budget) {
  if (!CheckBids(items_.front(), checked, budget)) return std::nullopt;
  return PopFront();
}

PeerTxQueue::Item PeerTxQueue::Finish(contract::CheckedTxCache& checked) {
  (void)CheckBids(items_.front(), checked, SIZE_MAX);
  return PopFront();
}

}  // namespace v2v::node
