// The node's counters and their Prometheus text exposition (docs/spec/node.md N5). The chain's
// counters (blocks applied and removed, transactions accepted and dropped by code, escrows,
// payments, settlements) come from the chain event feed (N9), as any subscriber sees them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "chain/reject.h"
#include "node/chain_feed.h"

namespace v2v::node {

// Counted from the chain event feed, one item at a time.
struct ChainCounters {
  uint64_t blocks_applied = 0, blocks_removed = 0;
  uint64_t txs_accepted = 0;  // transactions of applied blocks
  uint64_t escrows_created = 0, payments = 0, settlements = 0;
  std::map<chain::Reject, uint64_t> txs_dropped;  // by code (TxDropped)
  uint64_t lagged = 0, missed = 0;                // this subscription's Lagged items, events lost

  void Count(const FeedItem& item);
};

// Keeps `counters` up to date from a subscription of `feed`, drained whenever the feed delivers.
// The caller keeps the subscription (dropping it stops the counting); `counters` must outlive it.
std::shared_ptr<ChainSubscription> CountChainEvents(ChainFeed& feed, ChainCounters& counters);

struct NodeMetrics {
  uint64_t blocks_imported = 0, blocks_sealed = 0, blocks_rejected = 0, reorgs = 0;
  uint64_t txs_admitted = 0, txs_rejected = 0, peers_penalised = 0;
  uint64_t txs_reannounced = 0;  // sent to the peers again (N4.3)
  ChainCounters chain;
};

class NodeService;
// The gauges (height, total difficulty, peers, mempool, signers, feed subscribers) and the
// counters.
std::string MetricsText(const NodeService& node);

}  // namespace v2v::node
