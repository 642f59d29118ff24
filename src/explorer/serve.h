// The explorer on a node's RPC listener: its read methods on the public dispatcher, the page and
// its assets for GET, and WebSocket upgrades to the newHeads subscriptions (docs/spec/node.md N8).
#pragma once

#include <memory>
#include <optional>

#include "explorer/head_subscriptions.h"
#include "node/service.h"
#include "rpc/http_server.h"

namespace v2v::explorer {

// The built-in page or asset a GET asks for (with Content-Type, Content-Security-Policy
// "default-src 'self'" and no caching), or nullopt.
std::optional<rpc::HttpServer::Response> PageResponse(const rpc::HttpServer::Request& request);

class Explorer {
 public:
  // Registers the read methods on `dispatcher`, which must outlive this object. The node's chain
  // event feed gives the subscriptions their heads.
  Explorer(boost::asio::io_context& io, rpc::Dispatcher& dispatcher, node::NodeService& node);
  // Serves the page and the subscriptions on `server` (before it listens); the subscriptions'
  // refusals go to the server's (the node's) net::Refusals.
  void Attach(rpc::HttpServer& server);
  // REQUIRES: on the io thread or with io stopped.
  void Close() {
    if (subscriptions_) subscriptions_->Close();
  }

 private:
  boost::asio::io_context& io_;
  const rpc::Dispatcher& dispatcher_;
  node::NodeService& node_;
  std::shared_ptr<HeadSubscriptions> subscriptions_;
};

}  // namespace v2v::explorer
