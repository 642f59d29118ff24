// `v2v clique-replay FILE.json`: Clique voting scenarios for conformance (consensus/poa/replay.h).
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

void AddCliqueReplayCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
