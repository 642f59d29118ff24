// `v2v fleet`: the simulator's vehicles trading live against a running testnet (fleet/).
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

// Registers the subcommand; the callback sets *exit_code.
void AddFleetCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
