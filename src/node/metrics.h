// The node's counters and their Prometheus text exposition (docs/spec/node.md N5).
#pragma once

#include <cstdint>
#include <string>

namespace v2v::node {

struct NodeMetrics {
  uint64_t blocks_imported = 0, blocks_sealed = 0, blocks_rejected = 0, reorgs = 0;
  uint64_t txs_admitted = 0, txs_rejected = 0, peers_penalised = 0;
};

class NodeService;
// The gauges (height, total difficulty, peers, mempool, signers) and the counters.
std::string MetricsText(const NodeService& node);

}  // namespace v2v::node
