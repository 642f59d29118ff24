#include "cluster/workload.h"

#include <random>

namespace v2v::cluster {
namespace {

devnet::BlockGeneratorOptions MarketOptions() {
  devnet::BlockGeneratorOptions o;
  o.vehicles = 10;
  o.settle_probability = 0.5;
  return o;
}

}  // namespace

Workload::Workload(const std::vector<crypto::PublicKey>& signers) : market_(MarketOptions()) {
  genesis_ = market_.genesis();
  genesis_.authorities = signers;
  genesis_.clique.period_s = 2;
  genesis_.params.settle_window_s = 20;
}

size_t Workload::SubmitBatch(node::NodeService& node, int64_t now_s, base::Rng& rng) {
  if (node.pending_txs() > 0) return 0;
  std::mt19937_64 market_rng(rng.Next());
  auto txs = market_.NextTxs(node.ledger(), now_s, next_round_, market_rng);
  if (!txs.ok()) return 0;
  ++next_round_;
  size_t admitted = 0;
  for (const chain::Tx& tx : *txs) {
    ++submitted_;
    if (node.SubmitTx(tx).ok()) ++admitted;
  }
  return admitted;
}

}  // namespace v2v::cluster
