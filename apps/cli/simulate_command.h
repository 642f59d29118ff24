// `v2v simulate`: a city simulation (synthetic grid or SUMO FCD trace) to CSV and JSON.
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

// Registers the subcommand; the callback sets *exit_code.
void AddSimulateCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
