#include "node/metrics.h"

#include <sstream>

#include "node/service.h"

namespace v2v::node {

void ChainCounters::Count(const FeedItem& item) {
  if (const auto* lag = std::get_if<Lagged>(&item)) {
    ++lagged;
    missed += lag->missed;
    return;
  }
  const ChainEvent& e = *std::get<std::shared_ptr<const ChainEvent>>(item);
  if (const auto* a = std::get_if<BlockApplied>(&e)) {
    ++blocks_applied;
    txs_accepted += a->receipts.size();
    for (const TxReceipt& r : a->receipts) {
      escrows_created += r.escrows.size();
      payments += r.payments.size();
      settlements += r.settlements.size();
    }
  } else if (std::holds_alternative<BlockRemoved>(e)) {
    ++blocks_removed;
  } else {
    ++txs_dropped[std::get<TxDropped>(e).code];
  }
}

std::shared_ptr<ChainSubscription> CountChainEvents(ChainFeed& feed, ChainCounters& counters) {
  auto sub = feed.Subscribe();
  ChainSubscription* s = sub.get();  // the wake belongs to the subscription: it is alive
  sub->SetWake([s, &counters] {
    while (auto item = s->Next()) counters.Count(*item);
  });
  return sub;
}

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
  gauge("v2v_txs_reannounced_total", "Pending transactions sent to the peers again.",
        m.txs_reannounced, "counter");
  gauge("v2v_peers_penalised_total", "Penalties given to peers.", m.peers_penalised, "counter");
  const ChainCounters& c = m.chain;
  gauge("v2v_chain_blocks_applied_total", "Blocks made canonical (chain event feed).",
        c.blocks_applied, "counter");
  gauge("v2v_chain_blocks_removed_total", "Canonical blocks rolled back by reorgs.",
        c.blocks_removed, "counter");
  gauge("v2v_chain_txs_accepted_total", "Transactions in blocks made canonical.", c.txs_accepted,
        "counter");
  gauge("v2v_chain_escrows_created_total", "Escrows created by applied blocks.", c.escrows_created,
        "counter");
  gauge("v2v_chain_payments_total", "Metered payments made by applied blocks.", c.payments,
        "counter");
  gauge("v2v_chain_settlements_total", "Escrows closed (metered or refunded) by applied blocks.",
        c.settlements, "counter");
  out << "# HELP v2v_chain_txs_dropped_total Transactions the mempool let go of, by code.\n"
      << "# TYPE v2v_chain_txs_dropped_total counter\n";
  for (const auto& [code, n] : c.txs_dropped) {
    out << "v2v_chain_txs_dropped_total{code=\"" << chain::RejectName(code) << "\"} " << n << '\n';
  }
  gauge("v2v_chain_feed_subscribers", "Subscriptions to the chain event feed.",
        node.feed().subscribers());
  gauge("v2v_chain_feed_lagged_total", "Times a feed subscriber fell behind and lost events.",
        node.feed().lagged(), "counter");
  out << node.refusals().MetricsText();
  return out.str();
}

}  // namespace v2v::node
