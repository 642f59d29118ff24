#include "simulate_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "sim/comparison_market.h"
#include "sim/csv.h"
#include "sim/scenario.h"
#include "sim/sim_output.h"
#include "sim/simulation.h"

namespace v2v::cli {
namespace {

struct SimulateOptions {
  std::string scenario;
  std::string fcd;
  uint64_t seed = 1;
  std::string out;
  bool quiet = false;
};

// Forwards to the CSV writer and draws a progress bar on stderr when it is a terminal.
class ProgressWriter : public sim::SimObserver {
 public:
  ProgressWriter(sim::CsvSimWriter& inner, bool bar) : inner_(inner), bar_(bar) {}
  Status OnRound(const sim::RoundRecord& r, const std::vector<sim::TradeRecord>& t) override {
    return inner_.OnRound(r, t);
  }
  void OnProgress(double done_s, double total_s) override {
    if (!bar_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    if (total_s > 0) {
      const int width = 40;
      const int filled = static_cast<int>(width * done_s / total_s);
      std::fprintf(stderr, "\r[%s%s] %5.1f%%  %.1f h",
                   std::string(static_cast<size_t>(filled), '#').c_str(),
                   std::string(static_cast<size_t>(width - filled), ' ').c_str(),
                   100.0 * done_s / total_s, done_s / 3600.0);
    } else {
      std::fprintf(stderr, "\rtrace time %.0f s", done_s);
    }
    std::fflush(stderr);
    drawn_ = true;
  }
  void Finish() {
    if (drawn_) std::fprintf(stderr, "\r%60s\r", "");
  }

 private:
  sim::CsvSimWriter& inner_;
  bool bar_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// Exit codes: 0 done; 2 bad input (scenario, trace); 1 anything else (I/O, solver).
int RunSimulate(const SimulateOptions& opt) {
  sim::Scenario scenario;
  if (!opt.scenario.empty()) {
    auto s = sim::LoadScenarioFile(opt.scenario);
    if (!s.ok()) {
      std::cerr << "v2v simulate: " << s.status().message() << "\n";
      return 2;
    }
    scenario = *s;
  }
  const std::string hash = sim::ScenarioHash(scenario);
  const std::string stamp = "v2v simulate seed=" + std::to_string(opt.seed) + " scenario=" + hash;
  auto writer = sim::CsvSimWriter::Open(opt.out, stamp,
                                        {.truthful = sim::P2pTradersBidAtEquilibrium(scenario),
                                         .in_range = sim::P2pMeasuresInRange(scenario)});
  if (!writer.ok()) {
    std::cerr << "v2v simulate: " << writer.status().message() << "\n";
    return 1;
  }
  ProgressWriter progress(**writer, !opt.quiet && isatty(2) != 0);
  const auto start = std::chrono::steady_clock::now();
  auto summary = opt.fcd.empty() ? sim::RunSyntheticCity(scenario, opt.seed, progress)
                                 : sim::RunFcdTrace(scenario, opt.seed, opt.fcd, progress);
  progress.Finish();
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Status closed = (*writer)->Close();
  if (!summary.ok()) {
    std::cerr << "v2v simulate: " << summary.status().message() << "\n";
    return summary.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (!closed.ok()) {
    std::cerr << "v2v simulate: " << closed.message() << "\n";
    return 1;
  }
  const std::string json = sim::SummaryJson(
      *summary, opt.seed, hash, opt.fcd.empty() ? "synthetic-grid" : "fcd:" + opt.fcd, wall_s);
  Status st = sim::WriteTextFile(opt.out + "/summary.json", json);
  if (st.ok()) st = sim::WriteBills(opt.out, *summary, stamp);
  if (!st.ok()) {
    std::cerr << "v2v simulate: " << st.message() << "\n";
    return 1;
  }
  if (Status plot = sim::PlotHourly(opt.out); !plot.ok()) {  // the numbers are written already
    std::cerr << "v2v simulate: no plot (" << plot.message() << ")\n";
  }
  if (!opt.quiet) std::cout << json;
  return 0;
}

}  // namespace

void AddSimulateCommand(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Simulate a city of trading EVs; writes trades.csv, rounds.csv, summary.json");
  cmd->add_option("--scenario", opt->scenario,
                  "Scenario TOML (default: the built-in synthetic city, 2,000 EVs, 24 h)");
  cmd->add_option("--fcd", opt->fcd, "Mobility from a SUMO FCD trace (sumo --fcd-output)");
  cmd->add_option("--seed", opt->seed, "Random seed")->capture_default_str();
  cmd->add_option("--out", opt->out, "Output directory")->required();
  cmd->add_flag("--quiet,-q", opt->quiet, "No progress bar and no summary on stdout");
  cmd->callback([opt, exit_code] { *exit_code = RunSimulate(*opt); });
}

}  // namespace v2v::cli
