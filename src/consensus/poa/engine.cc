#include "consensus/poa/engine.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace v2v::consensus::poa {

Status VerifyTimestamp(const CliqueConfig& config, int64_t parent_time_s, int64_t header_time_s,
                       int64_t now_s) {
  if (header_time_s > now_s + config.allowed_future_s) {
    return CliqueStatus(CliqueError::kFutureBlock, "timestamp " + std::to_string(header_time_s) +
                                                       " is ahead of local time " + std::to_string(now_s));
  }
  if (header_time_s < parent_time_s + static_cast<int64_t>(config.period_s)) {
    return CliqueStatus(CliqueError::kInvalidTimestamp,
                        "timestamp " + std::to_string(header_time_s) + " < parent " +
                            std::to_string(parent_time_s) + " + period " + std::to_string(config.period_s));
  }
  return Status::Ok();
}

int64_t NextTimestamp(const CliqueConfig& config, int64_t parent_time_s, int64_t now_s) {
  return std::max(parent_time_s + static_cast<int64_t>(config.period_s), now_s);
}

bool ShouldSeal(const CliqueConfig& config, size_t pending_transactions) {
  return config.period_s > 0 || pending_transactions > 0;
}

int64_t SealDelayMs(const Snapshot& snap, uint64_t height, const Signer& me, double uniform01) {
  if (snap.InTurn(height, me)) return 0;
  const double wiggle_ms = static_cast<double>(snap.signers().size() / 2 + 1) * 500.0;
  return static_cast<int64_t>(std::floor(std::clamp(uniform01, 0.0, 0.999999999) * wiggle_ms));
}

std::optional<Vote> Proposals::Choose(const Snapshot& snap, uint64_t height, double uniform01) const {
  if (height % snap.epoch() == 0) return std::nullopt;
  std::vector<Vote> valid;
  for (const auto& [target, authorize] : pending_) {
    if (snap.IsSigner(target) != authorize) valid.push_back({target, authorize});  // would change status
  }
  if (valid.empty()) return std::nullopt;
  const auto k = static_cast<size_t>(std::clamp(uniform01, 0.0, 0.999999999) * static_cast<double>(valid.size()));
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
