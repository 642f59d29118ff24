// The NodePort over a node core (node::NodeService): the head state and contract parameters of
// its ledger, its chain event feed, its mempool (SubmitTx, PendingNonceUser) and its ledger's
// identity verifier (one per node, so a certificate is verified once for both). Used by the
// node's vehicle gateway (node_gateway.h) and by the network simulation's round books
// (cluster/bidders.h). Called on the node's thread only.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "gateway/node_port.h"
#include "node/service.h"

namespace v2v::gateway {

class ServicePort final : public NodePort {
 public:
  explicit ServicePort(node::NodeService& service) : service_(service) {}
  const chain::State& HeadState() const override { return service_.ledger().state(); }
  uint64_t HeadHeight() const override { return service_.ledger().head().height; }
  std::shared_ptr<node::ChainSubscription> SubscribeChain() override {
    return service_.feed().Subscribe(node::kDefaultFeedQueue, {.blocks = true, .drops = false});
  }
  const contract::IdentityVerifier& Verifier() const override {
    return service_.ledger().verifier();
  }
  const contract::ContractParams& ContractParams() const override {
    return service_.ledger().contract().params();
  }
  chain::ValidationResult<Hash32> Submit(const chain::Tx& tx) override {
    return service_.SubmitTx(tx);
  }
  std::optional<Hash32> PendingNonceUser(const std::string& sender, uint64_t nonce) const override {
    return service_.PendingNonceUser(sender, nonce);
  }
  uint64_t HighestRoundOf(const std::string& rsu) const override {
    return service_.HighestRoundOf(rsu);
  }
  void NoteChecked(const Hash32& tx) override { service_.checked_txs().Insert(tx); }

 private:
  node::NodeService& service_;
};

}  // namespace v2v::gateway
