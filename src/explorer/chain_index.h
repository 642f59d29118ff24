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
// On a node the index follows its chain event feed (Follow): it takes the blocks applied and
// removed, the blocks themselves included, as the node delivers them after each head change (and
// at each Sync), so it holds no queue of blocks and reads nothing from the store while the feed
// and the index agree with the ledger's head. It reads the store (as without a feed) only to build
// itself at the first Sync, and after its subscription fell behind (Lagged) or an event did not
// fit the indexed chain.
//
// Not thread-safe: call it on the node's io thread, like the ledger.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "chain/block.h"
#include "node/chain_feed.h"
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
  ChainIndex() = default;
  ChainIndex(const ChainIndex&) = delete;  // its feed subscription calls back into it
  ChainIndex& operator=(const ChainIndex&) = delete;

  // Subscribes to `feed` (blocks only; `queue` events, then Lagged). `feed` must be the ledger's
  // own (LedgerOptions::events); leaving it is dropping this index.
  void Follow(node::ChainFeed& feed, size_t queue = node::kDefaultFeedQueue);
  // Brings the index to the ledger's head (IoError/Corruption from the store).
  Status Sync(const node::Ledger& ledger);
  // Blocks read from the store so far (building, catching up without a feed, after a lag).
  uint64_t blocks_read() const { return blocks_read_; }

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
  void TakeFeed();  // applies what the feed published; stale_ when it cannot
  bool AtHead(const node::Ledger& ledger) const;
  Status SyncFromStore(const node::Ledger& ledger);

  std::vector<BlockRecord> blocks_;  // by height, from genesis
  std::map<Hash32, TxLocation> txs_;
  std::map<std::string, std::vector<TxLocation>> by_account_;  // ascending
  std::map<Hash32, std::pair<std::string, std::string>> escrows_;
  std::shared_ptr<node::ChainSubscription> feed_;
  bool stale_ = true;  // the feed alone cannot bring it to the head: read the store
  uint64_t blocks_read_ = 0;
};

}  // namespace v2v::explorer
