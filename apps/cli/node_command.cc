#include "node_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "explorer/serve.h"
#include "gateway/node_gateway.h"
#include "node/config.h"
#include "node/genesis_json.h"
#include "node/host.h"
#include "node/log.h"
#include "node/ports.h"
#include "rpc/node_rpc.h"

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
    std::cerr << "v2v node: genesis " << config->genesis << ": " << genesis.status().message()
              << "\n";
    return 2;
  }

  const std::unique_ptr<node::Clock> clock = node::NewSystemClock();
  const std::unique_ptr<node::Random> random = node::NewSystemRandom();
  node::Logger log(config->name, node::ParseLogLevel(config->log_level), std::cerr, *clock);
  boost::asio::io_context io;
  auto host = node::NodeHost::Start(io, std::move(config).value(), *genesis, *clock, *random, log);
  if (!host.ok()) {
    log.Log(node::LogLevel::kError, "start_failed", {{"error", host.status().message()}});
    std::cerr << "v2v node: " << host.status().message() << "\n";
    return 1;
  }
  node::NodeService* svc = &(*host)->service();
  std::unique_ptr<explorer::Explorer> explorer;
  auto rpc = rpc::NodeRpc::Start(io, *svc, [&](rpc::Dispatcher& methods, rpc::HttpServer& server) {
    explorer = std::make_unique<explorer::Explorer>(io, methods, *svc);
    explorer->Attach(server);
  });
  if (!rpc.ok()) {
    log.Log(node::LogLevel::kError, "start_failed", {{"error", rpc.status().message()}});
    std::cerr << "v2v node: " << rpc.status().message() << "\n";
    return 1;
  }
  const rpc::NodeEndpoints& endpoints = (*rpc)->endpoints();
  log.Info("rpc_listening",
           {{"url", endpoints.rpc}, {"admin", endpoints.admin}, {"authrpc", endpoints.authrpc}});
  auto vehicles = gateway::NodeGateway::Start(io, *svc, log);
  if (!vehicles.ok()) {
    log.Log(node::LogLevel::kError, "start_failed",
            {{"error", "vehicle_listen: " + vehicles.status().message()}});
    std::cerr << "v2v node: vehicle_listen: " << vehicles.status().message() << "\n";
    return 1;
  }

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log.Info("stopping", {{"signal", sig}});
    (*vehicles)->Stop();
    (*host)->Stop();
    if (explorer) explorer->Close();
    (*rpc)->Close();
    io.stop();
  });
  io.run();
  log.Info("stopped", {{"height", svc->ledger().head().height}});
  return 0;
}

}  // namespace

void AddNodeCommand(CLI::App& app, int* exit_code) {
  auto* cmd =
      app.add_subcommand("node", "Run an RSU node (ledger, peers, mempool, producer, JSON-RPC)");
  auto path = std::make_shared<std::string>();
  cmd->add_option("--config", *path, "Node config (TOML; docs/spec/node.md)")->required();
  cmd->callback([path, exit_code] { *exit_code = RunNode(*path); });
}

}  // namespace v2v::cli
