#include "consensus/poa/engine.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

#include "crypto/hash.h"

namespace v2v::consensus::poa {

using chain::Reject;
using chain::Rejected;

chain::ValidationResult<Snapshot> Engine::VerifyHeader(const ChainHeaderReader& chain,
                                                       const chain::Block& block,
                                                       std::optional<int64_t> now_s) const {
  V2V_ASSIGN_OR_RETURN(std::optional<StoredHeader> parent, chain.HeaderByHash(block.header.parent));
  if (!parent) return Status::NotFound("unknown parent " + block.header.parent.Hex());
  return VerifyHeaderOn(parent->header, parent->snapshot, block, now_s);
}

chain::ValidationResult<Snapshot> Engine::VerifyHeaderOn(const chain::BlockHeader& parent,
                                                         const Snapshot& parent_snapshot,
                                                         const chain::Block& block,
                                                         std::optional<int64_t> now_s) const {
  const chain::BlockHeader& h = block.header;
  if (h.height != parent.height + 1) return Rejected(Reject::kBadHeight, std::to_string(h.height));
  if (h.parent != chain::BlockHash(parent)) return Rejected(Reject::kBadParent, h.parent.Hex());
  // Without now_s there is no future check: nothing is after INT64_MAX.
  if (auto r = VerifyTimestamp(parent.timestamp_s, h.timestamp_s, now_s.value_or(INT64_MAX))) {
    return *r;
  }
  if (!VerifySeal(h)) return Rejected(Reject::kBadSeal, "seal does not verify");
  V2V_VALIDATED_OR_RETURN(Snapshot next, parent_snapshot.Apply(ToCliqueHeader(h)));
  if (h.tx_root != chain::TxRoot(block.txs)) return Rejected(Reject::kBadTxRoot, "");
  return next;
}

int64_t AllowedFutureS(const CliqueConfig& config) {
  return config.allowed_future_s.value_or(
      std::max<int64_t>(1, static_cast<int64_t>(config.period_s)));
}

std::optional<chain::Rejection> Engine::VerifyTimestamp(int64_t parent_time_s,
                                                        int64_t header_time_s,
                                                        int64_t now_s) const {
  if (now_s != INT64_MAX && header_time_s > now_s + AllowedFutureS(config_)) {
    return Rejected(Reject::kFutureBlock, "timestamp " + std::to_string(header_time_s) +
                                              " is ahead of local time " + std::to_string(now_s));
  }
  if (header_time_s < parent_time_s + static_cast<int64_t>(config_.period_s)) {
    return Rejected(Reject::kInvalidTimestamp, "timestamp " + std::to_string(header_time_s) +
                                                   " < parent " + std::to_string(parent_time_s) +
                                                   " + period " + std::to_string(config_.period_s));
  }
  return std::nullopt;
}

Result<chain::BlockHeader> Engine::Prepare(const ChainHeaderReader& chain, int64_t time_s,
                                           const Signer& sealer,
                                           std::optional<chain::HeaderVote> vote) const {
  const chain::BlockHeader& head = chain.CurrentHeader();
  const Snapshot& snap = chain.CurrentSnapshot();
  const uint64_t height = head.height + 1;
  if (!snap.IsSigner(sealer)) {
    return Status::FailedPrecondition("not a signer at height " + std::to_string(height));
  }
  if (snap.RecentlySigned(sealer)) {
    return Status::FailedPrecondition("signed recently: may not seal height " +
                                      std::to_string(height));
  }
  if (time_s < head.timestamp_s + static_cast<int64_t>(config_.period_s)) {
    return Status::InvalidArgument("timestamp " + std::to_string(time_s) + " < parent " +
                                   std::to_string(head.timestamp_s) + " + period " +
                                   std::to_string(config_.period_s));
  }
  chain::BlockHeader h;
  h.height = height;
  h.parent = chain.CurrentHash();
  h.timestamp_s = time_s;
  h.difficulty = snap.DifficultyFor(height, sealer);
  if (height % config_.epoch == 0) {
    h.checkpoint_signers = snap.signers();
  } else {
    h.vote = vote;
  }
  return h;
}

void Engine::Seal(chain::BlockHeader& header, const crypto::PrivateKey& key) {
  header.sealer = key.public_key();
  header.seal = key.Sign(chain::SealBytes(header));
}

bool Engine::VerifySeal(const chain::BlockHeader& header) {
  return crypto::Verify(header.sealer, chain::SealBytes(header), header.seal);
}

Hash32 Engine::SealHash(const chain::BlockHeader& header) {
  return crypto::Sha256(chain::SealBytes(header));
}

bool Engine::MaySeal(const ChainHeaderReader& chain, const Signer& me) const {
  const Snapshot& snap = chain.CurrentSnapshot();
  return snap.IsSigner(me) && !snap.RecentlySigned(me);
}

bool Engine::ShouldSeal(size_t pending_transactions) const {
  return config_.period_s > 0 || pending_transactions > 0;
}

SealPlan Engine::SealPlanFor(const ChainHeaderReader& chain, const Signer& me, int64_t now_ms,
                             double uniform01) const {
  const chain::BlockHeader& head = chain.CurrentHeader();
  const int64_t t = NextTimestamp(config_, head.timestamp_s, now_ms / 1000);
  const Snapshot& snap = chain.CurrentSnapshot();
  const int64_t wiggle = SealDelayMs(snap, head.height + 1, me, uniform01);
  return SealPlan{chain.CurrentHash(), t, t * 1000 + wiggle, snap.InTurn(head.height + 1, me)};
}

CliqueHeader ToCliqueHeader(const chain::BlockHeader& h) {
  CliqueHeader c;
  c.height = h.height;
  c.sealer = h.sealer;
  c.difficulty = h.difficulty <= 2 ? static_cast<uint8_t>(h.difficulty) : uint8_t{0};
  if (h.vote) c.vote = Vote{h.vote->target, h.vote->authorize};
  c.checkpoint_signers = h.checkpoint_signers;
  return c;
}

int64_t NextTimestamp(const CliqueConfig& config, int64_t parent_time_s, int64_t now_s) {
  return std::max(parent_time_s + static_cast<int64_t>(config.period_s), now_s);
}

int64_t SealDelayMs(const Snapshot& snap, uint64_t height, const Signer& me, double uniform01) {
  if (snap.InTurn(height, me)) return 0;
  const double wiggle_ms = static_cast<double>(snap.signers().size() / 2 + 1) * 500.0;
  return static_cast<int64_t>(std::floor(std::clamp(uniform01, 0.0, 0.999999999) * wiggle_ms));
}

std::optional<Vote> Proposals::Choose(const Snapshot& snap, uint64_t height,
                                      double uniform01) const {
  if (height % snap.epoch() == 0) return std::nullopt;
  std::vector<Vote> valid;
  for (const auto& [target, authorize] : pending_) {
    if (snap.IsSigner(target) != authorize)
      valid.push_back({target, authorize});  // would change status
  }
  if (valid.empty()) return std::nullopt;
  const auto k = static_cast<size_t>(std::clamp(uniform01, 0.0, 0.999999999) *
                                     static_cast<double>(valid.size()));
  return valid[k];
}

bool PreferTip(const ChainTip& candidate, const ChainTip& current) {
  if (candidate.total_difficulty != current.total_difficulty) {
    return candidate.total_difficulty > current.total_difficulty;
  }
  if (candidate.height != current.height) return candidate.height < current.height;
  return candidate.hash < current.hash;
}

}  // namespace v2v::consensus::poa
