#include "cluster/workload.h"

#include "crypto/hash.h"

namespace v2v::cluster {
namespace {

devnet::BlockGeneratorOptions MarketOptions() {
  devnet::BlockGeneratorOptions o;
  o.vehicles = 10;
  o.settle_probability = 0.5;
  return o;
}

// What each simulated vehicle holds at genesis: enough money and energy for a run of bids.
constexpr int64_t kVehicleEnergyWh = 60'000, kVehicleBalance = 10'000'000;

// No nonce `txs` use (theirs and their rounds' bids') is taken by a transaction pending on `node`.
bool NoncesFree(const node::NodeService& node, const std::vector<chain::Tx>& txs) {
  auto taken = [&node](const chain::Tx& tx) {
    return node.PendingNonceUser(tx.sender, tx.nonce).has_value();
  };
  for (const chain::Tx& tx : txs) {
    if (taken(tx)) return false;
    if (const auto* round = std::get_if<chain::TradingRound>(&tx.body)) {
      for (const chain::Tx& bid : round->buyers) {
        if (taken(bid)) return false;
      }
      for (const chain::Tx& bid : round->sellers) {
        if (taken(bid)) return false;
      }
    }
  }
  return true;
}

}  // namespace

crypto::PrivateKey SeededKey(const std::string& id) {
  const Hash32 seed = crypto::Sha256(AsBytes("v2v-cluster/" + id));
  return std::move(crypto::PrivateKey::FromSeed(seed.bytes)).value();
}

Workload::Workload(const std::vector<Party>& nodes, const std::vector<Party>& vehicles)
    : market_(MarketOptions()) {
  genesis_ = market_.genesis();
  genesis_.authorities.clear();
  for (const Party& n : nodes) {
    genesis_.authorities.push_back(n.key);
    genesis_.accounts.push_back(market_.Account(n.id, crypto::Role::kRsu, n.key, 0, 0));
  }
  for (const Party& v : vehicles) {
    genesis_.accounts.push_back(
        market_.Account(v.id, crypto::Role::kVehicle, v.key, kVehicleEnergyWh, kVehicleBalance));
  }
  genesis_.clique.period_s = 2;
  genesis_.params.settle_window_s = 20;
}

size_t Workload::SubmitBatch(node::NodeService& node, int64_t now_s, base::Rng& rng) {
  base::Rng market_rng(rng.Next());
  auto txs = market_.NextTxs(node.ledger(), now_s, next_round_, market_rng);
  if (!txs.ok() || !NoncesFree(node, *txs)) return 0;
  ++next_round_;
  size_t admitted = 0;
  for (const chain::Tx& tx : *txs) {
    ++submitted_;
    if (node.SubmitTx(tx).ok()) ++admitted;
  }
  return admitted;
}

}  // namespace v2v::cluster
