#include "experiment_command.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "sim/experiments.h"

namespace v2v::cli {
namespace {

struct ExperimentOptions {
  std::string name;
  std::string out;
  std::string scenario;
  uint64_t seed = 1;
  bool quick = false;
};

// NAME is all, mechanisms, figN or N (4..14). Exit codes: 0 done; 2 bad name; 1 failure.
int RunExperiment(const ExperimentOptions& opt) {
  std::vector<int> figs;
  bool mechanisms = false;
  if (opt.name == "all") {
    for (int n = 4; n <= 14; ++n) figs.push_back(n);
    mechanisms = true;
  } else if (opt.name == "mechanisms") {
    mechanisms = true;
  } else {
    std::string digits = opt.name.rfind("fig", 0) == 0 ? opt.name.substr(3) : opt.name;
    int n = 0;
    try {
      size_t used = 0;
      n = std::stoi(digits, &used);
      if (used != digits.size()) n = 0;
    } catch (const std::exception&) {
      n = 0;
    }
    if (n < 4 || n > 14) {
      std::cerr << "v2v experiment: unknown experiment \"" << opt.name
                << "\" (all, mechanisms, fig4 .. fig14)\n";
      return 2;
    }
    figs = {n};
  }
  sim::ExperimentOptions eo;
  eo.seed = opt.seed;
  eo.quick = opt.quick;
  if (!opt.scenario.empty()) {
    auto city = sim::LoadScenarioFile(opt.scenario);
    if (!city.ok()) {
      std::cerr << "v2v experiment: " << city.status().message() << "\n";
      return 2;
    }
    eo.city = *city;
    eo.has_city = true;
  }
  const auto start = std::chrono::steady_clock::now();
  auto r = sim::RunExperimentSuite(opt.out, figs, mechanisms, eo);
  if (!r.ok()) {
    std::cerr << "v2v experiment: " << r.status().message() << "\n";
    return 1;
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-7s %-10s %s\n", "figure", "verdict", "measured");
  for (const sim::Figure& f : r->figures) {
    std::printf("%-7s %-10s %.110s%s\n", f.name.c_str(),
                f.verdict == sim::Verdict::kAgrees   ? "agrees"
                : f.verdict == sim::Verdict::kPartly ? "partly"
                                                     : "differs",
                f.measured.c_str(), f.measured.size() > 110 ? "..." : "");
  }
  if (!r->plotted) std::printf("pictures not drawn: %s\n", r->plot_error.c_str());
  std::printf("report: %s/report.md (%.1f s)\n", opt.out.c_str(), wall);
  return 0;
}

}  // namespace

void AddExperimentCommand(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<ExperimentOptions>();
  CLI::App* cmd = app.add_subcommand(
      "experiment",
      "Reproduce the paper's Figs. 4-14 and the mechanism table (CSV, PNG, report.md)");
  cmd->add_option("name", opt->name, "all | mechanisms | fig4 .. fig14")->required();
  cmd->add_option("--out", opt->out, "Output directory")->required();
  cmd->add_option("--seed", opt->seed, "Random seed")->capture_default_str();
  cmd->add_option("--scenario", opt->scenario, "City of Fig. 11 (default: the built-in city)");
  cmd->add_flag("--quick", opt->quick, "Smaller sample sizes and city (for demos and tests)");
  cmd->callback([opt, exit_code] { *exit_code = RunExperiment(*opt); });
}

}  // namespace v2v::cli
