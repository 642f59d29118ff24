// How a peer is scored for what it sends (docs/spec/node.md N3). A block or transaction earns
// points only when it is invalid by the rules (a chain::Rejection); a block whose parent we lack,
// and any failure of our own (an IoError or Corruption of our store), earn none: the peer did
// nothing wrong. A score of kBanThreshold bans the peer's certificate name.
#pragma once

#include "chain/reject.h"

namespace v2v::node {

inline constexpr int kBanThreshold = 100;
inline constexpr int kPenaltyUndecodable = 50;
inline constexpr int kPenaltyInvalidBlock = 20;
inline constexpr int kPenaltyInvalidTx = 5;
inline constexpr int kPenaltyWrongChain = 100;

// The points a peer earns for a block it sent, from the import's result.
template <typename T>
int BlockPenalty(const chain::ValidationResult<T>& imported) {
  return imported.invalid() ? kPenaltyInvalidBlock : 0;
}

}  // namespace v2v::node
