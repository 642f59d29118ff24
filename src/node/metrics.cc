#include "node/metrics.h"

#include <sstream>

#include "node/service.h"

namespace v2v::node {

std::string MetricsText(const NodeService& node) {
  const auto& m = node.metrics();
  std::ostringstream out;
  auto gauge = [&](const char* name, const char* help, uint64_t v, const char* type = "gauge") {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
        << name << ' ' << v << '\n';
  };
  gauge("v2v_chain_height", "Height of the head block.", node.ledger().head().height);
  gauge("v2v_total_difficulty", "Total Clique difficulty of the head.",
        node.ledger().total_difficulty());
  gauge("v2v_peers", "Connected peers that completed the hello.", node.Peers().size());
  gauge("v2v_mempool_txs", "Transactions waiting for a block.", node.pending_txs());
  gauge("v2v_signers", "Clique signers at the head.", node.ledger().snapshot().signers().size());
  gauge("v2v_blocks_imported_total", "Blocks stored from peers or RPC.", m.blocks_imported,
        "counter");
  gauge("v2v_blocks_sealed_total", "Blocks this node sealed.", m.blocks_sealed, "counter");
  gauge("v2v_blocks_rejected_total", "Blocks refused.", m.blocks_rejected, "counter");
  gauge("v2v_reorgs_total", "Chain reorganisations.", m.reorgs, "counter");
  gauge("v2v_txs_admitted_total", "Transactions admitted to the mempool.", m.txs_admitted,
        "counter");
  gauge("v2v_txs_rejected_total", "Transactions refused.", m.txs_rejected, "counter");
  gauge("v2v_peers_penalised_total", "Penalties given to peers.", m.peers_penalised, "counter");
  out << node.refusals().MetricsText();
  return out.str();
}

}  // namespace v2v::node
