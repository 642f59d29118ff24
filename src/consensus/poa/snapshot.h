// The Clique (EIP-225) signer snapshot, as go-ethereum's consensus/clique/snapshot.go applies it.
// docs/clique.md lists the rules one by one; comments below cite them as [Rn].
//
// Pure: no clock, no randomness, no signature checks (the caller recovers and verifies the
// sealer from the seal). Apply() returns a new snapshot and leaves this one unchanged, so a reorg
// just keeps an older snapshot. Signers are ordered by key bytes [R3].
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "chain/reject.h"
#include "crypto/ed25519.h"

namespace v2v::consensus::poa {

using Signer = crypto::PublicKey;

inline constexpr uint64_t kDefaultEpoch = 30000;
inline constexpr uint8_t kDiffInTurn = 2;
inline constexpr uint8_t kDiffNoTurn = 1;

// A vote rides in a header: target and direction [R8].
struct Vote {
  Signer target;
  bool authorize = false;
};

// The fields of a block header the engine reads.
struct CliqueHeader {
  uint64_t height = 0;
  Signer sealer;  // recovered from the seal by the caller
  uint8_t difficulty = 0;
  std::optional<Vote> vote;                // none on checkpoints
  std::vector<Signer> checkpoint_signers;  // only at heights that are a multiple of the epoch
};

class Snapshot {
 public:
  // The genesis snapshot (height 0). Duplicates are removed; order is irrelevant.
  Snapshot(uint64_t epoch, std::vector<Signer> signers);

  // Applies the header at height() + 1: returns the next snapshot or the rule it breaks, one of
  // chain::Reject kBadHeight (not height() + 1), kInvalidCheckpointVote [R2],
  // kCheckpointSignersOffEpoch, kMismatchingCheckpointSigners [R2], kUnauthorizedSigner [R6],
  // kRecentlySigned [R7], kWrongDifficulty [R4]. Never an error Status (it reads nothing).
  chain::ValidationResult<Snapshot> Apply(const CliqueHeader& header) const;

  uint64_t height() const { return height_; }
  uint64_t epoch() const { return epoch_; }
  const std::vector<Signer>& signers() const { return signers_; }  // sorted [R3]
  bool IsSigner(const Signer& s) const;
  // [R4]: the signer whose index among the sorted signers is height mod N.
  bool InTurn(uint64_t height, const Signer& s) const;
  uint8_t DifficultyFor(uint64_t height, const Signer& s) const {
    return InTurn(height, s) ? kDiffInTurn : kDiffNoTurn;
  }
  // May `s` seal the block at height()+1 under the recency rule [R7]?
  bool RecentlySigned(const Signer& s) const;
  // Votes currently counted, per target (for clique_proposals-like views and tests).
  int TallyFor(const Signer& target, bool authorize) const;

  // Canonical bytes of the whole snapshot (recents and votes included), and back, so a node
  // reopening from storage continues with exactly this state (go-ethereum issue 17593).
  Bytes Encode() const;
  static Result<Snapshot> Decode(ByteSpan bytes);

  bool operator==(const Snapshot&) const = default;

 private:
  struct CastVote {
    Signer signer;
    uint64_t height;
    Signer target;
    bool authorize;
    bool operator==(const CastVote&) const = default;
  };
  struct Tally {
    bool authorize;
    int votes;
    bool operator==(const Tally&) const = default;
  };
  Snapshot() = default;
  bool Cast(const Signer& target, bool authorize);
  void Uncast(const Signer& target, bool authorize);
  void AddSigner(const Signer& s);
  void RemoveSigner(const Signer& s);

  uint64_t epoch_ = kDefaultEpoch;
  uint64_t height_ = 0;
  std::vector<Signer> signers_;         // sorted, unique
  std::map<uint64_t, Signer> recents_;  // height -> sealer
  std::vector<CastVote> votes_;         // in the order cast
  std::map<Signer, Tally> tally_;
};

}  // namespace v2v::consensus::poa
