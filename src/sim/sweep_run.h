// Running a sweep's cells (sim/sweep.h) on several threads.
//
// Each run is independent: its own scenario copy, simulation and random streams; the simulator
// and the market engine keep no mutable global state (GLPK, used by market::AdmitBuyers, keeps
// its environment per thread). So a run's figures do not depend on the thread, the number of
// threads or the other runs: `--cell K` alone gives the same rows as the full grid.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "base/result.h"
#include "sim/scenario.h"
#include "sim/sweep.h"
#include "sim/sweep_table.h"

namespace v2v::sim {

// The figures of one synthetic-city run, in kSweepMetrics order.
// REQUIRES: ValidateScenario(s).ok().
Result<std::vector<double>> RunSweepCell(const Scenario& s, uint64_t sim_seed);

struct SweepTask {
  int cell = 0;
  int seed = 0;  // seed number, 0-based
};

// Every seed of every listed cell, cell by cell.
std::vector<SweepTask> SweepTasks(const std::vector<int>& cells, int seeds);

// Called after each finished run with the run and the count done so far (one call at a time).
using SweepProgress = std::function<void(const SweepTask& task, int done, int total)>;

// Runs the tasks on min(jobs, tasks) threads; the rows come back in task order. The first
// failing run stops the others (those started finish) and its status is returned.
// REQUIRES: jobs >= 1; every task's cell in the grid.
Result<std::vector<SweepRun>> RunSweepTasks(const SweepGrid& grid,
                                            const std::vector<SweepTask>& tasks,
                                            uint64_t sweep_seed, int jobs,
                                            const SweepProgress& progress);

}  // namespace v2v::sim
