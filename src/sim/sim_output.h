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

class CsvSimWriter : public SimObserver {
 public:
  // Creates dir and opens trades.csv and rounds.csv. `truthful_columns`: rounds.csv also gets
  // the comparison market's truthful upper line (p2p_truthful_trades,
  // p2p_truthful_price_per_kwh, p2p_truthful_surplus), for a market whose traders bid at
  // equilibrium (sim/comparison_market.h); the other markets' files keep their columns.
  static Result<std::unique_ptr<CsvSimWriter>> Open(const std::string& dir,
                                                    const std::string& stamp,
                                                    bool truthful_columns = false);
  Status OnRound(const RoundRecord& round, const std::vector<TradeRecord>& trades) override;
  // Flushes and closes the CSV files; errors name the file.
  Status Close();

 private:
  CsvSimWriter(std::string dir, std::unique_ptr<std::FILE, FileCloser> trades,
               std::unique_ptr<std::FILE, FileCloser> rounds, bool truthful_columns);
  std::string dir_;
  bool truthful_columns_ = false;
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
// p2p_equilibrium_epsilon and the truthful upper line's totals (p2p_truthful_*).
std::string SummaryJson(const SimSummary& s, uint64_t seed, const std::string& scenario_hash,
                        const std::string& mobility, double wall_s);

}  // namespace v2v::sim
