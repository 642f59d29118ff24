// `v2v experiment mechanisms`: every mechanism of market/mechanism.h on the fair benchmark
// (sim/mechanism_benchmark.h), side by side, with 95% intervals over seeds.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "sim/experiments.h"
#include "sim/mechanism_benchmark.h"
#include "sim/rng.h"
#include "sim/simulation.h"

namespace v2v::sim {
namespace {

// The settings: values and costs on the unit square, and the paper's Fig. 9 ranges.
std::vector<MarketSetting> BenchmarkSettings() {
  return {{"unit-square", 0, 1, 0, 1}, {"paper-fig9", 0.5, 1, 0.5, 1}};
}
constexpr int kTradersPerSide[] = {1, 2, 5, 10};

BenchmarkOptions SizesFor(const ExperimentOptions& opt, int n, size_t setting) {
  BenchmarkOptions b;
  b.traders_per_side = n;
  b.seeds = 10;
  // About 200,000 traders per side and seed at full size (2,000 when quick).
  b.markets_per_seed = (opt.quick ? 2000 : 200000) / n;
  b.seed = DeriveSeed(opt.seed, 200 + 10 * setting + static_cast<uint64_t>(n));
  return b;
}

// The pooled equilibrium solver's sizes: its defaults, or a tenth of its Monte Carlo draws and
// a third of its rounds when quick (the estimate is then coarser, not different in kind).
market::PooledOptions SolverSizes(const ExperimentOptions& opt) {
  market::PooledOptions o;
  if (opt.quick) {
    o.markets = 300;
    o.max_iterations = 12;
  }
  return o;
}

std::string Label(const BenchmarkRow& r) { return r.mechanism + ", " + r.bidding; }

CsvTable TidyTable(const std::vector<BenchmarkRow>& rows) {
  CsvTable t({"setting", "traders_per_side", "mechanism", "bidding", "seeds", "markets_per_seed",
              "efficiency", "efficiency_ci95", "trades_per_market", "trades_ci95",
              "budget_per_market", "budget_ci95", "ir_violations_per_market", "ir_violations_ci95",
              "first_best_per_market"});
  for (const BenchmarkRow& r : rows) {
    t.AddRow(
        {r.setting, std::to_string(r.traders_per_side), r.mechanism, r.bidding,
         std::to_string(r.seeds), std::to_string(r.markets_per_seed), FormatG(r.efficiency.mean, 6),
         FormatG(r.efficiency.half_width, 3), FormatG(r.trades_per_market.mean, 6),
         FormatG(r.trades_per_market.half_width, 3), FormatG(r.budget_per_market.mean, 6),
         FormatG(r.budget_per_market.half_width, 3), FormatG(r.ir_violations_per_market.mean, 6),
         FormatG(r.ir_violations_per_market.half_width, 3), FormatG(r.first_best_per_market, 6)});
  }
  return t;
}

// The unit square's efficiency by market size, one column pair (mean, interval) per contender;
// a contender missing at a size has "nan" cells (the plot driver's missing value).
void PlotTable(const std::vector<BenchmarkRow>& rows, MechanismComparison& out) {
  std::vector<std::string> labels;
  std::map<int, std::map<std::string, const BenchmarkRow*>> by_n;
  for (const BenchmarkRow& r : rows) {
    if (r.setting != "unit-square") continue;
    if (std::find(labels.begin(), labels.end(), Label(r)) == labels.end())
      labels.push_back(Label(r));
    by_n[r.traders_per_side][Label(r)] = &r;
  }
  std::vector<std::string> header = {"traders_per_side"};
  for (size_t i = 0; i < labels.size(); ++i) {
    header.push_back("efficiency_" + std::to_string(i));
    header.push_back("ci95_" + std::to_string(i));
  }
  CsvTable t(header);
  for (const auto& [n, row] : by_n) {
    std::vector<std::string> cells = {std::to_string(n)};
    for (const std::string& l : labels) {
      auto it = row.find(l);
      cells.push_back(it == row.end() ? "nan" : FormatG(it->second->efficiency.mean, 6));
      cells.push_back(it == row.end() ? "nan" : FormatG(it->second->efficiency.half_width, 3));
    }
    t.AddRow(std::move(cells));
  }
  out.plot_data = std::move(t);
  std::string plot =
      "set logscale x\nset xrange [0.8:12.5]\nset xtics (1, 2, 5, 10)\n"
      "set xlabel 'buyers = sellers per market (values and costs U[0,1])'\n"
      "set ylabel 'welfare / first best of the same traders'\nset yrange [0:1.05]\n"
      "set key bottom right\nplot ";
  for (size_t i = 0; i < labels.size(); ++i) {
    plot += (i ? ", " : "") + std::string(i ? "''" : "datafile") +
            " using 1:" + std::to_string(2 + 2 * i) + ":" + std::to_string(3 + 2 * i) +
            " with yerrorlines lw 2 title '" + labels[i] + "'";
  }
  out.plot = plot + "\n";
}

std::string TimingMarkdown(const std::vector<BenchmarkRow>& rows) {
  std::string s = "| setting | traders per side | mechanism | bidding | clear time (us) |\n";
  s += "|---|---|---|---|---|\n";
  for (const BenchmarkRow& r : rows) {
    char us[32] = "not measured";
    if (!std::isnan(r.clear_us)) std::snprintf(us, sizeof us, "%.3f", r.clear_us);
    s += "| " + r.setting + " | " + std::to_string(r.traders_per_side) + " | " + r.mechanism +
         " | " + r.bidding + " | " + us + " |\n";
  }
  return s;
}

// A mechanism of the city rows: its name for [p2p] mechanism, its label and how its traders bid
// (sim/comparison_market.h: the k-double auction's at the bilateral equilibrium of the city's
// priors, the others' report their types).
struct CityContender {
  std::string name, label, bidding;
};

std::vector<CityContender> CityContenders(const Scenario& s) {
  return {{"bayesian-pooled", "bayesian-pooled", "Theorem 1 (not an equilibrium)"},
          {"k-double-auction", "k-double-auction(k=" + FormatG(s.p2p_k) + ")",
           "equilibrium (bilateral, city priors)"},
          {"mcafee", "mcafee", "dominant-strategy"},
          {"sbba", "sbba", "dominant-strategy"},
          {"vcg", "vcg", "dominant-strategy"},
          {"posted-price", "posted-price(p=" + FormatG(s.p2p_posted_price_per_kwh) + ")",
           "dominant-strategy"}};
}

class NoRounds : public SimObserver {
 public:
  Status OnRound(const RoundRecord&, const std::vector<TradeRecord>&) override {
    return Status::Ok();
  }
};

// One line of a city row over the seeds: the per-seed figures per round.
struct CityLine {
  std::vector<double> eff, trades, budget, ir;
  double first_best = 0, rounds = 0;

