#include "network_command.h"

#include <iostream>
#include <memory>

#include "testnet/hosts_file.h"
#include "testnet/network_init.h"

namespace v2v::cli {
namespace {

struct NetworkOptions {
  std::string hosts;
  std::string out;
};

int NetworkFail(const char* cmd, const Status& s) {
  std::cerr << "v2v network " << cmd << ": " << s.message() << "\n";
  return s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound ? 2 : 1;
}

int RunInit(const NetworkOptions& o) {
  auto hosts = testnet::LoadHostsFile(o.hosts);
  if (!hosts.ok()) return NetworkFail("init", hosts.status());
  auto net = testnet::InitNetwork(*hosts, o.out, testnet::NowUnix());
  if (!net.ok()) return NetworkFail("init", net.status());
  for (const auto& r : net->rsus) std::cout << r.name << "\tkey " << r.key << "\t" << r.dir << "\n";
  std::cout << "network " << hosts->network << " of " << net->rsus.size() << " RSUs in " << net->dir
            << "; genesis time " << net->genesis_time_s
            << ". Copy each RSU's directory to its machine: see its README.txt. Keep " << net->dir
            << "/ca (the CA key) off the nodes.\n";
  return 0;
}

}  // namespace

void AddNetworkCommand(CLI::App& app, int* exit_code) {
  CLI::App* network = app.add_subcommand("network", "A network of RSU machines");
  network->require_subcommand(1);

  auto init = std::make_shared<NetworkOptions>();
  CLI::App* cmd = network->add_subcommand(
      "init",
      "From a hosts file (TOML): the CA, the genesis, and per RSU its key, certificate, "
      "node config and install steps");
  cmd->add_option("--hosts", init->hosts, "Hosts file: [network] and one [[rsu]] per machine")
      ->required();
  cmd->add_option("--out", init->out, "New output directory (must not exist or be empty)")
      ->required();
  cmd->callback([init, exit_code] { *exit_code = RunInit(*init); });
}

}  // namespace v2v::cli
