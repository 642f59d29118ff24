// `v2v node --config FILE`: runs one RSU node until SIGINT/SIGTERM (docs/spec/node.md).
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

void AddNodeCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
