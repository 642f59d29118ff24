// `v2v sweep`: a grid of scenarios x seeds on all cores (or one cell, or one shard of the cells,
// for spreading over machines), and `v2v sweep merge` to join the parts (sim/sweep.h).
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

// Registers the subcommand; the callbacks set *exit_code.
void AddSweepCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
