// `v2v experiment NAME|all --out DIR`: the paper's section V figures, the mechanism table, a
// report.
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

// Registers the subcommand; the callback sets *exit_code.
void AddExperimentCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
