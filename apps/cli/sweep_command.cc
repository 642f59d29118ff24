#include "sweep_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "base/file_util.h"
#include "sim/csv.h"
#include "sim/plot.h"
#include "sim/sweep.h"
#include "sim/sweep_run.h"
#include "sim/sweep_table.h"

namespace v2v::cli {
namespace {

struct SweepOptions {
  std::string grid;
  int seeds = 5;
  uint64_t seed = 1;
  std::string out;
  int jobs = 0;  // 0: every core
  int cell = 0;
  bool has_cell = false;  // --cell given
  std::string shard;
  bool quiet = false;
  std::vector<std::string> parts;  // merge
};

int SweepFail(const std::string& message, int code) {
  std::cerr << "v2v sweep: " << message << "\n";
  return code;
}

// runs.csv, summary.csv and a plot per metric (DIR/plots/METRIC/); a missing gnuplot leaves the
// data and scripts and warns.
Status WriteSweepResults(const std::string& dir, const sim::SweepRuns& runs) {
  V2V_RETURN_IF_ERROR(sim::WriteTextFile(dir + "/runs.csv", sim::SweepRunsCsv(runs)));
  V2V_RETURN_IF_ERROR(sim::WriteTextFile(
      dir + "/summary.csv", sim::SweepSummary(runs).ToString(sim::SweepRunsStamp(runs))));
  bool plotting = true;
  for (const sim::SweepPlot& p : sim::SweepPlots(runs)) {
    const std::string pdir = dir + "/plots/" + p.metric;
    V2V_RETURN_IF_ERROR(sim::MakeDirs(pdir));
    V2V_RETURN_IF_ERROR(sim::WriteTextFile(pdir + "/data.csv", p.data.ToString("")));
    if (!plotting) continue;
    const std::string title = p.metric + " over " + runs.axes[0] + ": mean and 95% interval over " +
                              std::to_string(runs.seeds) + " seeds";
    Status st = sim::RunGnuplot(pdir, title, p.gnuplot);
    if (!st.ok()) {
      std::cerr << "v2v sweep: no plots (" << st.message() << "); data and scripts are in " << dir
                << "/plots/\n";
      plotting = false;
    }
  }
  return Status::Ok();
}

// The cells this invocation runs and the part file it writes ("" for the whole grid).
struct Selection {
  std::vector<int> cells;
  std::string part;
};

Result<Selection> SelectCells(const SweepOptions& opt, int cell_count) {
  Selection s;
  if (opt.has_cell && !opt.shard.empty())
    return Status::InvalidArgument("--cell and --shard exclude each other");
  if (opt.has_cell) {
    if (opt.cell < 0 || opt.cell >= cell_count)
      return Status::InvalidArgument("--cell " + std::to_string(opt.cell) + ": the grid has " +
                                     std::to_string(cell_count) + " cells (0.." +
                                     std::to_string(cell_count - 1) + ")");
    s.cells = {opt.cell};
    s.part = "part-cell-" + std::to_string(opt.cell) + ".csv";
  } else if (!opt.shard.empty()) {
    V2V_ASSIGN_OR_RETURN(const sim::Shard sh, sim::ParseShard(opt.shard));
    s.cells = sim::ShardCells(cell_count, sh.index, sh.count);
    s.part = "part-shard-" + std::to_string(sh.index) + "-of-" + std::to_string(sh.count) + ".csv";
  } else {
    for (int k = 0; k < cell_count; ++k) s.cells.push_back(k);
  }
  return s;
}

// One line per finished run on stderr: "sweep: 7/24 runs (cell 3 seed 1; 4.1 s, ETA 9.8 s)".
sim::SweepProgress ProgressLines(bool quiet) {
  if (quiet) return nullptr;
  const auto start = std::chrono::steady_clock::now();
  return [start](const sim::SweepTask& t, int done, int total) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double eta = s / done * (total - done);
    std::fprintf(stderr, "sweep: %d/%d runs (cell %d seed %d done; %.1f s elapsed, ETA %.1f s)\n",
                 done, total, t.cell, t.seed, s, eta);
  };
}

// Exit codes: 0 done; 2 bad input (grid, options); 1 anything else (I/O, simulation).
int RunSweep(const SweepOptions& opt) {
  if (opt.grid.empty() || opt.out.empty())
    return SweepFail("--grid and --out are required (or: v2v sweep merge --out DIR PART...)", 2);
  if (opt.seeds < 1) return SweepFail("--seeds must be at least 1", 2);
  auto grid = sim::LoadSweepGrid(opt.grid);
  if (!grid.ok()) return SweepFail(grid.status().message(), 2);
  auto sel = SelectCells(opt, static_cast<int>(grid->cells.size()));
  if (!sel.ok()) return SweepFail(sel.status().message(), 2);
  const int jobs =
      opt.jobs > 0 ? opt.jobs : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  Status st = sim::MakeDirs(opt.out + "/cells");
  for (size_t i = 0; st.ok() && i < sel->cells.size(); ++i) {
    const int k = sel->cells[i];
    st = sim::WriteTextFile(opt.out + "/cells/cell-" + std::to_string(k) + ".toml",
                            sim::ScenarioToToml(grid->cells[static_cast<size_t>(k)].scenario));
  }
  if (!st.ok()) return SweepFail(st.message(), 1);
  const auto start = std::chrono::steady_clock::now();
  const auto tasks = sim::SweepTasks(sel->cells, opt.seeds);
  auto rows = sim::RunSweepTasks(*grid, tasks, opt.seed, jobs, ProgressLines(opt.quiet));
  if (!rows.ok()) return SweepFail(rows.status().message(), 1);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sim::SweepRuns runs;
  runs.grid_hash = grid->hash;
  runs.cells = static_cast<int>(grid->cells.size());
  runs.seeds = opt.seeds;
  runs.seed = opt.seed;
  for (const sim::SweepAxis& a : grid->axes) runs.axes.push_back(a.key);
  runs.runs = std::move(*rows);
  st = sel->part.empty() ? WriteSweepResults(opt.out, runs)
                         : sim::WriteTextFile(opt.out + "/" + sel->part, sim::SweepRunsCsv(runs));
  if (!st.ok()) return SweepFail(st.message(), 1);
  if (!opt.quiet) {
    const size_t threads = std::max<size_t>(1, std::min(tasks.size(), static_cast<size_t>(jobs)));
    const std::string written = opt.out + "/" + (sel->part.empty() ? "summary.csv" : sel->part);
    std::printf("%zu runs (%zu cells x %d seeds) in %.1f s on %zu threads: %s\n", tasks.size(),
                sel->cells.size(), opt.seeds, wall_s, threads, written.c_str());
  }
  return 0;
}

// PART: a runs file, or a directory whose part-*.csv files are read (in name order).
Result<std::vector<std::string>> PartFiles(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    std::error_code ec;
    if (!fs::is_directory(a, ec)) {
      files.push_back(a);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(a, ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("part-", 0) == 0 && e.path().extension() == ".csv")
        found.push_back(e.path().string());
    }
    if (ec) return Status::IoError(a + ": cannot list: " + ec.message());
    if (found.empty()) return Status::InvalidArgument(a + ": no part-*.csv files");
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

int RunMerge(const SweepOptions& opt) {
  auto files = PartFiles(opt.parts);
  if (!files.ok()) return SweepFail("merge: " + files.status().message(), 2);
  std::vector<std::pair<std::string, sim::SweepRuns>> parts;
  for (const std::string& f : *files) {
    auto text = ReadFile(f);
    if (!text.ok()) return SweepFail("merge: " + text.status().message(), 2);
    auto runs = sim::ParseSweepRunsCsv(*text, f);
    if (!runs.ok()) return SweepFail("merge: " + runs.status().message(), 2);
    parts.emplace_back(f, std::move(*runs));
  }
  auto merged = sim::MergeSweepRuns(parts);
  if (!merged.ok()) return SweepFail("merge: " + merged.status().message(), 2);
  Status st = sim::MakeDirs(opt.out);
  if (st.ok()) st = WriteSweepResults(opt.out, *merged);
  if (!st.ok()) return SweepFail("merge: " + st.message(), 1);
  if (!opt.quiet)
    std::printf("%zu parts, %zu runs (%d cells x %d seeds): %s/summary.csv\n", parts.size(),
                merged->runs.size(), merged->cells, merged->seeds, opt.out.c_str());
  return 0;
}

}  // namespace

void AddSweepCommand(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<SweepOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run a grid of scenarios x seeds on all cores; writes runs.csv, summary.csv, plots");
  cmd->add_option("--grid", opt->grid, "Grid file (TOML: base, [scenario], [axes])");
  cmd->add_option("--seeds", opt->seeds, "Seeds per cell")->capture_default_str();
  cmd->add_option("--seed", opt->seed, "The sweep's seed")->capture_default_str();
  cmd->add_option("--out", opt->out, "Output directory (required)");
  cmd->add_option("--jobs,-j", opt->jobs, "Threads (default: every core)");
  CLI::Option* cell =
      cmd->add_option("--cell", opt->cell, "Run this cell only; writes DIR/part-cell-K.csv");
  cmd->add_option("--shard", opt->shard,
                  "Run the cells with index % n == i (i/n); writes DIR/part-shard-i-of-n.csv");
  cmd->add_flag("--quiet,-q", opt->quiet, "No progress and no report on stdout");
  CLI::App* merge = cmd->add_subcommand(
      "merge", "Join part files (or directories of part-*.csv) into runs.csv, summary.csv, plots");
  merge->add_option("--out", opt->out, "Output directory")->required();
  merge->add_option("parts", opt->parts, "Part files or directories")->required();
  merge->add_flag("--quiet,-q", opt->quiet, "No report on stdout");
  merge->callback([opt, exit_code] { *exit_code = RunMerge(*opt); });
  cmd->callback([opt, exit_code, merge, cell] {
    opt->has_cell = cell->count() > 0;
    if (!merge->parsed()) *exit_code = RunSweep(*opt);
  });
}

}  // namespace v2v::cli
