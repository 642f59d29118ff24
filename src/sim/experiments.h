// The paper's section V experiments (Figs. 4-14) and the mechanism table, as data.
//
// Each figure is computed by one function into a Figure: its data table, a gnuplot script that
// draws it from data.csv, and the three sentences of the report: what the paper claims, what we
// measured (numbers computed from the data, never typed in), and whether they agree. docs/model.md
// section 9 fixes the definitions: satisfaction is T/P for a buyer and R/T for a seller (complete
// information: T^c/v and c/T^c, the bids being the values), the degree of approximation is
// 1 - |T - T^c|/T^c averaged over the pairs that trade, T^c = (v + c)/2, and the conventional
// P2P market is a uniform-price double auction.
//
// Pure and deterministic given the options (Fig. 11 runs the city simulation with the seed).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "sim/csv.h"
#include "sim/scenario.h"

namespace v2v::sim {

struct ExperimentOptions {
  uint64_t seed = 1;
  bool quick = false;  // smaller Monte Carlo sizes and city, for `make demo` and tests
  // The city of Fig. 11; unset: the built-in city (1,000 EVs when quick).
  bool has_city = false;
  Scenario city;
};

enum class Verdict { kAgrees, kPartly, kDiffers };
const char* VerdictName(Verdict v);

struct Figure {
  std::string name;  // "fig4" .. "fig14"
  std::string title;
  CsvTable data{{}};
  std::string gnuplot;  // reads the variable `datafile`; terminal and output are set by the driver
  std::string paper_claim;
  std::string measured;
  Verdict verdict = Verdict::kAgrees;
  std::string inputs;  // extra stamp for data.csv, e.g. "scenario=HASH" when a city was simulated
};

// Share of pairs v ~ U[v_lo, v_hi], c ~ U[c_lo, c_hi] with P >= R, where the buyer's bid
// (eq. 5) uses the declared bounds (buyer_vmax, buyer_cmin) and the seller's ask (eq. 6) uses
// (seller_vmax, seller_cmin): Theorem 1 has both use the same; Figs. 4-5 also hold one fixed.
struct TradeShareQuery {
  double v_lo, v_hi, c_lo, c_hi;
  double buyer_vmax, buyer_cmin;
  double seller_vmax, seller_cmin;
};
double TradeShare(const TradeShareQuery& q, int64_t draws, uint64_t seed);

// REQUIRES: 4 <= n <= 14.
Result<Figure> RunFigure(int n, const ExperimentOptions& opt);

// The mechanisms side by side on the fair benchmark (sim/mechanism_benchmark.h): both settings
// (unit-square, paper-fig9) at 1, 2, 5 and 10 traders per side, 10 seeds each; then the city
// (setting "city", traders_per_side 0: its rounds, of every size): each mechanism as the
// comparison market of the city of Fig. 11 (`opt.city`, else the default city with 1,000 EVs, or
// 300 EVs for 6 h when quick), the same rounds under every mechanism, scored per round against
// the round's first best, 10 seeds (3 when quick); the k-double auction at the bilateral
// equilibrium of the city's priors and, from the same runs, truthful (the upper line:
// sim/comparison_market.h). Its clear time is not measured (the simulator reads no clock).
struct MechanismComparison {
  CsvTable table{{}};      // mechanisms.csv: one row per setting, size and contender
  CsvTable plot_data{{}};  // mechanisms/data.csv: the unit square's efficiency by size
  std::string plot;        // gnuplot body over plot_data
  std::string timing;      // Markdown table of clear times (measured; not deterministic)
};
Result<MechanismComparison> CompareMechanismsFairly(const ExperimentOptions& opt);

// Figure functions (experiments_pricing.cc: 4-10, experiments_market.cc: 11-14).
Figure Fig4BuyerBids(const ExperimentOptions& opt);
Figure Fig5SellerAsks(const ExperimentOptions& opt);
Figure Fig6TradingRegion(const ExperimentOptions& opt);
Figure Fig7Satisfaction(const ExperimentOptions& opt);
Figure Fig8Approximation(const ExperimentOptions& opt);
Figure Fig9SinglePriceRegion(const ExperimentOptions& opt);
Figure Fig10Benefit(const ExperimentOptions& opt);
Result<Figure> Fig11GridTariff(const ExperimentOptions& opt);
Figure Fig12BuyerSellerRatio(const ExperimentOptions& opt);
Result<Figure> Fig13VolumeVsLoss(const ExperimentOptions& opt);
Result<Figure> Fig14VolumeVsPrice(const ExperimentOptions& opt);

// Writes DIR/figN/{data.csv,plot.gp,plot.png} for the figures in `which` (each 4..14),
// DIR/mechanisms.csv and DIR/mechanisms/{data.csv,plot.gp,plot.png} when `mechanisms`, and
// DIR/report.md over what was produced. A missing
// gnuplot is not an error: the report says the picture is missing. Returns the figures.
struct SuiteResult {
  std::vector<Figure> figures;
  bool plotted = false;
  std::string plot_error;
};
Result<SuiteResult> RunExperimentSuite(const std::string& dir, const std::vector<int>& which,
                                       bool mechanisms, const ExperimentOptions& opt);

}  // namespace v2v::sim
