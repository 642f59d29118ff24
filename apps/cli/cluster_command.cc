#include "cluster_command.h"

#include <iostream>
#include <memory>

#include "cluster/cluster.h"

namespace v2v::cli {
namespace {

struct ClusterArgs {
  uint64_t seed = 1;
  uint64_t seeds = 1;
  int steps = cluster::ClusterOptions{}.steps;
  int nodes = cluster::ClusterOptions{}.nodes;
  bool trace = false;
  bool calm = false;
};

int RunClusterSim(const ClusterArgs& a) {
  if (a.nodes < 2 || a.nodes > 16 || a.steps < 1) {
    std::cerr << "v2v cluster-sim: --nodes must be 2..16 and --steps positive\n";
    return 2;
  }
  int failures = 0;
  for (uint64_t k = 0; k < a.seeds; ++k) {
    cluster::ClusterOptions o;
    o.seed = a.seed + k;
    o.steps = a.steps;
    o.nodes = a.nodes;
    o.faults = !a.calm;
    cluster::Trace trace;
    const cluster::ClusterReport r = cluster::RunCluster(o, trace);
    std::cout << r.Summary() << std::endl;
    if (a.trace) trace.Print(std::cout, 0);
    if (r.violation) {
      ++failures;
      std::cout << "violation with seed " << o.seed << " (replay: v2v cluster-sim --seed " << o.seed
                << " --steps " << o.steps << " --nodes " << o.nodes << " --trace): " << *r.violation
                << "\n--- trace (last 200 events) ---\n";
      trace.Print(std::cout, 200);
    }
  }
  if (a.seeds > 1)
    std::cout << a.seeds - failures << "/" << a.seeds << " seeds held every invariant\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace

void AddClusterSimCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "cluster-sim", "Deterministic simulation of the RSU network: faults, crashes, invariants");
  auto args = std::make_shared<ClusterArgs>();
  cmd->add_option("--seed", args->seed, "Seed of the (first) run")->required();
  cmd->add_option("--seeds", args->seeds, "How many consecutive seeds to run")
      ->capture_default_str();
  cmd->add_option("--steps", args->steps, "Steps of 50 ms with faults")->capture_default_str();
  cmd->add_option("--nodes", args->nodes, "RSU nodes (2..16)")->capture_default_str();
  cmd->add_flag("--trace", args->trace, "Print every event of the trace");
  cmd->add_flag("--calm", args->calm, "No faults (only the workload)");
  cmd->callback([args, exit_code] { *exit_code = RunClusterSim(*args); });
}

}  // namespace v2v::cli
