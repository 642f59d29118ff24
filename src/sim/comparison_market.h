// The comparison market of the city's rounds ([p2p] mechanism; docs/mechanisms.md, "By name"):
// the named mechanism of market/mechanism.h clearing a round's declared values and costs, one
// unit per trader, pooled over the RSU's round, beside Algorithm 1.
//
// How its traders bid. McAfee, SBBA, VCG and the posted price are truthful in dominant
// strategies, and the Bayesian schemes apply Theorem 1's strategies to the declared types
// themselves, so under them every trader reports its type. The k-double auction is not
// truthful: its traders play the bilateral equilibrium of the city's priors, the strategies
// market::SolveBilateralKDoubleAuction finds for one buyer and one seller whose value and cost
// follow the empirical priors of sim/city_priors.h (the city draws every round's values and
// costs from the scenario's ranges, so those are the priors every trader holds). Under it each
// round is also cleared with truthful reports, the upper line no equilibrium reaches.
//
// Why the bilateral equilibrium: it is the one the project computes exactly (to its epsilon),
// and a round usually hears one buyer; the pooled solver (market/bayes_nash_pooled.h) handles n
// buyers against n sellers only, by Monte Carlo. In a round with several traders on a side the
// equilibrium shading is smaller (it falls like 1/n), so the bilateral strategies overstate it
// there: the k-double auction's figures at equilibrium are approximate (docs/mechanisms.md).
//
// Within the radius. When the scenario names its mechanism (NamesP2pMechanism), each round is
// also measured as the chain would clear it (docs/spec/contract.md C-4.9): a trade whose buyer and
// seller are farther apart than the radius lapses (nobody takes its place), and the yardstick is
// the round's first best over the pairs within the radius (market::FirstBestMatching). The
// distance test is Algorithm 1's (market::GridIndex at the scenario's radius_m, as
// market::RunRound pairs the round).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "base/result.h"
#include "market/bayes_nash.h"
#include "market/mechanism.h"
#include "market/spatial_index.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/simulation.h"

namespace v2v::sim {

// Whether the scenario's comparison market has its traders bid at equilibrium rather than report
// their types (the one place that says so): under the k-double auction, when both the value and
// the cost range have a positive width. A range of zero width (a type everybody knows) gives the
// solver no density to work with; the traders then report their types, as under the others.
bool P2pTradersBidAtEquilibrium(const Scenario& s);

// The k-double auction's traders at the bilateral equilibrium of the city's priors.
struct P2pEquilibrium {
  market::GridStrategy buyer, seller;
  double epsilon = 0;  // the solver's largest gain from deviating, over both sides' grid types
  // The order a trader of this type sends: its strategy's, but never a bid above the value or
  // an ask below the cost (types outside the priors' support, which the grid model's screen
  // can make, would otherwise get the strategy's end order).
  double Bid(double value) const;
  double Ask(double cost) const;
};

// The equilibrium for the scenario's [p2p] k under the empirical priors of 20,000 draws of each
// (MakeCityPriors, a fixed seed: the strategies depend on the scenario only). The solver's
// polynomial degree goes up to 2, 30 rounds each (docs/mechanisms.md says why). Solved once per
// priors and k in a process (about 0.3 s) and kept; deterministic. Errors: the priors' and the
// solver's.
Result<P2pEquilibrium> SolveP2pEquilibrium(const Scenario& s);

// Whether the comparison market is also measured within the radius: when the scenario names its
// mechanism (NamesP2pMechanism).
bool P2pMeasuresInRange(const Scenario& s);

// One round's traders as the comparison market sees them, each one unit: the buyers' declared
// values and the sellers' declared costs (ids their positions in these vectors) and where they are.
struct ComparisonRound {
  std::vector<double> values, costs;
  std::vector<market::GridIndex::Point> buyers_at, sellers_at;
};

class ComparisonMarket {
 public:
  // The scenario's [p2p] mechanism, with the equilibrium when its traders bid at one
  // (P2pTradersBidAtEquilibrium) and the radius when it is measured within it
  // (P2pMeasuresInRange). Errors: NewP2pMechanism's and SolveP2pEquilibrium's.
  static Result<ComparisonMarket> ForScenario(const Scenario& s);

  // Set when the traders bid at equilibrium (the k-double auction).
  const std::optional<P2pEquilibrium>& equilibrium() const { return equilibrium_; }
  // Whether ClearRound sets the in-range figures.
  bool measures_in_range() const { return radius_m_.has_value(); }

  // Clears one round. Sets rec's p2p_* at the orders the traders send, p2p_truthful_* with every
  // trader reporting its type (under the truthful mechanisms the same clearing, done once, so
  // SBBA's lottery draws once a round) and p2p_first_best; when measured within the radius,
  // p2p_first_best_in_range and p2p_in_range_* (the trades at the orders sent whose pair is
  // within the radius; all 0 in a round without sellers).
  void ClearRound(const ComparisonRound& round, Rng& lottery, RoundRecord& rec) const;

 private:
  ComparisonMarket(std::shared_ptr<const market::Mechanism> mechanism,
                   std::optional<P2pEquilibrium> equilibrium, std::optional<double> radius_m)
      : mechanism_(std::move(mechanism)),
        equilibrium_(std::move(equilibrium)),
        radius_m_(radius_m) {}
  std::shared_ptr<const market::Mechanism> mechanism_;
  std::optional<P2pEquilibrium> equilibrium_;
  std::optional<double> radius_m_;  // set when measured within the radius
};

// Adds a round's p2p_*, p2p_truthful_* and in-range figures to the run's totals.
void AddP2pRound(const RoundRecord& round, SimSummary& summary);

}  // namespace v2v::sim
