// The explorer's public, read-only JSON-RPC methods (docs/spec/node.md N8). They read the ledger
// and an in-memory ChainIndex (chain_index.h) that follows the head; none changes anything and
// none needs operator credentials. Every list is paged with a bounded page size, so no request
// reads the whole chain (the index itself is built once when the node starts).
//
//   clique_status([blocks])                 geth's shape: inturnPercent, numBlocks, sealerActivity
//   chain_getBlock(height_or_hash)          header, sealer name, in turn, tx count (no tx list)
//   chain_getBlocks(from, count)            block summaries from..from+count-1 (count <= 100)
//   chain_getBlockTransactions(b, page, size)  one page of a block's transaction summaries
//   chain_getTransaction(hash)              decoded transaction and where it is
//   state_getAccountHistory(id, cursor, limit)  newest first, "next" cursor for the next page
//   state_getEscrows(id)                    open escrows where the account is buyer or seller
//   state_getAccountSavings(id)             its trades against the grid tariff of the genesis
//                                           (savings.h), over its newest 200 transactions
//   state_getCertificate(id)                subject, serial, validity and revocation
//   market_rounds(from, to)                 rounds in a height range (<= 256 blocks): prices,
//                                           volumes and trades with the bidders' positions
//   node_status()                           name, height, peers, pending transactions, period
//
// Handlers run on the node's io thread (like the other node methods).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "node/ledger.h"
#include "node/service.h"
#include "rpc/json_rpc.h"

namespace v2v::explorer {

inline constexpr uint64_t kMaxPage = 100;
inline constexpr uint64_t kMaxRoundSpan = 256;
inline constexpr uint64_t kMaxStatusBlocks = 1024;

struct ExplorerSource {
  std::function<const node::Ledger&()> ledger;
  std::function<nlohmann::json()> node_status;  // node_status's answer (may be empty in tests)
  // The ledger's chain event feed, which the index follows (chain_index.h); null: the index
  // reads new blocks from the store.
  node::ChainFeed* feed = nullptr;
};
ExplorerSource NodeSource(node::NodeService& node);

void RegisterExplorerMethods(rpc::Dispatcher& dispatcher, ExplorerSource source);

}  // namespace v2v::explorer
