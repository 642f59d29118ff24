#include "testnet_command.h"

#include <cmath>
#include <iostream>
#include <memory>
#include <optional>

#include "node/grid_json.h"
#include "node/mechanism_json.h"
#include "testnet/testnet.h"

namespace v2v::cli {
namespace {

struct TestnetOptions {
  testnet::Options create;
  std::string grid_file;               // --grid: the genesis's grid areas
  std::string mechanism = "bayesian";  // --mechanism, with --k and --posted-price (C-4.9)
  std::optional<double> k;
  std::optional<int64_t> posted_price;
  std::optional<int64_t> value_floor, cost_ceiling;
  std::string dir;
  size_t node = 0;
  int timeout_s = 30;
};

int TestnetFail(const char* cmd, const Status& s) {
  std::cerr << "v2v testnet " << cmd << ": " << s.message() << "\n";
  return s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound ? 2 : 1;
}

// Reads --grid into the genesis options; InvalidArgument (exit 2) naming the file and field.
Status ReadGrid(TestnetOptions& o) {
  if (o.grid_file.empty()) return Status::Ok();
  V2V_ASSIGN_OR_RETURN(o.create.grid, node::ReadGridJsonFile(o.grid_file));
  return Status::Ok();
}

// --mechanism NAME [--k K] [--posted-price P] into the genesis options; InvalidArgument (exit 2)
// naming the flag: an unknown name, a flag the mechanism does not read, k outside [0, 1].
Status ReadMechanism(TestnetOptions& o) {
  nlohmann::json j = {{"name", o.mechanism}};
  if (o.k) {
    if (!(*o.k >= 0 && *o.k <= 1)) return Status::InvalidArgument("--k: must be in [0, 1]");
    j["k_ppm"] = std::llround(*o.k * 1e6);
  }
  if (o.posted_price) j["posted_price"] = *o.posted_price;
  if (o.mechanism == "mcafee") {  // the RSUs' default v^min and c^max unless given
    j["value_floor"] = o.value_floor.value_or(100);
    j["cost_ceiling"] = o.cost_ceiling.value_or(300);
  } else if (o.value_floor || o.cost_ceiling) {
    return Status::InvalidArgument("--value-floor, --cost-ceiling: only McAfee reads them");
  }
  auto m = node::ParseMechanismJson(j);
  if (!m.ok()) return Status::InvalidArgument("--mechanism: " + m.status().message());
  o.create.mechanism = *m;
  return Status::Ok();
}

Status ReadGenesisFiles(TestnetOptions& o) {
  V2V_RETURN_IF_ERROR(ReadGrid(o));
  return ReadMechanism(o);
}

int RunStart(TestnetOptions& o) {
  if (Status s = ReadGenesisFiles(o); !s.ok()) return TestnetFail("start", s);
  auto self = testnet::SelfExecutable();
  if (!self.ok()) return TestnetFail("start", self.status());
  o.create.dir = o.dir;
  auto t = testnet::Start(o.create, *self, std::chrono::seconds(o.timeout_s));
  if (!t.ok()) return TestnetFail("start", t.status());
  for (const auto& n : t->nodes) {
    std::cout << n.name << "\tpid " << n.pid << "\trpc " << n.rpc << "\tp2p " << n.p2p << "\tadmin "
              << n.admin << "\tvehicles " << n.vehicle_api << "\n";
  }
  std::cout << "testnet of " << t->nodes.size() << " nodes up; " << t->dir << "/testnet.json\n";
  return 0;
}

int RunCreate(TestnetOptions& o) {
  if (Status s = ReadGenesisFiles(o); !s.ok()) return TestnetFail("create", s);
  o.create.dir = o.dir;
  auto t = testnet::Create(o.create);
  if (!t.ok()) return TestnetFail("create", t.status());
  for (const auto& n : t->nodes) {
    std::cout << n.name << "\tconfig " << n.config << "\trpc " << n.rpc << "\tp2p " << n.p2p
              << "\tvehicles " << n.vehicle_api << "\n";
  }
  std::cout << "testnet of " << t->nodes.size() << " nodes written, none started; " << t->dir
            << "/testnet.json\n";
  return 0;
}

int RunStop(const TestnetOptions& o) {
  const Status s = testnet::Stop(o.dir);
  if (!s.ok()) return TestnetFail("stop", s);
  std::cout << "stopped the testnet in " << o.dir << "\n";
  return 0;
}

int RunRestart(const TestnetOptions& o) {
  auto self = testnet::SelfExecutable();
  if (!self.ok()) return TestnetFail("restart", self.status());
  const Status s = testnet::Restart(o.dir, o.node, *self, std::chrono::seconds(o.timeout_s));
  if (!s.ok()) return TestnetFail("restart", s);
  auto t = testnet::Load(o.dir);
  if (!t.ok()) return TestnetFail("restart", t.status());
  const auto& n = t->nodes[o.node];
  std::cout << n.name << "\tpid " << n.pid << "\trpc " << n.rpc << "\n";
  return 0;
}

// The options of the testnet's files, shared by `start` and `create`.
void AddCreateOptions(CLI::App* cmd, TestnetOptions& o) {
  cmd->add_option("--nodes", o.create.nodes, "Number of RSU nodes (all signers)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--dir", o.dir, "New testnet directory (must not exist or be empty)")->required();
  cmd->add_option("--period", o.create.period_s, "Clique period in seconds")->capture_default_str();
  cmd->add_option("--vehicles", o.create.vehicles, "Funded vehicle identities car-<k>")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  cmd->add_option("--epoch", o.create.epoch, "Clique epoch (checkpoint interval, blocks)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--spare", o.create.spare,
                  "Extra RSU identities (DIR/spare/) outside the authority set, to vote in")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  cmd->add_option("--genesis-delay", o.create.genesis_delay_s,
                  "Seconds from now to the genesis time (block 1 is due one period later)")
      ->capture_default_str();
  cmd->add_option("--t-limit", o.create.vehicle_t_limit_s, "T_limit of vehicle rounds, seconds")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd->add_option("--settle-window", o.create.settle_window_s,
                  "Seconds after a round's block until its escrows may be refunded (genesis)")
      ->check(CLI::Range(1, 86400 * 30))
      ->capture_default_str();
  cmd->add_option("--grid", o.grid_file,
                  "JSON file of grid areas (tariff, feed-in, chargers) for the genesis: rounds "
                  "price against the grid (docs/model.md section 11); default none");
  cmd->add_option("--mechanism", o.mechanism,
                  "Mechanism that clears every round, named in the genesis: bayesian (the paper's "
                  "scheme), k-double-auction, posted-price, sbba or mcafee (docs/mechanisms.md)")
      ->capture_default_str();
  cmd->add_option("--k", o.k, "The k-double auction's k in [0, 1] (default 0.5)");
  cmd->add_option("--posted-price", o.posted_price,
                  "The posted price, smallest units per kWh (required by posted-price)");
  cmd->add_option("--value-floor", o.value_floor,
                  "McAfee's value floor, smallest units per kWh (default 100)");
  cmd->add_option("--cost-ceiling", o.cost_ceiling,
                  "McAfee's cost ceiling, smallest units per kWh (default 300)");
  cmd->add_option("--max-block-txs", o.create.max_block_txs, "Each node's max_block_txs")
      ->capture_default_str();
  cmd->add_option("--log-level", o.create.log_level, "debug | info | warn | error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  cmd->add_option("--addresses", o.create.addresses,
                  "Node i listens on the i-th IPv4 address (comma-separated, one per node); "
                  "default 127.0.0.1 for all")
      ->delimiter(',');
}

}  // namespace

void AddTestnetCommand(CLI::App& app, int* exit_code) {
  CLI::App* tn = app.add_subcommand("testnet", "A local testnet of RSU nodes on loopback");
  tn->require_subcommand(1);

  auto start = std::make_shared<TestnetOptions>();
  CLI::App* cmd = tn->add_subcommand(
      "start", "Make a CA, RSU certificates, a genesis and configs; start N nodes; wait for them");
  AddCreateOptions(cmd, *start);
  cmd->add_option("--timeout", start->timeout_s, "Seconds to wait for every RPC to answer")
      ->capture_default_str();
  cmd->callback([start, exit_code] { *exit_code = RunStart(*start); });

  auto create = std::make_shared<TestnetOptions>();
  cmd = tn->add_subcommand("create",
                           "Write the testnet's files as start does, start nothing (the nodes are "
                           "started by hand, e.g. one per network namespace: tests/hosts)");
  AddCreateOptions(cmd, *create);
  cmd->callback([create, exit_code] { *exit_code = RunCreate(*create); });

  auto stop = std::make_shared<TestnetOptions>();
  cmd = tn->add_subcommand("stop", "SIGTERM every node, wait up to 10 s, then SIGKILL");
  cmd->add_option("--dir", stop->dir, "Testnet directory")->required();
  cmd->callback([stop, exit_code] { *exit_code = RunStop(*stop); });

  auto restart = std::make_shared<TestnetOptions>();
  cmd = tn->add_subcommand("restart", "Start node I again with the same config and wait for it");
  cmd->add_option("--dir", restart->dir, "Testnet directory")->required();
  cmd->add_option("--node", restart->node, "Node index")->required();
  cmd->add_option("--timeout", restart->timeout_s, "Seconds to wait for its RPC")
      ->capture_default_str();
  cmd->callback([restart, exit_code] { *exit_code = RunRestart(*restart); });
}

}  // namespace v2v::cli
