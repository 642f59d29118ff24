#include "node/producer.h"

namespace v2v::node {
namespace {

// A sealed block's transactions stay well inside one peer frame (net::kMaxFrameBytes, 8 MiB).
constexpr size_t kMaxBlockTxBytes = 4u << 20;

}  // namespace

uint64_t CommittedNonce(const chain::State& state, const std::string& sender) {
  auto it = state.accounts.find(sender);
  return it == state.accounts.end() ? 0 : it->second.nonce;
}

std::optional<Result<SealedBlock>> BlockProducer::MaybeSealBlock(
    const Ledger& ledger, const Mempool& mempool, const consensus::poa::Proposals& votes,
    const crypto::PrivateKey& key, int64_t now_ms, Random& random) {
  const consensus::poa::Engine& engine = ledger.engine();
  const crypto::PublicKey& me = key.public_key();
  if (!engine.MaySeal(ledger.headers(), me)) {
    planned_.reset();
    return std::nullopt;
  }
  const chain::State& state = ledger.state();
  const NonceOf committed = [&state](const std::string& s) { return CommittedNonce(state, s); };
  // Work for a block (period 0 seals only with work): what a block stamped now could take; a
  // transaction locked until later is no work yet. With a period every block is sealed anyway.
  const size_t work = engine.config().period_s > 0
                          ? mempool.size()
                          : mempool.Select(committed, 1, SIZE_MAX, now_ms / 1000).size();
  if (!engine.ShouldSeal(work)) return std::nullopt;
  const uint64_t height = ledger.head().height + 1;
  if (!planned_ || planned_->parent != ledger.head_hash()) {
    const consensus::poa::SealPlan plan =
        engine.SealPlanFor(ledger.headers(), me, now_ms, random.Uniform01());
    planned_ = Planned{plan.parent, plan.block_time_s, plan.at_ms, plan.in_turn};
  }
  if (now_ms < planned_->at_ms) return std::nullopt;

  const int64_t block_time_s = planned_->block_time_s;
  // Only what a block stamped block_time_s can take: a transaction locked until later waits.
  std::vector<chain::Tx> txs =
      mempool.Select(committed, max_block_txs_, kMaxBlockTxBytes, block_time_s);
  const auto vote = votes.Choose(ledger.snapshot(), height, random.Uniform01());
  std::optional<chain::HeaderVote> header_vote;
  if (vote) header_vote = chain::HeaderVote{vote->target, vote->authorize};
  planned_.reset();
  return ledger.SealBlock(std::move(txs), block_time_s, key, header_vote);
}

}  // namespace v2v::node
