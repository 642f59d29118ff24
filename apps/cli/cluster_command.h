// `v2v cluster-sim --seed S [--seeds M] [--steps N] [--nodes K] [--trace]`: the deterministic
// whole-network simulation (src/cluster/). Prints one summary line per seed; on a violation,
// the seed, the violation and the trace, and exits 1.
#pragma once

#include <CLI/CLI.hpp>

namespace v2v::cli {

void AddClusterSimCommand(CLI::App& app, int* exit_code);

}  // namespace v2v::cli
