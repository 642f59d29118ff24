// A parameter sweep of the city simulation (`v2v sweep`, docs/experiments.md "Sweeps"): a grid
// of scenarios, each run with several seeds.
//
// A grid file is TOML:
//   base = "city.toml"            # optional: a scenario file, relative to the grid file
//   [scenario.vehicles]           # optional: scenario keys on top of the base, as in a scenario
//   count = 300                   #   file but under [scenario]
//   [axes]                        # each key a scenario key section.key, each value a list
//   market.radius_m = [500, 1000, 1500]
//   vehicles.count = [200, 400]
// The grid is the cartesian product of the axes, in the order they are written in the file;
// cells are numbered 0..K-1 with the last axis varying fastest (nested loops in file order).
// With no axes the grid has one cell: the base. Every cell's scenario is built and validated
// before anything runs, so a bad grid is refused whole (unknown key, wrong type, empty list,
// a value out of range or two values giving the same scenario; messages name the key and the
// line of the grid file; a combination the scenario rejects names the cell and its values).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sim/scenario.h"

namespace v2v::sim {

struct SweepAxis {
  std::string key;  // "market.radius_m"
  // Each value as written in the CSV files: a number in its shortest exact form, a string as it
  // is, a list or a table by its position in the axis ("#0", "#1", ...).
  std::vector<std::string> labels;
  bool numeric = true;  // every value a number (the plots' x axis)
};

struct SweepCell {
  int index = 0;
  std::vector<std::string> labels;  // this cell's value of each axis
  Scenario scenario;
};

struct SweepGrid {
  std::vector<SweepAxis> axes;   // in file order
  std::vector<SweepCell> cells;  // by index
  std::string hash;  // 16 hex digits over the axes, labels and every cell's scenario hash
};

inline constexpr int64_t kMaxSweepCells = 100000;

// `base_dir` resolves a relative `base` path. InvalidArgument naming `source` and the key.
Result<SweepGrid> ParseSweepGrid(std::string_view text, std::string_view source,
                                 const std::string& base_dir);
Result<SweepGrid> LoadSweepGrid(const std::string& path);

// The simulation seed of run `seed_number` (0-based) of any cell: DeriveSeed(sweep_seed,
// seed_number). Every cell uses the same seeds (common random numbers), so a row depends only
// on its cell's scenario and its seed number, not on the rest of the grid.
uint64_t SweepRunSeed(uint64_t sweep_seed, int seed_number);

// The cells of shard i of n: those with index % n == i. REQUIRES: 0 <= i < n.
std::vector<int> ShardCells(int cell_count, int shard, int shards);

struct Shard {
  int index = 0, count = 1;
};
// "i/n" with 0 <= i < n.
Result<Shard> ParseShard(std::string_view text);

}  // namespace v2v::sim
