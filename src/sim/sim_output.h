// Writes a simulation's outputs to a directory: trades.csv (one row per trade), rounds.csv (one
// row per auction round) and summary.json. Each file carries the stamp "seed=N scenario=HASH"
// (CSV: a first '#' line; JSON: fields), so any output can be traced to its inputs.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "base/result.h"
#include "sim/simulation.h"

namespace v2v::sim {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// The comparison market's columns of rounds.csv beyond its p2p_* ones (sim/comparison_market.h),
// appended in this order; without them a market's files keep their columns.
struct P2pColumns {
  // Its truthful upper line (p2p_truthful_trades, p2p_truthful_price_per_kwh,
  // p2p_truthful_surplus), for a market whose traders bid at equilibrium.
  bool truthful = false;
  // Its figures within the radius (p2p_first_best_in_range, p2p_in_range_trades,
  // p2p_in_range_surplus, p2p_in_range_budget), for a scenario that names its mechanism.
  bool in_range = false;
};

class CsvSimWriter : public SimObserver {
 public:
  // Creates dir and opens trades.csv and rounds.csv.
  static Result<std::unique_ptr<CsvSimWriter>> Open(const std::string& dir,
                                                    const std::string& stamp,
                                                    P2pColumns p2p_columns = {});
  Status OnRound(const RoundRecord& round, const std::vector<TradeRecord>& trades) override;
  // Flushes and closes the CSV files; errors name the file.
  Status Close();

 private:
  CsvSimWriter(std::string dir, std::unique_ptr<std::FILE, FileCloser> trades,
               std::unique_ptr<std::FILE, FileCloser> rounds, P2pColumns p2p_columns);
  std::string dir_;
  P2pColumns p2p_columns_;
  std::unique_ptr<std::FILE, FileCloser> trades_, rounds_;
  std::string line_;
};

// The bills of a run, summed: buyers and sellers that traded, what they saved against the grid
// (sim/bills.h), how many ended worse off, and V2V's share of all energy charged (-1: none).
struct BillTotals {
  int64_t buyers = 0, buyers_worse_off = 0, sellers = 0, sellers_worse_off = 0;
  double buyer_saved = 0, seller_gained = 0, v2v_share = -1;
};
BillTotals TotalsOf(const SimSummary& s);

// DIR/vehicles.csv (one row per vehicle that traded: its bill against the grid-only baseline) and
// DIR/hourly/data.csv (per hour: V2V and grid energy, V2V's share, buyers' saving per V2V kWh),
// each with the stamp line. Errors name the file.
Status WriteBills(const std::string& dir, const SimSummary& s, const std::string& stamp);
// DIR/hourly/plot.png from DIR/hourly/data.csv (gnuplot; NotFound when it cannot be started).
Status PlotHourly(const std::string& dir);

// summary.json: the SimSummary, the seed, the scenario hash, the mobility source and wall_s.
// When the comparison market's traders bid at equilibrium, also p2p_bidding ("equilibrium"),
// p2p_equilibrium_epsilon and the truthful upper line's totals (p2p_truthful_*); when it was
// measured within the radius, the in-range totals (p2p_first_best_in_range, p2p_in_range_*).
std::string SummaryJson(const SimSummary& s, uint64_t seed, const std::string& scenario_hash,
                        const std::string& mobility, double wall_s);

}  // namespace v2v::sim
