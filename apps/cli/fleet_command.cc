#include "fleet_command.h"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <iostream>
#include <memory>

#include "fleet/fleet_driver.h"
#include "fleet/fleet_plan.h"
#include "fleet/fleet_stats.h"
#include "sim/fcd_reader.h"
#include "sim/scenario.h"
#include "testnet/testnet.h"
#include "vehicle/client.h"
#include "vehicle/identity.h"

namespace v2v::cli {
namespace {

// The defaults are the plan's and the driver's (one place each; fleet_plan_test.cc checks that
// they trade).
struct FleetOptions {
  std::string testnet, scenario, fcd, out = "out/fleet";
  int vehicles = fleet::PlanOptions{}.vehicles;
  double seconds = fleet::DriverOptions{}.seconds, drain_s = fleet::DriverOptions{}.drain_s,
         listen_s = fleet::DriverOptions{}.listen_s, time_scale = fleet::PlanOptions{}.time_scale,
         price_scale = fleet::PlanOptions{}.price_scale;
  uint64_t seed = fleet::PlanOptions{}.seed;
  int per_connection = fleet::DriverOptions{}.per_connection;
  bool no_settle = false, quiet = false, json = false;
};

int FleetFail(int code, const std::string& what) {
  std::cerr << "v2v fleet: " << what << "\n";
  return code;
}

// The trace's frames up to `until_s` after its first (only the chosen vehicles are kept later).
Result<std::vector<sim::FcdFrame>> ReadFrames(const std::string& path, double until_s) {
  std::vector<sim::FcdFrame> frames;
  const Status enough = Status::FailedPrecondition("enough frames");
  Status st = sim::ReadFcdFile(path, [&](const sim::FcdFrame& f) {
    if (!frames.empty() && f.time_s > frames.front().time_s + until_s) return enough;
    frames.push_back(f);
    return Status::Ok();
  });
  if (!st.ok() && st.message() != enough.message()) return st;
  return frames;
}

int RunFleet(const FleetOptions& o) {
  auto net = testnet::Load(o.testnet);
  if (!net.ok()) return FleetFail(2, "--testnet: " + net.status().message());
  if (o.vehicles > static_cast<int>(net->vehicles.size())) {
    return FleetFail(2, "--vehicles " + std::to_string(o.vehicles) + ": the testnet has " +
                            std::to_string(net->vehicles.size()) +
                            " vehicle identities (testnet start --vehicles V)");
  }
  std::vector<vehicle::RsuUrl> nodes;
  for (const auto& n : net->nodes) {
    auto url = vehicle::ParseRsuUrl(n.vehicle_api);
    if (!url.ok())
      return FleetFail(
          2, n.name + ": no vehicle API in testnet.json (" + url.status().message() + ")");
    nodes.push_back(*url);
  }
  // Without --scenario: the district for the synthetic city; a trace keeps the built-in defaults.
  sim::Scenario scenario = o.fcd.empty() ? fleet::FleetDistrict() : sim::Scenario{};
  if (!o.scenario.empty()) {
    auto s = sim::LoadScenarioFile(o.scenario);
    if (!s.ok()) return FleetFail(2, s.status().message());
    scenario = *s;
  }
  fleet::PlanOptions po;
  po.vehicles = o.vehicles;
  po.nodes = static_cast<int>(nodes.size());
  po.seed = o.seed;
  po.time_scale = o.time_scale;
  po.price_scale = o.price_scale;
  Result<fleet::FleetPlan> plan = Status::Internal("unset");
  if (o.fcd.empty()) {
    plan = fleet::FleetPlan::Synthetic(scenario, po);
  } else {
    auto frames = ReadFrames(o.fcd, (o.seconds + 1) * o.time_scale);
    if (!frames.ok()) return FleetFail(2, frames.status().message());
    plan = fleet::FleetPlan::Trace(scenario, po, std::move(frames).value());
  }
  if (!plan.ok()) return FleetFail(2, plan.status().message());
  std::vector<std::string> dirs;
  for (int k = 0; k < o.vehicles; ++k) dirs.push_back(net->vehicles[static_cast<size_t>(k)].dir);
  auto tls = vehicle::MakeClientTls(net->CaDir() + "/ca.pem");
  if (!tls.ok()) return FleetFail(2, tls.status().message());

  boost::asio::io_context io;
  fleet::FleetStats stats;
  fleet::DriverOptions d;
  d.seconds = o.seconds;
  d.drain_s = o.drain_s;
  d.listen_s = o.listen_s;
  d.settle = !o.no_settle;
  d.per_connection = o.per_connection;
  const bool tty = isatty(2) != 0;
  if (!o.quiet) {
    d.progress = [tty](const std::string& line) {
      std::cerr << line << (tty ? "\r" : "\n") << std::flush;
    };
  }
  auto driver = fleet::FleetDriver::Create(io, *tls, nodes, std::move(dirs), *plan, stats, d);
  if (!driver.ok()) return FleetFail(2, driver.status().message());
  std::cout << "v2v fleet: " << o.vehicles << " vehicles on " << nodes.size() << " RSU nodes for "
            << o.seconds << " s (time scale " << o.time_scale << ", "
            << (o.fcd.empty() ? (o.scenario.empty() ? "built-in district" : "synthetic city")
                              : "trace " + o.fcd)
            << ")" << std::endl;
  const double wall_s = (*driver)->Run();
  if (!o.quiet && tty) std::cerr << "\n";
  const std::string stamp =
      "v2v fleet seed=" + std::to_string(o.seed) + " scenario=" + sim::ScenarioHash(scenario);
  Status st = stats.WriteTradesCsv(o.out, stamp);
  if (!st.ok()) return FleetFail(1, st.message());
  auto summary = stats.SummaryJson(wall_s);
  summary["vehicles"] = o.vehicles;
  summary["simulated_s"] = plan->simulated_s();
  summary["driven_km"] = plan->counters().driven_km;
  summary["engagements"] = plan->counters().engagements;
  if (FILE* f = std::fopen((o.out + "/summary.json").c_str(), "w")) {
    std::fputs((summary.dump(2) + "\n").c_str(), f);
    std::fclose(f);
  }
  if (o.json) {
    std::cout << summary.dump() << std::endl;
  } else {
    std::cout << stats.SummaryText(wall_s) << "  outputs: " << o.out << "/{trades.csv,summary.json}"
              << std::endl;
  }
  return 0;
}

}  // namespace

void AddFleetCommand(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<FleetOptions>();
  auto* cmd = app.add_subcommand(
      "fleet", "Drive the simulator's vehicles against a running testnet's vehicle APIs");
  cmd->add_option("--testnet", opt->testnet, "The testnet directory (v2v testnet start --dir)")
      ->required();
  cmd->add_option("--scenario", opt->scenario,
                  "Scenario TOML (default: a built-in 1.4 km district with four RSUs, one per "
                  "node; with --fcd, the simulator's defaults)");
  cmd->add_option("--fcd", opt->fcd,
                  "Mobility from a SUMO FCD trace instead of the synthetic grid");
  cmd->add_option("--vehicles", opt->vehicles, "Vehicles (DIR/vehicles/car-0..N-1)")
      ->capture_default_str();
  cmd->add_option("--seconds", opt->seconds, "Start engagements during this many seconds")
      ->capture_default_str();
  cmd->add_option("--drain", opt->drain_s,
                  "Then let engagements in flight finish for at most this long")
      ->capture_default_str();
  cmd->add_option("--listen", opt->listen_s, "A seller waits this long for a call")
      ->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Random seed")->capture_default_str();
  cmd->add_option("--time-scale", opt->time_scale, "Simulated seconds per real second")
      ->capture_default_str();
  cmd->add_option("--price-scale", opt->price_scale, "Ledger units per scenario currency unit")
      ->capture_default_str();
  cmd->add_option("--per-connection", opt->per_connection,
                  "Engagements sharing one connection to a node, their signed transactions sent "
                  "as vehicle_submitBatch (1: a connection each)")
      ->capture_default_str();
  cmd->add_option("--out", opt->out, "Output directory (trades.csv, summary.json)")
      ->capture_default_str();
  cmd->add_flag("--no-settle", opt->no_settle, "Stop at the commit (no metering and settlement)");
  cmd->add_flag("--json", opt->json, "Print the summary as one JSON line");
  cmd->add_flag("--quiet,-q", opt->quiet, "No progress line");
  cmd->callback([opt, exit_code] { *exit_code = RunFleet(*opt); });
}

}  // namespace v2v::cli
