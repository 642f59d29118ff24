// The vehicle gateway inside an RSU node: the wiring of its NodePort (service_port.h), the
// WebSocket server, the API and a tick timer on the node's io thread. The hooks in the node
// are the chain event feed (NodeService::feed: its deliveries wake RoundBook::OnHead) and
// SetTxDropObserver (to RoundBook::OnTxDropped).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "base/clock.h"
#include "gateway/service_port.h"
#include "gateway/vehicle_api.h"
#include "gateway/ws_server.h"
#include "node/log.h"
#include "node/service.h"

namespace v2v::gateway {

class NodeGateway {
 public:
  // Listens on config.vehicle_listen with the node's certificate and key; logs the URL. The
  // port's refusals go to the node's net::Refusals (surface "vehicle": a `refused` log line and
  // v2v_refusals_total on /metrics, as the RPC listeners').
  static Result<std::unique_ptr<NodeGateway>> Start(boost::asio::io_context& io,
                                                    node::NodeService& service, node::Logger& log);
  ~NodeGateway();
  void Stop();
  uint16_t port() const { return port_; }

 private:
  NodeGateway(boost::asio::io_context& io, node::NodeService& service);
  void Arm();

  node::NodeService& service_;
  const base::Clock& clock_;  // the node's (NodeService::clock)
  std::unique_ptr<ServicePort> port_impl_;
  std::unique_ptr<WsServer> server_;
  std::unique_ptr<VehicleApi> api_;
  boost::asio::steady_timer timer_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace v2v::gateway
