// The chain event feed's events (docs/spec/node.md N9): every block applied to or removed from the
// canonical chain, with a receipt per transaction taken from the contract's execution of it
// (contract/receipts.h), and every transaction the mempool let go of without a block taking it
// (with its typed code). A block is all or nothing (contract C-2.3): every transaction of an
// applied block was accepted; a refusal is a TxDropped.
//
// A reorg is the removed blocks, newest first, then the applied ones, oldest first; so a consumer
// that applies BlockApplied and undoes BlockRemoved follows the canonical chain exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "chain/block.h"
#include "chain/reject.h"
#include "contract/receipts.h"

namespace v2v::node {

// What one transaction of an applied block did (all accepted; see above).
struct TxReceipt {
  Hash32 tx;                                      // chain::TxHash
  uint32_t index = 0;                             // position in the block
  std::vector<contract::EscrowCreated> escrows;   // a trading round's, one per trade
  std::vector<contract::Payment> payments;        // a meter report's
  std::vector<contract::Settlement> settlements;  // a meter report's or a refund's
};

// A block became canonical (the chain grew, or a reorg's branch was executed).
struct BlockApplied {
  uint64_t height = 0;
  Hash32 hash;
  int64_t time_s = 0;  // the header's timestamp
  std::shared_ptr<const chain::Block> block;
  std::vector<TxReceipt> receipts;  // one per transaction, in block order
};

// A canonical block rolled back by a reorg.
struct BlockRemoved {
  uint64_t height = 0;
  Hash32 hash;
};

// The mempool let go of a transaction without a block taking it (N4.2 MempoolDrop): the
// contract refused it while sealing (its code), a new head made it stale, it expired, or an
// earlier nonce of its sender was dropped.
struct TxDropped {
  Hash32 tx;
  chain::Reject code = chain::Reject::kExpired;
};

using ChainEvent = std::variant<BlockApplied, BlockRemoved, TxDropped>;

// A subscriber fell behind: `missed` events were lost (ChainSubscription). It resyncs from the
// ledger, whose state includes all of them.
struct Lagged {
  uint64_t missed = 0;
};

// What a subscriber takes: an event (immutable, shared by every subscriber) or a Lagged.
using FeedItem = std::variant<std::shared_ptr<const ChainEvent>, Lagged>;

// The receipts of `block` from its execution's effects (one per transaction, in order).
// REQUIRES: effects.size() == block.txs.size().
std::vector<TxReceipt> MakeReceipts(const chain::Block& block,
                                    std::vector<contract::TxEffects> effects);

// The event of a block the ledger made canonical, and its receipts.
BlockApplied MakeBlockApplied(std::shared_ptr<const chain::Block> block, const Hash32& hash,
                              std::vector<contract::TxEffects> effects);

}  // namespace v2v::node
