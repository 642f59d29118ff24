#include "sim/sweep_run.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "sim/simulation.h"

namespace v2v::sim {
namespace {

// Counts buyer requests and those served (a buyer with at least one trade in its round).
class SweepTally : public SimObserver {
 public:
  Status OnRound(const RoundRecord& round, const std::vector<TradeRecord>& trades) override {
    requests_ += round.buyers;
    std::set<std::string> served;
    for (const TradeRecord& t : trades) served.insert(t.buyer);
    served_ += static_cast<int64_t>(served.size());
    return Status::Ok();
  }
  int64_t requests() const { return requests_; }
  int64_t served() const { return served_; }

 private:
  int64_t requests_ = 0, served_ = 0;
};

// A surplus over the rounds' first best (nan when there was nothing to gain).
double ShareOf(double surplus, double first_best) {
  return first_best > 0 ? surplus / first_best : kNan;
}

}  // namespace

Result<std::vector<double>> RunSweepCell(const Scenario& s, uint64_t sim_seed) {
  SweepTally tally;
  V2V_ASSIGN_OR_RETURN(const SimSummary sum, RunSyntheticCity(s, sim_seed, tally));
  const double served = tally.requests() > 0 ? static_cast<double>(tally.served()) /
                                                   static_cast<double>(tally.requests())
                                             : kNan;
  std::vector<double> metrics = {static_cast<double>(sum.rounds),
                                 static_cast<double>(sum.trades),
                                 sum.energy_kwh,
                                 sum.energy_kwh > 0 ? sum.payments / sum.energy_kwh : kNan,
                                 sum.welfare,
                                 served,
                                 sum.grid_kwh,
                                 static_cast<double>(sum.p2p_trades),
                                 sum.p2p_surplus,
                                 sum.p2p_budget,
                                 ShareOf(sum.p2p_surplus, sum.p2p_first_best),
                                 static_cast<double>(sum.p2p_truthful_trades),
                                 sum.p2p_truthful_surplus,
                                 ShareOf(sum.p2p_truthful_surplus, sum.p2p_first_best)};
  if (!sum.p2p_in_range) {
    metrics.resize(kSweepMetrics.size(), kNan);
    return metrics;
  }
  for (double x : {sum.p2p_first_best_in_range, static_cast<double>(sum.p2p_in_range_trades),
                   sum.p2p_in_range_surplus, sum.p2p_in_range_budget,
                   ShareOf(sum.p2p_in_range_surplus, sum.p2p_first_best_in_range)}) {
    metrics.push_back(x);
  }
  return metrics;
}

std::vector<SweepTask> SweepTasks(const std::vector<int>& cells, int seeds) {
  std::vector<SweepTask> tasks;
  for (int c : cells) {
    for (int s = 0; s < seeds; ++s) tasks.push_back({c, s});
  }
  return tasks;
}

Result<std::vector<SweepRun>> RunSweepTasks(const SweepGrid& grid,
                                            const std::vector<SweepTask>& tasks,
                                            uint64_t sweep_seed, int jobs,
                                            const SweepProgress& progress) {
  std::vector<SweepRun> rows(tasks.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;  // guards first_error, done and the progress callback
  std::optional<Status> first_error;
  int done = 0;
  auto worker = [&] {
    for (size_t i = next++; i < tasks.size() && !failed; i = next++) {
      const SweepTask& t = tasks[i];
      const SweepCell& cell = grid.cells[static_cast<size_t>(t.cell)];
      SweepRun& row = rows[i];
      row.cell = t.cell;
      row.labels = cell.labels;
      row.seed = t.seed;
      row.sim_seed = SweepRunSeed(sweep_seed, t.seed);
      auto metrics = RunSweepCell(cell.scenario, row.sim_seed);
      std::lock_guard<std::mutex> lock(mu);
      if (!metrics.ok()) {
        if (!first_error)
          first_error = Status(metrics.status().code(), "cell " + std::to_string(t.cell) +
                                                            " seed " + std::to_string(t.seed) +
                                                            ": " + metrics.status().message());
        failed = true;
        return;
      }
      row.metrics = std::move(*metrics);
      ++done;
      if (progress) progress(t, done, static_cast<int>(tasks.size()));
    }
  };
  const size_t n = std::min(tasks.size(), static_cast<size_t>(std::max(jobs, 1)));
  std::vector<std::thread> threads;
  for (size_t k = 1; k < n; ++k) threads.emplace_back(worker);
  worker();  // the calling thread works too
  for (std::thread& th : threads) th.join();
  if (first_error) return *first_error;
  return rows;
}

}  // namespace v2v::sim
