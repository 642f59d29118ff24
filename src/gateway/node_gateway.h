// The vehicle gateway inside an RSU node: a NodePort over node::NodeService and the wiring of
// the WebSocket server, the API and a tick timer on the node's io thread. The hooks in the node
// are the chain event feed (NodeService::feed: its deliveries wake RoundBook::OnHead) and
// SetTxDropObserver (to RoundBook::OnTxDropped).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "base/clock.h"
#include "gateway/node_port.h"
#include "gateway/vehicle_api.h"
#include "gateway/ws_server.h"
#include "node/log.h"
#include "node/service.h"

namespace v2v::gateway {

class ServicePort final : public NodePort {
 public:
  ServicePort(node::NodeService& service, std::unique_ptr<contract::IdentityVerifier> verifier)
      : service_(service), verifier_(std::move(verifier)) {}
  const chain::State& HeadState() const override { return service_.ledger().state(); }
  uint64_t HeadHeight() const override { return service_.ledger().head().height; }
  std::shared_ptr<node::ChainSubscription> SubscribeChain() override {
    return service_.feed().Subscribe(node::kDefaultFeedQueue, {.blocks = true, .drops = false});
  }
  const contract::IdentityVerifier& Verifier() const override { return *verifier_; }
  const contract::ContractParams& ContractParams() const override {
    return service_.ledger().genesis().params;
  }
  chain::ValidationResult<Hash32> Submit(const chain::Tx& tx) override {
    return service_.SubmitTx(tx);
  }
  std::optional<Hash32> PendingNonceUser(const std::string& sender, uint64_t nonce) const override {
    return service_.PendingNonceUser(sender, nonce);
  }

 private:
  node::NodeService& service_;
  std::unique_ptr<contract::IdentityVerifier> verifier_;
};

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
