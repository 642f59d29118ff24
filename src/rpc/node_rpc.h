// The node's RPC listeners, built from its config (docs/spec/node.md N5, N7):
//   - rpc_listen (HTTP): the public namespace, for anyone who reaches the port;
//   - admin_socket (Unix socket, mode 0600): every method, for the operator (geth's IPC);
//   - authrpc_listen (HTTP, optional): every method, for an operator with a JWT.
// Each has its own dispatcher limits, connection budget and Host/CORS policy from the config;
// refusals go to the node's net::Refusals (log line + v2v_refusals_total).
// Runs on the node's io thread; the service and the io_context must outlive it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "node/service.h"
#include "rpc/http_server.h"
#include "rpc/json_rpc.h"
#include "rpc/node_api.h"

namespace v2v::rpc {

class NodeRpc {
 public:
  // What a caller adds to the public endpoint before it listens (the explorer: read methods on
  // the public dispatcher, its page and WebSocket on the public server).
  using PublicExtension =
      std::function<void(Dispatcher& public_methods, HttpServer& public_server)>;
  // Listens on every configured endpoint; an error names the config key.
  static Result<std::unique_ptr<NodeRpc>> Start(boost::asio::io_context& io,
                                                node::NodeService& node,
                                                const PublicExtension& extend_public = {});
  NodeRpc(const NodeRpc&) = delete;
  NodeRpc& operator=(const NodeRpc&) = delete;

  const NodeEndpoints& endpoints() const { return endpoints_; }
  // REQUIRES: on the io thread or with the io_context stopped.
  void Close();

 private:
  NodeRpc() = default;
  NodeEndpoints endpoints_;
  Dispatcher public_, operator_;
  std::unique_ptr<HttpServer> rpc_, admin_, authrpc_;
};

}  // namespace v2v::rpc
