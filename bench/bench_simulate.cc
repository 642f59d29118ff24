// Simulator benchmark: 24 simulated hours of the default synthetic city at several fleet sizes.
// Prints vehicle-rounds per second (one vehicle moved for one 60 s round interval, its battery
// updated, and offered to its RSU's auction), rounds per second and the peak resident memory
// (getrusage ru_maxrss; each size runs in a fresh child process so the peaks are separate).
//
//   build/bin/bench_simulate [--vehicles 2000,10000] [--hours 24] [--seed 1]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "sim/simulation.h"

namespace {

class Discard : public v2v::sim::SimObserver {
 public:
  v2v::Status OnRound(const v2v::sim::RoundRecord&,
                      const std::vector<v2v::sim::TradeRecord>&) override {
    return v2v::Status::Ok();
  }
};

int RunOne(int vehicles, double hours, uint64_t seed) {
  v2v::sim::Scenario s;
  s.vehicle_count = vehicles;
  s.duration_s = hours * 3600;
  Discard d;
  const auto t0 = std::chrono::steady_clock::now();
  auto sum = v2v::sim::RunSyntheticCity(s, seed, d);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!sum.ok()) {
    std::fprintf(stderr, "%s\n", sum.status().ToString().c_str());
    return 1;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("| %6d | %3.0f h | %8.2f s | %12.0f | %9lld | %10.0f | %8lld | %7.1f MB |\n",
              vehicles, hours, wall, static_cast<double>(sum->vehicle_steps) / wall,
              static_cast<long long>(sum->rounds), static_cast<double>(sum->rounds) / wall,
              static_cast<long long>(sum->trades), static_cast<double>(ru.ru_maxrss) / 1024.0);
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"v2vtrade simulator benchmark"};
  std::vector<int> vehicles = {1000, 2000, 5000, 10000};
  double hours = 24;
  uint64_t seed = 1;
  app.add_option("--vehicles", vehicles, "Fleet sizes")->delimiter(',');
  app.add_option("--hours", hours, "Simulated hours");
  app.add_option("--seed", seed, "Seed");
  CLI11_PARSE(app, argc, argv);
  std::printf(
      "| EVs    | sim   | wall       | veh-rounds/s | rounds    | rounds/s   | trades   | peak RSS "
      "  |\n");
  std::printf(
      "|--------|-------|------------|--------------|-----------|------------|----------|----------"
      "--|\n");
  std::fflush(stdout);
  for (int n : vehicles) {
    const pid_t pid = fork();
    if (pid == 0) _exit(RunOne(n, hours, seed));
    int st = 0;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return 1;
  }
  return 0;
}
