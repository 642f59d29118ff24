// A sweep's results as tables (sim/sweep.h): the runs (one row per cell and seed, the file a
// full run, a `--cell` run and a `--shard` run write), merging parts, and the summary (per cell
// and metric the mean and 95% interval over seeds).
//
// runs.csv and part files:
//   # v2v sweep grid=HASH cells=K seeds=N seed=S
//   cell,<axis keys...>,seed,sim_seed,<metrics...>
// with metrics in their shortest exact form, so a part read back gives the same summary.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "sim/csv.h"

namespace v2v::sim {

// What a run measures (sim/sweep_run.h), in column order:
//   rounds        auction rounds held (an RSU with at least one buyer)
//   trades        pairs with a positive volume
//   energy_kwh    delivered to buyers by trades
//   mean_price    volume-weighted transaction price T (nan without trades)
//   welfare       the rounds' welfare, summed
//   served_share  buyer requests that got energy / buyer requests (nan without requests)
//   grid_kwh      charged from the grid
//   p2p_trades    trades of the comparison market ([p2p] mechanism), one unit each, at the
//                 orders its traders send: equilibrium bids under the k-double auction, their
//                 types under the others (sim/comparison_market.h)
//   p2p_surplus   its declared surplus, the sum of v - c over its trades
//   p2p_budget    its budget: what its buyers paid less what its sellers received
//   p2p_efficiency  p2p_surplus / the rounds' first best of the same traders (nan if 0)
//   p2p_truthful_trades, p2p_truthful_surplus, p2p_truthful_efficiency
//                 the same with every trader reporting its type: the k-double auction's upper
//                 line; under the other mechanisms equal to the p2p_* figures
//   p2p_first_best_in_range  the rounds' first best over the pairs within the radius
//   p2p_in_range_trades, p2p_in_range_surplus, p2p_in_range_budget
//                 the comparison market's trades (at the orders sent) whose pair is within the
//                 radius, the others lapsing as on chain: count, sum of v - c, budget
//   p2p_in_range_efficiency  p2p_in_range_surplus / p2p_first_best_in_range (nan if 0)
//                 The in-range metrics are nan in a cell whose scenario names no comparison
//                 mechanism (sim/comparison_market.h measures them only then).
inline constexpr std::array<const char*, 19> kSweepMetrics = {"rounds",
                                                              "trades",
                                                              "energy_kwh",
                                                              "mean_price",
                                                              "welfare",
                                                              "served_share",
                                                              "grid_kwh",
                                                              "p2p_trades",
                                                              "p2p_surplus",
                                                              "p2p_budget",
                                                              "p2p_efficiency",
                                                              "p2p_truthful_trades",
                                                              "p2p_truthful_surplus",
                                                              "p2p_truthful_efficiency",
                                                              "p2p_first_best_in_range",
                                                              "p2p_in_range_trades",
                                                              "p2p_in_range_surplus",
                                                              "p2p_in_range_budget",
                                                              "p2p_in_range_efficiency"};

struct SweepRun {
  int cell = 0;
  std::vector<std::string> labels;  // the cell's axis values
  int seed = 0;                     // seed number, 0-based
  uint64_t sim_seed = 0;            // the simulation's seed (`v2v simulate --seed`)
  std::vector<double> metrics;      // kSweepMetrics order
};

struct SweepRuns {
  std::string grid_hash;
  int cells = 0;  // in the whole grid
  int seeds = 0;
  uint64_t seed = 0;              // the sweep's seed
  std::vector<std::string> axes;  // axis keys
  std::vector<SweepRun> runs;
};

// "v2v sweep grid=HASH cells=K seeds=N seed=S": the first line of runs.csv and summary.csv.
std::string SweepRunsStamp(const SweepRuns& r);
// The runs file's text; rows in the order given.
std::string SweepRunsCsv(const SweepRuns& r);
// Reads a runs or part file; InvalidArgument naming `source` and the line.
Result<SweepRuns> ParseSweepRunsCsv(std::string_view text, std::string_view source);

// Joins the parts of one sweep (name, runs): the same grid hash, cells, seeds, seed and axes;
// each cell and seed exactly once over all parts, none missing. Rows sorted by (cell, seed).
Result<SweepRuns> MergeSweepRuns(const std::vector<std::pair<std::string, SweepRuns>>& parts);

// One row per cell: cell, axis values, runs, then <metric>_mean and <metric>_ci95 (EstimateOf
// over seeds; a run without a value, such as mean_price without trades, is left out).
// REQUIRES: runs sorted by (cell, seed).
CsvTable SweepSummary(const SweepRuns& r);

// A metric over the first axis with 95% bands, one line per combination of the other axes:
// the plot's data (x, then mean, low, high per line) and its gnuplot body (sim/plot.h).
struct SweepPlot {
  std::string metric;
  CsvTable data{{}};
  std::string gnuplot;
};
// One plot per metric that some run measured (a metric that is nan in every run, such as the
// in-range ones of a grid naming no comparison mechanism, has none); none without axes.
// REQUIRES: runs sorted by (cell, seed).
std::vector<SweepPlot> SweepPlots(const SweepRuns& r);

}  // namespace v2v::sim
