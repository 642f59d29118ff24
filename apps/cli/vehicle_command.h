// `v2v vehicle buy|sell`: a person (or a script) acting as a buyer or a seller against an RSU's
// vehicle API (docs/spec/vehicle-api.md); the logic is in src/vehicle/.
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

// Registers the subcommands; their callbacks set *exit_code (0 ok, 1 refused or failed, 2 bad
// usage).
void AddVehicleCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
