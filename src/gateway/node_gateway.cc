#include "gateway/node_gateway.h"

#include <algorithm>
#include <optional>

#include "base/file_util.h"
#include "node/ledger.h"

namespace v2v::gateway {

namespace {
// The book's tick: at the next round's build time (the end of its window), and at least every
// 200 ms (a built round past the ledger's max round age is dropped on a tick).
constexpr int64_t kTickPeriodMs = 200;

}  // namespace

NodeGateway::NodeGateway(boost::asio::io_context& io, node::NodeService& service)
    : service_(service), clock_(service.clock()), timer_(io) {}

Result<std::unique_ptr<NodeGateway>> NodeGateway::Start(boost::asio::io_context& io,
                                                        node::NodeService& service,
                                                        node::Logger& log) {
  const node::NodeConfig& config = service.config();
  std::unique_ptr<NodeGateway> g(new NodeGateway(io, service));
  V2V_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(config.key));
  V2V_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::FromPem(key_pem));
  g->port_impl_ = std::make_unique<ServicePort>(service);
  WsLimits limits;
  limits.max_connections = static_cast<size_t>(config.limits.vehicle_max_connections);
  limits.max_connections_per_address =
      static_cast<size_t>(config.limits.vehicle_max_connections_per_address);
  V2V_ASSIGN_OR_RETURN(g->server_, WsServer::Create(io, config.cert, config.key, limits));
  RoundBookOptions o;
  o.rsu = config.name;
  o.t_limit_s = config.vehicle_t_limit_s;
  g->api_ = std::make_unique<VehicleApi>(std::move(o), std::move(key), *g->port_impl_, g->clock_,
                                         *g->server_);
  g->server_->SetApi(g->api_.get());
  g->server_->SetRefusals(&service.refusals());  // surface "vehicle": the log and /metrics
  V2V_ASSIGN_OR_RETURN(g->port_,
                       g->server_->Listen(config.vehicle_listen.host, config.vehicle_listen.port));
  NodeGateway* self = g.get();
  // The feed delivers after every head change: the book takes its blocks (it subscribes to no
  // drops; those come through the drop observer below, at once).
  g->api_->book().WakeOnChainEvents([self] { self->api_->book().OnHead(self->clock_.NowMs()); });
  service.SetTxDropObserver([self](const node::MempoolDrop& d) {
    self->api_->book().OnTxDropped(d.hash, d.code, self->clock_.NowMs());
  });
  // A round that has closed is built before this node seals, so its own block can take it.
  service.SetBeforeSealObserver([self] { self->api_->book().Tick(self->clock_.NowMs()); });
  g->Arm();
  log.Info("vehicle_listening", {{"url", "wss://" + config.vehicle_listen.host + ":" +
                                             std::to_string(g->port_) + "/vehicle"}});
  return g;
}

void NodeGateway::Arm() {
  const int64_t now = clock_.NowMs();
  int64_t wait = kTickPeriodMs;
  if (const std::optional<int64_t> next = api_->book().NextTickMs()) {
    wait = std::clamp<int64_t>(*next - now, 0, kTickPeriodMs);
  }
  timer_.expires_after(std::chrono::milliseconds(wait));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    api_->book().Tick(clock_.NowMs());
    Arm();
  });
}

void NodeGateway::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (api_) api_->book().WakeOnChainEvents(nullptr);
  service_.SetTxDropObserver(nullptr);
  service_.SetBeforeSealObserver(nullptr);
  timer_.cancel();
  if (server_) server_->Close();
}

NodeGateway::~NodeGateway() { Stop(); }

}  // namespace v2v::gateway
