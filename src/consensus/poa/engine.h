// Clique rules beyond the vote tally: timing, producer behaviour and fork choice
// (../shared/CLIQUE.md [R1], [R5], [R13], [R14]). Pure: time and randomness are arguments.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "consensus/poa/snapshot.h"

namespace v2v::consensus::poa {

struct CliqueConfig {
  uint64_t epoch = kDefaultEpoch;
  uint64_t period_s = 1;              // minimum seconds between blocks; 0 = seal only with work
  int64_t allowed_future_s = 15;      // how far ahead of the local clock a header may be
};

// [R1] A header's timestamp is at least its parent's plus the period and not from the future.
Status VerifyTimestamp(const CliqueConfig& config, int64_t parent_time_s, int64_t header_time_s,
                       int64_t now_s);

// [R1] The timestamp a producer stamps: max(parent + period, now).
int64_t NextTimestamp(const CliqueConfig& config, int64_t parent_time_s, int64_t now_s);

// [R1] With period 0 an empty block is never sealed.
bool ShouldSeal(const CliqueConfig& config, size_t pending_transactions);

// [R5] The delay before an out-of-turn signer seals: uniform in [0, (N/2 + 1) * 500 ms)
// (go-ethereum's wiggle). 0 for the in-turn signer. `uniform01` is an injected random draw.
int64_t SealDelayMs(const Snapshot& snap, uint64_t height, const Signer& me, double uniform01);

// [R13] A node's pending proposals (clique_propose / clique_discard), and the one it puts in
// its next block: among the proposals that would change the target's status, the one chosen by
// the injected draw (go-ethereum picks at random). None on checkpoint blocks.
class Proposals {
 public:
  void Propose(const Signer& target, bool authorize) { pending_[target] = authorize; }
  void Discard(const Signer& target) { pending_.erase(target); }
  const std::map<Signer, bool>& pending() const { return pending_; }
  std::optional<Vote> Choose(const Snapshot& snap, uint64_t height, double uniform01) const;

 private:
  std::map<Signer, bool> pending_;
};

// [R14] Fork choice between two chain tips. The greater total difficulty wins; at equal total
// difficulty the lower height wins (more in-turn blocks); then the lower block hash
// (lexicographic bytes), a rule every node applies identically.
struct ChainTip {
  uint64_t total_difficulty = 0;
  uint64_t height = 0;
  Hash32 hash;
};
// True iff `candidate` should replace `current` as the head.
bool PreferTip(const ChainTip& candidate, const ChainTip& current);

}  // namespace v2v::consensus::poa
