// `v2v testnet start|stop|restart`: a local testnet of RSU nodes on loopback
// (docs/spec/node.md N6; the logic is in src/testnet/testnet.h).
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

// Registers the subcommands; their callbacks set *exit_code (0 ok, 1 failure, 2 bad input).
void AddTestnetCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
