// How a peer is scored for what it sends (docs/spec/node.md N3). A block or transaction earns
// points only when it is invalid by the rules (a chain::Rejection); a block whose parent we lack,
// a block stamped too far ahead of our clock (kFutureBlock), and any failure of our own (an
// IoError or Corruption of our store) earn none: the peer did nothing wrong. A score of
// kBanThreshold bans the peer's certificate name until the operator adds the name again
// (PeerBook::Add) or the node restarts.
#pragma once

#include "chain/reject.h"

namespace v2v::node {

inline constexpr int kBanThreshold = 100;
inline constexpr int kPenaltyUndecodable = 50;
inline constexpr int kPenaltyInvalidBlock = 20;
inline constexpr int kPenaltyInvalidTx = 5;
inline constexpr int kPenaltyWrongChain = 100;

// The points a peer earns for a block it sent, from the import's result. kFutureBlock is a
// refusal for now, not a verdict: an honest signer whose clock runs ahead seals such blocks, and
// a peer that relays one did nothing wrong. Such a block is not kept; while the sender's tip
// stays preferred, its hello heartbeat (every second) makes us fetch it again, and it goes in
// once its time is within the window (consensus::poa::AllowedFutureS).
template <typename T>
int BlockPenalty(const chain::ValidationResult<T>& imported) {
  if (!imported.invalid() || imported.rejection().code == chain::Reject::kFutureBlock) return 0;
  return kPenaltyInvalidBlock;
}

}  // namespace v2v::node
