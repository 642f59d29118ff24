// `v2v chain ...` (init, simulate, head, accounts, export, import) and `v2v audit`.
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

// Register the subcommands; their callbacks set *exit_code (0 ok, 1 failure or violation,
// 2 bad input).
void AddChainCommand(CLI::App& app, int* exit_code);
void AddAuditCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
