#include "sim/comparison_market.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "market/first_best_matching.h"
#include "sim/city_priors.h"
#include "sim/csv.h"

namespace v2v::sim {
namespace {

// The draws behind the empirical priors: fixed, so that the strategies depend on the scenario
// only, never on the run's seed.
constexpr uint64_t kPriorSeed = 20260317;

// The solver's sizes. Its defaults (degrees up to 4, 500 rounds each) take about 11 s on the
// default city and do best at degree 2 (epsilon 4.15e-4; degree 3 4.5e-4, degree 4 0.41). The
// rounds never meet the tolerance there (the corner at the top seller keeps moving the orders
// by little), but a degree's strategies settle within 30 rounds: degrees up to 2 with 30 rounds
// each reach the same epsilon in about 0.3 s (at k = 0, 1/4, 1/2, 3/4 and 1: 4.1e-4 to 6.5e-4).
market::SolverOptions P2pSolverOptions() {
  market::SolverOptions o;
  o.max_degree = 2;
  o.max_iterations = 30;
  return o;
}

// One clearing's figures, scored at the traders' true types.
struct P2pFigures {
  int trades = 0;
  double price = kNan;  // the mean price its buyers pay
  double surplus = 0, budget = 0;
  int ir_violations = 0;
};

// Its mean price is first + mean(x - first): exactly the price when every trade pays the same
// (the uniform-price auctions).
P2pFigures Score(const market::Outcome& out, const std::vector<double>& values,
                 const std::vector<double>& costs) {
  const market::OutcomeScore score = market::ScoreOutcome(out, values, costs);
  P2pFigures f;
  f.trades = static_cast<int>(out.trades.size());
  f.surplus = score.surplus;
  f.ir_violations = score.ir_violations;
  f.budget = out.Budget();
  if (out.trades.empty()) return f;
  const double first = out.trades.front().buyer_pays;
  double above_first = 0;
  for (const market::Trade& t : out.trades) above_first += t.buyer_pays - first;
  f.price = first + above_first / static_cast<double>(out.trades.size());
  return f;
}

market::Outcome ClearUnits(const market::Mechanism& m, const std::vector<double>& bids,
                           const std::vector<double>& asks, Rng& lottery) {
  return m.Clear(market::UnitOrders(bids), market::UnitOrders(asks), lottery);
}

// By buyer, the sellers within the radius (indices, increasing): Algorithm 1's distance test,
// market::GridIndex at the radius, as market::RunRound pairs a round.
std::vector<std::vector<int>> SellersInRange(const ComparisonRound& r, double radius_m) {
  const market::GridIndex index(r.sellers_at, radius_m);
  std::vector<std::vector<int>> near;
  near.reserve(r.buyers_at.size());
  for (const market::GridIndex::Point& b : r.buyers_at) {
    std::vector<int> sellers;
    for (const market::Neighbor& n : index.WithinRadius(b.x, b.y)) sellers.push_back(n.index);
    near.push_back(std::move(sellers));
  }
  return near;
}

// The in-range figures of a round with sellers: the first best over the pairs within the radius
// (the pooled one when every pair is within it: FirstBestMatching equals FirstBestSurplus then,
// and that is tested), and the clearing `sent` without its trades beyond the radius, which lapse.
void MeasureInRange(const ComparisonRound& r, double radius_m, const market::Outcome& sent,
                    RoundRecord& rec) {
  const std::vector<std::vector<int>> near = SellersInRange(r, radius_m);
  std::vector<market::UnitPair> allowed;
  for (size_t i = 0; i < near.size(); ++i) {
    for (int j : near[i]) allowed.push_back({static_cast<int>(i), j});
  }
  rec.p2p_first_best_in_range = allowed.size() == r.values.size() * r.costs.size()
                                    ? rec.p2p_first_best
                                    : market::FirstBestMatching(r.values, r.costs, allowed).surplus;
  market::Outcome kept;
  for (const market::Trade& t : sent.trades) {
    const std::vector<int>& sellers = near[static_cast<size_t>(t.buyer_id)];
    if (std::binary_search(sellers.begin(), sellers.end(), t.seller_id)) kept.trades.push_back(t);
  }
  const P2pFigures f = Score(kept, r.values, r.costs);
  rec.p2p_in_range_trades = f.trades;
  rec.p2p_in_range_surplus = f.surplus;
  rec.p2p_in_range_budget = f.budget;
  rec.p2p_in_range_ir_violations = f.ir_violations;
}

// The solved equilibria of this process, by k and the priors' knots (one solve per city).
struct SolvedEquilibria {
  std::mutex mu;
  std::map<std::vector<double>, P2pEquilibrium> by_key;
};
SolvedEquilibria& Solved() {
  static SolvedEquilibria solved;
  return solved;
}

std::vector<double> EquilibriumKey(double k, const CityPriors& p) {
  std::vector<double> key = {k, static_cast<double>(p.values.knots().size())};
  key.insert(key.end(), p.values.knots().begin(), p.values.knots().end());
  key.insert(key.end(), p.costs.knots().begin(), p.costs.knots().end());
  return key;
}

}  // namespace

bool P2pMeasuresInRange(const Scenario& s) { return NamesP2pMechanism(s); }

bool P2pTradersBidAtEquilibrium(const Scenario& s) {
  return s.p2p_mechanism == "k-double-auction" &&
         s.buyer_value_max_per_kwh > s.buyer_value_min_per_kwh &&
         s.seller_cost_max_per_kwh > s.seller_cost_min_per_kwh;
}

double P2pEquilibrium::Bid(double value) const { return std::min(value, buyer.Order(value)); }
double P2pEquilibrium::Ask(double cost) const { return std::max(cost, seller.Order(cost)); }

Result<P2pEquilibrium> SolveP2pEquilibrium(const Scenario& s) {
  V2V_ASSIGN_OR_RETURN(const CityPriors priors, MakeCityPriors(s, kPriorSeed));
  const std::vector<double> key = EquilibriumKey(s.p2p_k, priors);
  SolvedEquilibria& solved = Solved();
  // Held while solving: a second thread asking for the same city waits rather than solves.
  std::lock_guard<std::mutex> lock(solved.mu);
  if (auto it = solved.by_key.find(key); it != solved.by_key.end()) return it->second;
  V2V_ASSIGN_OR_RETURN(const market::BayesNashSolution eq,
                       market::SolveBilateralKDoubleAuction(priors.values, priors.costs, s.p2p_k,
                                                            P2pSolverOptions()));
  P2pEquilibrium out{eq.buyer, eq.seller, eq.epsilon.Max()};
  solved.by_key.emplace(key, out);
  return out;
}

Result<ComparisonMarket> ComparisonMarket::ForScenario(const Scenario& s) {
  V2V_ASSIGN_OR_RETURN(std::unique_ptr<market::Mechanism> mechanism, NewP2pMechanism(s));
  std::optional<P2pEquilibrium> equilibrium;
  if (P2pTradersBidAtEquilibrium(s)) {
    V2V_ASSIGN_OR_RETURN(equilibrium, SolveP2pEquilibrium(s));
  }
  std::optional<double> radius_m;
  if (P2pMeasuresInRange(s)) radius_m = s.radius_m;
  return ComparisonMarket(std::move(mechanism), std::move(equilibrium), radius_m);
}

void ComparisonMarket::ClearRound(const ComparisonRound& round, Rng& lottery,
                                  RoundRecord& rec) const {
  const std::vector<double>& values = round.values;
  const std::vector<double>& costs = round.costs;
  const market::Outcome truthful_out = ClearUnits(*mechanism_, values, costs, lottery);
  const P2pFigures truthful = Score(truthful_out, values, costs);
  std::optional<market::Outcome> equilibrium_out;
  if (equilibrium_) {
    std::vector<double> bids, asks;
    for (double v : values) bids.push_back(equilibrium_->Bid(v));
    for (double c : costs) asks.push_back(equilibrium_->Ask(c));
    equilibrium_out = ClearUnits(*mechanism_, bids, asks, lottery);
  }
  const market::Outcome& sent_out = equilibrium_out ? *equilibrium_out : truthful_out;
  const P2pFigures sent = equilibrium_out ? Score(*equilibrium_out, values, costs) : truthful;
  rec.p2p_first_best = market::FirstBestSurplus(values, costs);
  if (radius_m_ && !costs.empty()) MeasureInRange(round, *radius_m_, sent_out, rec);
  rec.p2p_trades = sent.trades;
  rec.p2p_price = sent.price;
  rec.p2p_surplus = sent.surplus;
  rec.p2p_budget = sent.budget;
  rec.p2p_ir_violations = sent.ir_violations;
  rec.p2p_truthful_trades = truthful.trades;
  rec.p2p_truthful_price = truthful.price;
  rec.p2p_truthful_surplus = truthful.surplus;
  rec.p2p_truthful_budget = truthful.budget;
  rec.p2p_truthful_ir_violations = truthful.ir_violations;
}

void AddP2pRound(const RoundRecord& r, SimSummary& s) {
  s.p2p_trades += r.p2p_trades;
  s.p2p_surplus += r.p2p_surplus;
  s.p2p_budget += r.p2p_budget;
  s.p2p_first_best += r.p2p_first_best;
  s.p2p_ir_violations += r.p2p_ir_violations;
  s.p2p_truthful_trades += r.p2p_truthful_trades;
  s.p2p_truthful_surplus += r.p2p_truthful_surplus;
  s.p2p_truthful_budget += r.p2p_truthful_budget;
  s.p2p_truthful_ir_violations += r.p2p_truthful_ir_violations;
  s.p2p_first_best_in_range += r.p2p_first_best_in_range;
  s.p2p_in_range_trades += r.p2p_in_range_trades;
  s.p2p_in_range_surplus += r.p2p_in_range_surplus;
  s.p2p_in_range_budget += r.p2p_in_range_budget;
  s.p2p_in_range_ir_violations += r.p2p_in_range_ir_violations;
}

}  // namespace v2v::sim
