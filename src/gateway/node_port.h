// The gateway's narrow view of its node: the head state, the chain event feed, the identity
// verifier and the mempool. The node wiring implements it (node_gateway.h); tests use a fake.
// Called on the node's io thread only. The gateway follows the chain on the feed (blocks applied
// and removed, with the receipts of their execution: docs/spec/node.md N9), never by reading
// blocks. The other way, the node tells the gateway what its mempool drops without a block taking
// it (RoundBook::OnTxDropped: the hash and a chain::Reject code;
// node::NodeService::SetTxDropObserver, docs/spec/node.md N4.2).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "chain/block.h"
#include "chain/reject.h"
#include "chain/state.h"
#include "chain/tx.h"
#include "contract/genesis.h"
#include "contract/identity.h"
#include "node/chain_feed.h"

namespace v2v::gateway {

class NodePort {
 public:
  virtual ~NodePort() = default;
  virtual const chain::State& HeadState() const = 0;
  virtual uint64_t HeadHeight() const = 0;
  // A subscription to the node's chain event feed from now on (node/chain_feed.h): the blocks
  // applied and removed (drops come through RoundBook::OnTxDropped).
  virtual std::shared_ptr<node::ChainSubscription> SubscribeChain() = 0;
  virtual const contract::IdentityVerifier& Verifier() const = 0;
  virtual const contract::ContractParams& ContractParams() const = 0;
  // Checks (structure, signatures, mempool nonce rules) and admits to the mempool, gossiped.
  // A refusal is the typed chain::Rejection; an error Status is the node's own failure.
  virtual chain::ValidationResult<Hash32> Submit(const chain::Tx& tx) = 0;
  // The transaction pending in the mempool that uses `sender`'s nonce `nonce`: its own, or a
  // trading round carrying its bid (this RSU's, or another's that arrived by gossip).
  virtual std::optional<Hash32> PendingNonceUser(const std::string& sender,
                                                 uint64_t nonce) const = 0;
  // The highest round number of `rsu`'s trading rounds pending in the mempool or in the recent
  // canonical blocks (node::NodeService::HighestRoundOf; 0: none). A RoundBook starts above it,
  // so an RSU restarted with its clock behind never numbers a round as an earlier one.
  virtual uint64_t HighestRoundOf(const std::string& rsu) const = 0;
  // The transaction with this hash passed chain::CheckTxStateless here: the node need not verify
  // its signature again, alone or nested in a round (contract::CheckedTxCache).
  virtual void NoteChecked(const Hash32& tx) = 0;
};

}  // namespace v2v::gateway
