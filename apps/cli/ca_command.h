// `v2v ca`: a certificate authority for vehicles and RSUs (init, issue, revoke, crl).
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

// Registers `ca` and its four subcommands; each callback sets *exit_code:
// 0 done; 2 bad input (unknown role, bad subject, non-empty output directory, unreadable CA,
// certificate not from this CA); 1 internal failure (OpenSSL, writing files).
void AddCaCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
