// Building a sealed block: the producer's block on top of the head. The consensus engine prepares
// the header (consensus/poa/engine.h Prepare) and seals it; the contract executes the pending
// transactions one by one into the block (TradingContract::FillBlock): each is taken, dropped
// once with why, or left waiting when not yet valid at the block's time; the state root is filled
// in. No transaction is executed twice and the block is never rebuilt.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "chain/block.h"
#include "chain/reject.h"
#include "chain/state.h"
#include "consensus/poa/engine.h"
#include "crypto/ed25519.h"
#include "node/block_executor.h"

namespace v2v::node {

// A sealed block, the transactions left out (with their rejection), and the state after the
// block with its transactions' effects, so that importing it (Ledger::ImportSealed) need not
// run the contract again.
struct SealedBlock {
  chain::Block block;
  std::vector<std::pair<chain::Tx, chain::Rejection>> dropped;
  // Not yet valid at the block's time (contract/tx_verdict.h): hash, earliest block time. They stay
  // pending (Mempool::Defer).
  std::vector<std::pair<Hash32, int64_t>> waiting;
  chain::State state_after;
  std::vector<contract::TxEffects> effects;  // one per transaction of `block`
  chain::EntryChanges changes;               // the state entries the block wrote or erased
};

// The block on the head that `chain` reads, whose state is `head_state`, at `time_s`, sealed by
// `sealer`, carrying `vote` unless it is a checkpoint. `head_leaves`: the leaves of `head_state`
// when the caller keeps them (null: its root is computed from the whole state). Errors:
// Engine::Prepare's (FailedPrecondition: may not seal now; InvalidArgument: too early).
Result<SealedBlock> BuildSealedBlock(const consensus::poa::Engine& engine,
                                     const consensus::poa::ChainHeaderReader& chain,
                                     const BlockExecutor& executor, const chain::State& head_state,
                                     const chain::StateLeaves* head_leaves,
                                     std::vector<chain::Tx> txs, int64_t time_s,
                                     const crypto::PrivateKey& sealer,
                                     std::optional<chain::HeaderVote> vote);

}  // namespace v2v::node
