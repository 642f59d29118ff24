// The Clique engine (EIP-225; docs/clique.md, rules cited as [Rn]): everything Clique in one
// place, shaped like go-ethereum's consensus.Engine. It verifies a header, prepares the next
// one, seals it, names the seal hash and decides the seal timing; the vote tally itself is
// Snapshot (snapshot.h). It sees the chain only through ChainHeaderReader, a read-only port of
// header reads that the ledger implements; it calls nothing of the ledger's or the producer's.
//
// Pure: no clock, no randomness, no storage of its own. Time and draws are arguments; every
// refusal is a chain::Rejection naming its rule (chain/reject.h), and the only Status errors
// are the reader's own (a store failure) or, where documented, NotFound for a missing parent.
// Thread safety: const and stateless after construction, so safe to share.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "chain/block.h"
#include "chain/reject.h"
#include "consensus/poa/snapshot.h"

namespace v2v::consensus::poa {

struct CliqueConfig {
  uint64_t epoch = kDefaultEpoch;
  uint64_t period_s = 1;  // minimum seconds between blocks; 0 = seal only with work
  // How far ahead of the local clock a header may be stamped; nullopt: AllowedFutureS's rule.
  std::optional<int64_t> allowed_future_s;
};

// [R1] How far ahead of the local clock a block may be stamped and still be accepted: the
// configured value, else the period (at least 1 s). Why the period: a block stamped s seconds
// ahead pushes the next block's earliest time (its time + period) s seconds later, so an honest
// signer whose clock runs ahead by up to the window delays the next block by at most one period
// (a block interval at most doubles). A signer further ahead has its blocks refused for now
// (kFutureBlock, not a fault: docs/spec/node.md N3) until they fall within the window; by then
// the others have sealed those heights without it, so they stall nobody. 1 s at least, so that a
// clock a fraction of a second ahead (timestamps are whole seconds) is never refused.
int64_t AllowedFutureS(const CliqueConfig& config);

// A stored block as the engine reads it.
struct StoredHeader {
  chain::BlockHeader header;
  Snapshot snapshot{1, {}};  // after the block
};

// The engine's read-only view of the chain (go-ethereum's ChainHeaderReader).
class ChainHeaderReader {
 public:
  virtual ~ChainHeaderReader() = default;
  // The head: its header, hash, and the snapshot after it.
  virtual const chain::BlockHeader& CurrentHeader() const = 0;
  virtual const Hash32& CurrentHash() const = 0;
  virtual const Snapshot& CurrentSnapshot() const = 0;
  // A stored block (canonical or side) by hash: nullopt if not stored; an error Status is the
  // reader's own failure (IoError, Corruption).
  virtual Result<std::optional<StoredHeader>> HeaderByHash(const Hash32& hash) const = 0;
};

// When the producer seals the next block (SealPlanFor).
struct SealPlan {
  Hash32 parent;         // the head the plan is for
  int64_t block_time_s;  // the timestamp to stamp
  int64_t at_ms;         // local time (ms) at which to seal
  bool in_turn = false;  // the signer is in turn at the next height (at_ms has no wiggle)
};

class Engine {
 public:
  explicit Engine(CliqueConfig config) : config_(config) {}
  const CliqueConfig& config() const { return config_; }

  // --- verifying ---
  // The header rules of `block` against its stored parent, read through `chain`: height =
  // parent + 1, the parent link, the timestamp [R1] (>= parent + period; <= now_s +
  // AllowedFutureS only when now_s is set), the seal, Snapshot(parent).Apply [R2]-[R12], and
  // the tx root. Returns the snapshot after the block, the rejection, NotFound("unknown parent
  // <hex>") if the parent is not stored (go-ethereum's ErrUnknownAncestor), or the reader's
  // error.
  chain::ValidationResult<Snapshot> VerifyHeader(const ChainHeaderReader& chain,
                                                 const chain::Block& block,
                                                 std::optional<int64_t> now_s) const;
  // The same rules against a given parent and the snapshot after it (never an error Status).
  chain::ValidationResult<Snapshot> VerifyHeaderOn(const chain::BlockHeader& parent,
                                                   const Snapshot& parent_snapshot,
                                                   const chain::Block& block,
                                                   std::optional<int64_t> now_s) const;
  // [R1] A header's timestamp is at least its parent's plus the period and not more than
  // AllowedFutureS(config) ahead of now_s: nullopt, or kInvalidTimestamp / kFutureBlock.
  std::optional<chain::Rejection> VerifyTimestamp(int64_t parent_time_s, int64_t header_time_s,
                                                  int64_t now_s) const;

  // --- sealing ---
  // The header of the next block on the head at `time_s`, by `sealer`: height, parent,
  // timestamp, difficulty [R4], the signer list at epoch heights [R2] (then no vote), else
  // `vote`. Roots are left to the caller, the seal to Seal. FailedPrecondition if `sealer` may
  // not seal now (not a signer, or signed recently [R6][R7]); InvalidArgument if `time_s` is
  // before head + period [R1].
  Result<chain::BlockHeader> Prepare(const ChainHeaderReader& chain, int64_t time_s,
                                     const Signer& sealer,
                                     std::optional<chain::HeaderVote> vote) const;
  // Sets the header's sealer and signs chain::SealBytes (every field but the seal).
  static void Seal(chain::BlockHeader& header, const crypto::PrivateKey& key);
  // Whether the seal verifies for the header's sealer field (go-ethereum's Author + ecrecover).
  static bool VerifySeal(const chain::BlockHeader& header);
  // SHA-256 of the bytes the sealer signs: equal for two headers that differ only in the seal.
  static Hash32 SealHash(const chain::BlockHeader& header);

  // --- seal timing (the producer, docs/spec/node.md N4) ---
  // May `me` seal the block after the head (a signer, not recently signed)?
  bool MaySeal(const ChainHeaderReader& chain, const Signer& me) const;
  // [R1] With period 0 an empty block is never sealed.
  bool ShouldSeal(size_t pending_transactions) const;
  // [R1][R5] The plan for the next block on the head: stamp max(parent + period, now) and seal
  // at that time plus the out-of-turn delay (SealDelayMs with the injected draw `uniform01`).
  SealPlan SealPlanFor(const ChainHeaderReader& chain, const Signer& me, int64_t now_ms,
                       double uniform01) const;

 private:
  CliqueConfig config_;
};

// The Clique fields of a header, for Snapshot::Apply. A difficulty other than 1 or 2 becomes 0
// (wrong for everyone).
CliqueHeader ToCliqueHeader(const chain::BlockHeader& header);

// [R1] The timestamp a producer stamps: max(parent + period, now).
int64_t NextTimestamp(const CliqueConfig& config, int64_t parent_time_s, int64_t now_s);

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
