// `v2v network init --hosts FILE --out DIR`: the CA, genesis, keys and node configs of a network
// of RSU machines, one directory per machine (docs/network.md, "From hosts to a network"; the
// logic is in src/testnet/network_init.h).
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

// Registers the subcommands; their callbacks set *exit_code (0 ok, 1 failure, 2 bad input).
void AddNetworkCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
