// An in-memory index of the canonical chain for the explorer's read methods: where each
// transaction is (hash -> height, position), which transactions touch each account (newest
// first, with a cursor), and the parties of every escrow a round opened (so a meter report or
// refund is listed for both its buyer and its seller).
//
// Kept in memory, not in the store: it is derived data, rebuilt from the stored blocks when the
// node starts (the first Sync reads every canonical block once) and then extended block by block,
// so the ledger's write path and its crash-consistency rules stay untouched. Sync follows the
// ledger's head: new canonical blocks are added; after a reorg, the blocks above the common
// ancestor are removed first. Memory: one entry per (transaction, account it touches).
//
// Not thread-safe: call it on the node's io thread, like the ledger.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "chain/block.h"
#include "node/ledger.h"

namespace v2v::explorer {

struct TxLocation {
  uint64_t height = 0;
  uint32_t index = 0;  // position in the block
  auto operator<=>(const TxLocation&) const = default;
};

// The accounts a transaction touches: its sender, the senders of the bids a round carries, and
// for a meter report or refund the escrow's buyer and seller (looked up in `escrow_parties`).
std::vector<std::string> TouchedAccounts(
    const chain::Tx& tx,
    const std::map<Hash32, std::pair<std::string, std::string>>& escrow_parties);

class ChainIndex {
 public:
  // Brings the index to the ledger's head (IoError/Corruption from the store).
  Status Sync(const node::Ledger& ledger);

  std::optional<TxLocation> Find(const Hash32& tx_hash) const;
  // Up to `limit` locations of transactions touching `account`, newest first, strictly older
  // than `before` when given.
  std::vector<TxLocation> History(const std::string& account, std::optional<TxLocation> before,
                                  size_t limit) const;
  // The (buyer, seller) of an escrow some indexed round opened.
  std::optional<std::pair<std::string, std::string>> EscrowParties(const Hash32& escrow) const;
  uint64_t indexed_height() const { return blocks_.empty() ? 0 : blocks_.size() - 1; }

 private:
  struct BlockRecord {
    Hash32 hash;
    std::vector<Hash32> txs;
    std::vector<std::string> accounts;  // one per (tx, touched account), in order
    std::vector<Hash32> escrows;
  };
  void Add(const chain::Block& block);
  void RemoveTop();

  std::vector<BlockRecord> blocks_;  // by height, from genesis
  std::map<Hash32, TxLocation> txs_;
  std::map<std::string, std::vector<TxLocation>> by_account_;  // ascending
  std::map<Hash32, std::pair<std::string, std::string>> escrows_;
};

}  // namespace v2v::explorer
