#include "node/block_builder.h"

#include <set>
#include <string>

namespace v2v::node {

Result<SealedBlock> BuildSealedBlock(const consensus::poa::Engine& engine,
                                     const consensus::poa::ChainHeaderReader& chain,
                                     const BlockExecutor& executor, const chain::State& head_state,
                                     const chain::StateLeaves* head_leaves,
                                     std::vector<chain::Tx> txs, int64_t time_s,
                                     const crypto::PrivateKey& sealer,
                                     std::optional<chain::HeaderVote> vote) {
  SealedBlock out;
  chain::Block& block = out.block;
  V2V_ASSIGN_OR_RETURN(block.header, engine.Prepare(chain, time_s, sealer.public_key(), vote));
  // Context-free checks, each transaction on its own (those admitted here are in the cache). A
  // sender's transactions after one that fails are left out (they could only fail on the nonce).
  std::vector<std::optional<chain::Rejection>> stateless = executor.CheckEachTx(txs);
  std::vector<chain::Tx> candidates;
  candidates.reserve(txs.size());
  std::set<std::string> failed;
  for (size_t i = 0; i < txs.size(); ++i) {
    if (failed.contains(txs[i].sender)) continue;
    if (stateless[i]) {
      failed.insert(txs[i].sender);
      out.dropped.emplace_back(std::move(txs[i]), std::move(*stateless[i]));
    } else {
      candidates.push_back(std::move(txs[i]));
    }
  }
  contract::BlockFill fill =
      executor.contract().FillBlock(head_state, std::move(candidates), time_s);
  for (auto& d : fill.dropped) out.dropped.push_back(std::move(d));
  out.waiting = std::move(fill.waiting);
  block.txs = std::move(fill.txs);
  out.state_after = std::move(fill.state_after);
  out.effects = std::move(fill.effects);  // from the same execution: the import runs nothing again
  out.changes = std::move(fill.changes);
  block.header.state_root = executor.StateRootAfter(out.state_after, out.changes, head_leaves);
  block.header.tx_root = chain::TxRoot(block.txs);
  consensus::poa::Engine::Seal(block.header, sealer);
  return out;
}

}  // namespace v2v::node
