// The node's JSON-RPC methods (docs/spec/node.md N5) on a Dispatcher: geth's names where they
// exist (clique_*, admin_*), chain_/state_/tx_ for the rest. Handlers call the NodeService, so
// they must run on the node's io thread (the HttpServer shares it).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "node/service.h"
#include "rpc/json_rpc.h"

namespace v2v::rpc {

// Who a dispatcher serves (go-ethereum's namespaces, docs/spec/node.md N5):
//   kPublic   anyone who reaches the RPC port: the reads, tx_submit, tx_pending,
//             clique_getSigners, clique_proposals. The operator methods are answered -32601
//             "... is an operator method ..." and reported to `on_refused` (may be empty).
//   kOperator an authenticated operator (the Unix socket, authrpc with a JWT): every method.
enum class Access { kPublic, kOperator };

// Where the node answers, for admin_nodeInfo ("" when not listening).
struct NodeEndpoints {
  std::string rpc;      // http://host:port/
  std::string admin;    // unix:/path/admin.sock
  std::string authrpc;  // http://host:port/ (JWT)
};

// `endpoints` (may be null) is read at call time and must outlive the dispatcher.
void RegisterNodeMethods(Dispatcher& dispatcher, node::NodeService& node, Access access,
                         std::function<void(const std::string& method)> on_refused = {},
                         const NodeEndpoints* endpoints = nullptr);

// The methods only an operator may call: clique_propose, clique_discard, admin_*,
// chain_submitBlock.
const std::vector<std::string>& OperatorMethods();

// JSON views shared with tools: a block header (+ tx hashes) as chain_getBlockByNumber returns it.
nlohmann::json BlockJson(const chain::Block& block, bool raw);
// BlockJson without "txs" (and without hashing any transaction).
nlohmann::json HeaderJson(const chain::BlockHeader& header);

}  // namespace v2v::rpc
