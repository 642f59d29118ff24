// v2v: the command-line entry point. Thin: parses flags and calls the library.
#include <CLI/CLI.hpp>

#include "allocate_command.h"
#include "ca_command.h"
#include "chain_command.h"
#include "clique_replay_command.h"
#include "cluster_command.h"
#include "experiment_command.h"
#include "fleet_command.h"
#include "network_command.h"
#include "node_command.h"
#include "simulate_command.h"
#include "sweep_command.h"
#include "testnet_command.h"
#include "vehicle_command.h"

int main(int argc, char** argv) {
  CLI::App app{"v2vtrade: vehicle-to-vehicle electricity trading (Bayesian pricing, PoA ledger)"};
  app.require_subcommand(1);
  int exit_code = 0;
  v2v::cli::AddAllocateCommand(app, &exit_code);
  v2v::cli::AddCaCommand(app, &exit_code);
  v2v::cli::AddCliqueReplayCommand(app, &exit_code);
  v2v::cli::AddSimulateCommand(app, &exit_code);
  v2v::cli::AddSweepCommand(app, &exit_code);
  v2v::cli::AddExperimentCommand(app, &exit_code);
  v2v::cli::AddChainCommand(app, &exit_code);
  v2v::cli::AddAuditCommand(app, &exit_code);
  v2v::cli::AddNodeCommand(app, &exit_code);
  v2v::cli::AddTestnetCommand(app, &exit_code);
  v2v::cli::AddNetworkCommand(app, &exit_code);
  v2v::cli::AddClusterSimCommand(app, &exit_code);
  v2v::cli::AddVehicleCommand(app, &exit_code);
  v2v::cli::AddFleetCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors are bad input
  }
  return exit_code;
}
