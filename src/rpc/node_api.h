// The node's JSON-RPC methods (docs/spec/node.md N5) on a Dispatcher: geth's names where they
// exist (clique_*, admin_*), chain_/state_/tx_ for the rest. Handlers call the NodeService, so
// they must run on the node's io thread (the HttpServer shares it).
#pragma once

#include "node/service.h"
#include "rpc/json_rpc.h"

namespace v2v::rpc {

void RegisterNodeMethods(Dispatcher& dispatcher, node::NodeService& node);

// JSON views shared with tools: a block header (+ tx hashes) as chain_getBlockByNumber returns it.
nlohmann::json BlockJson(const chain::Block& block, bool raw);

}  // namespace v2v::rpc
