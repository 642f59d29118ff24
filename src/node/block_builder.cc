#include "node/block_builder.h"

namespace v2v::node {

Result<Proposal> BuildProposal(const consensus::poa::Engine& engine,
                               const consensus::poa::ChainHeaderReader& chain,
                               const BlockExecutor& executor, const chain::State& head_state,
                               std::vector<chain::Tx> txs, int64_t time_s,
                               const crypto::PrivateKey& sealer,
                               std::optional<chain::HeaderVote> vote) {
  Proposal out;
  chain::Block& block = out.block;
  V2V_ASSIGN_OR_RETURN(block.header, engine.Prepare(chain, time_s, sealer.public_key(), vote));
  block.txs = std::move(txs);
  auto drop = [&](const chain::Rejection& r) {
    const auto at = block.txs.begin() + r.tx_index;
    out.dropped.emplace_back(std::move(*at), r);
    block.txs.erase(at);
  };
  for (;;) {
    if (auto r = executor.CheckTxs(block.txs)) {
      if (r->tx_index < 0) return r->ToStatus();
      drop(*r);
      continue;
    }
    auto next = executor.contract().Execute(head_state, block, /*checked=*/true);
    if (auto* r = std::get_if<chain::Rejection>(&next)) {
      if (r->tx_index < 0) return r->ToStatus();
      drop(*r);
      continue;
    }
    contract::Executed& executed = std::get<contract::Executed>(next);
    out.state_after = std::move(executed.state);
    out.effects = std::move(executed.effects);
    break;
  }
  block.header.state_root = executor.contract().Commit(out.state_after);
  block.header.tx_root = chain::TxRoot(block.txs);
  consensus::poa::Engine::Seal(block.header, sealer);
  return out;
}

}  // namespace v2v::node