  // One seed: its run's rounds and the line's first best and figures over them.
  void Add(const SimSummary& sum, double seed_first_best, int64_t p2p_trades, double surplus,
           double p2p_budget, int64_t ir_violations) {
    const double n = std::max<double>(1, static_cast<double>(sum.rounds));
    // A seed whose rounds had no gains from trade at all scores nothing (as in the sweep).
    if (seed_first_best > 0) eff.push_back(surplus / seed_first_best);
    trades.push_back(static_cast<double>(p2p_trades) / n);
    budget.push_back(p2p_budget / n);
    ir.push_back(static_cast<double>(ir_violations) / n);
    first_best += seed_first_best;
    rounds += static_cast<double>(sum.rounds);
  }

  BenchmarkRow Row(const std::string& setting, const std::string& mechanism,
                   const std::string& bidding) const {
    BenchmarkRow r;
    r.setting = setting;
    r.mechanism = mechanism;
    r.bidding = bidding;
    r.seeds = static_cast<int>(trades.size());
    r.markets_per_seed = static_cast<int64_t>(std::llround(rounds / r.seeds));
    r.efficiency = eff.empty() ? Estimate{std::nan(""), 0} : EstimateOf(eff);
    r.trades_per_market = EstimateOf(trades);
    r.budget_per_market = EstimateOf(budget);
    r.ir_violations_per_market = EstimateOf(ir);
    r.first_best_per_market = rounds > 0 ? first_best / rounds : 0;
    r.clear_us = std::nan("");
    return r;
  }
};

// The city rows of one contender, the comparison market over the seeds, per round: at the
// orders its traders send, and when those are equilibrium bids, the truthful upper line of the
// same runs beside (setting `city`, pooled over the RSU's round); and at the orders sent within
// the radius, the trades beyond it lapsing, against the first best within it (setting
// `city-in-range`, the same runs).
Result<std::vector<BenchmarkRow>> CityRow(Scenario s, const CityContender& c, int seeds,
                                          uint64_t seed) {
  s.p2p_mechanism = c.name;
  s.p2p_mechanism_named = true;  // measured within the radius too
  CityLine sent, truthful, in_range;
  bool at_equilibrium = false;
  for (int k = 0; k < seeds; ++k) {
    NoRounds none;
    V2V_ASSIGN_OR_RETURN(
        const SimSummary sum,
        RunSyntheticCity(s, DeriveSeed(seed, 300 + static_cast<uint64_t>(k)), none));
    sent.Add(sum, sum.p2p_first_best, sum.p2p_trades, sum.p2p_surplus, sum.p2p_budget,
             sum.p2p_ir_violations);
    truthful.Add(sum, sum.p2p_first_best, sum.p2p_truthful_trades, sum.p2p_truthful_surplus,
                 sum.p2p_truthful_budget, sum.p2p_truthful_ir_violations);
    in_range.Add(sum, sum.p2p_first_best_in_range, sum.p2p_in_range_trades,
                 sum.p2p_in_range_surplus, sum.p2p_in_range_budget, sum.p2p_in_range_ir_violations);
    at_equilibrium = sum.p2p_at_equilibrium;
  }
  std::vector<BenchmarkRow> rows = {sent.Row("city", c.label, c.bidding)};
  if (at_equilibrium) rows.push_back(truthful.Row("city", c.label, "truthful (upper line)"));
  rows.push_back(in_range.Row("city-in-range", c.label, c.bidding));
  return rows;
}

Result<std::vector<BenchmarkRow>> CityRows(const ExperimentOptions& opt) {
  Scenario s = opt.city;
  if (!opt.has_city) {
    s = Scenario{};
    s.vehicle_count = opt.quick ? 300 : 1000;
    if (opt.quick) s.duration_s = 6 * 3600;
  }
  std::vector<BenchmarkRow> rows, in_range;
  for (const CityContender& c : CityContenders(s)) {
    V2V_ASSIGN_OR_RETURN(std::vector<BenchmarkRow> part,
                         CityRow(s, c, opt.quick ? 3 : 10, DeriveSeed(opt.seed, 299)));
    in_range.push_back(std::move(part.back()));  // the pooled rows first, then the in-range ones
    rows.insert(rows.end(), part.begin(), part.end() - 1);
  }
  rows.insert(rows.end(), in_range.begin(), in_range.end());
  return rows;
}

}  // namespace

Result<MechanismComparison> CompareMechanismsFairly(const ExperimentOptions& opt) {
  std::vector<BenchmarkRow> rows;
  const std::vector<MarketSetting> settings = BenchmarkSettings();
  for (size_t s = 0; s < settings.size(); ++s) {
    for (int n : kTradersPerSide) {
      std::vector<Contender> contenders = StandardContenders(settings[s], n);
      if (n > 1) {
        V2V_ASSIGN_OR_RETURN(Contender eq, KDoubleAuctionAtEstimatedEquilibrium(settings[s], n, 0.5,
                                                                                SolverSizes(opt)));
        contenders.push_back(std::move(eq));
      }
      const auto part = RunMechanismBenchmark(settings[s], contenders, SizesFor(opt, n, s));
      rows.insert(rows.end(), part.begin(), part.end());
    }
  }
  V2V_ASSIGN_OR_RETURN(const std::vector<BenchmarkRow> city, CityRows(opt));
  rows.insert(rows.end(), city.begin(), city.end());
  MechanismComparison out;
  out.table = TidyTable(rows);
  PlotTable(rows, out);
  out.timing = TimingMarkdown(rows);
  return out;
}

}  // namespace v2v::sim
