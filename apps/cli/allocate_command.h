// `v2v allocate`: one trading round from a JSON market file.
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

// Registers the subcommand; the callback sets *exit_code.
void AddAllocateCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
