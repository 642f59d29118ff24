// The Clique block producer (docs/spec/node.md N4): when the ledger's consensus engine says this
// node may seal (an authorised signer that has not signed recently), it keeps the engine's plan
// for the next block on the head (timestamp max(parent + period, now), plus the out-of-turn
// wiggle), and at that time builds and seals a block from the mempool (the transactions a block of
// that timestamp can take: Mempool::Select with the block time) and its pending votes. The seal
// rules and timing are the engine's (consensus/poa/engine.h); time and draws are passed in; it
// sends and stores nothing itself.
// Not thread-safe (one owner).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "consensus/poa/engine.h"
#include "crypto/ed25519.h"
#include "node/ledger.h"
#include "node/mempool.h"
#include "node/ports.h"

namespace v2v::node {

class BlockProducer {
 public:
  explicit BlockProducer(size_t max_block_txs) : max_block_txs_(max_block_txs) {}

  // A sealed block when it is `key`'s time to seal on the ledger's head at `now_ms`, else nullopt
  // (not a signer, signed recently, nothing to seal, or not yet). A failed SealBlock comes back
  // as its Status. Draws from `random` once per planned block and once per vote choice.
  std::optional<Result<SealedBlock>> MaybeSealBlock(const Ledger& ledger, const Mempool& mempool,
                                                    const consensus::poa::Proposals& votes,
                                                    const crypto::PrivateKey& key, int64_t now_ms,
                                                    Random& random);
  // Forgets the planned block (the head moved).
  void Reset() { planned_.reset(); }
  // When the planned block is due (Unix ms), if one is planned: the owner wakes then rather than
  // at its next periodic tick.
  std::optional<int64_t> PlannedAtMs() const {
    return planned_ ? std::optional<int64_t>(planned_->at_ms) : std::nullopt;
  }
  // Whether the planned block is an in-turn one (false when none is planned).
  bool PlannedInTurn() const { return planned_ && planned_->in_turn; }

 private:
  struct Planned {
    Hash32 parent;
    int64_t block_time_s;
    int64_t at_ms;
    bool in_turn;
  };
  size_t max_block_txs_;
  std::optional<Planned> planned_;
};

// A transaction sender's committed nonce in `state` (0 for an unknown sender).
uint64_t CommittedNonce(const chain::State& state, const std::string& sender);

}  // namespace v2v::node
