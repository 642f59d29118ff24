#include "node_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "gateway/node_gateway.h"
#include "node/config.h"
#include "node/genesis_json.h"
#include "node/log.h"
#include "node/service.h"
#include "rpc/http_server.h"
#include "rpc/node_api.h"

namespace v2v::cli {
namespace {

int RunNode(const std::string& config_path) {
  auto config = node::LoadNodeConfig(config_path);
  if (!config.ok()) {
    std::cerr << "v2v node: " << config.status().message() << "\n";
    return 2;
  }
  auto genesis = node::ReadGenesisJsonFile(config->genesis);
  if (!genesis.ok()) {
    std::cerr << "v2v node: genesis " << config->genesis << ": " << genesis.status().message() << "\n";
    return 2;
  }

  node::NodeEnv env = node::SystemEnv();
  node::Logger log(config->name, node::ParseLogLevel(config->log_level), std::cerr, env.now_ms);
  boost::asio::io_context io;
  const node::HostPort rpc_listen = config->rpc_listen;
  auto service = node::NodeService::Start(io, std::move(config).value(), std::move(genesis).value(), env, log);
  if (!service.ok()) {
    log.Log(node::LogLevel::kError, "start_failed", {{"error", service.status().message()}});
    std::cerr << "v2v node: " << service.status().message() << "\n";
    return 1;
  }
  rpc::Dispatcher dispatcher;
  rpc::RegisterNodeMethods(dispatcher, **service);
  node::NodeService* svc = service->get();
  rpc::HttpServer http(io, dispatcher, [svc] { return node::MetricsText(*svc); });
  auto port = http.Listen(rpc_listen.host, rpc_listen.port);
  if (!port.ok()) {
    log.Log(node::LogLevel::kError, "start_failed", {{"error", "rpc_listen: " + port.status().message()}});
    std::cerr << "v2v node: rpc_listen " << rpc_listen.ToString() << ": " << port.status().message() << "\n";
    return 1;
  }
  log.Info("rpc_listening", {{"url", "http://" + rpc_listen.host + ":" + std::to_string(*port) + "/"}});
  auto vehicles = gateway::NodeGateway::Start(io, *svc, log, env.now_ms);
  if (!vehicles.ok()) {
    log.Log(node::LogLevel::kError, "start_failed", {{"error", "vehicle_listen: " + vehicles.status().message()}});
    std::cerr << "v2v node: vehicle_listen: " << vehicles.status().message() << "\n";
    return 1;
  }

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log.Info("stopping", {{"signal", sig}});
    (*vehicles)->Stop();
    svc->Stop();
    http.Close();
    io.stop();
  });
  io.run();
  log.Info("stopped", {{"height", svc->ledger().head().height}});
  return 0;
}

}  // namespace

void AddNodeCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("node", "Run an RSU node (ledger, peers, mempool, producer, JSON-RPC)");
  auto path = std::make_shared<std::string>();
  cmd->add_option("--config", *path, "Node config (TOML; docs/spec/node.md)")->required();
  cmd->callback([path, exit_code] { *exit_code = RunNode(*path); });
}

}  // namespace v2v::cli
