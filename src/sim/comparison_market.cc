#include "sim/comparison_market.h"

#include <algorithm>
#include <map>
#include <mutex>

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
P2pFigures ClearAndScore(const market::Mechanism& m, const std::vector<double>& bids,
                         const std::vector<double>& asks, const std::vector<double>& values,
                         const std::vector<double>& costs, Rng& lottery) {
  const market::Outcome out = m.Clear(market::UnitOrders(bids), market::UnitOrders(asks), lottery);
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
  return ComparisonMarket(std::move(mechanism), std::move(equilibrium));
}

void ComparisonMarket::ClearRound(const std::vector<double>& values,
                                  const std::vector<double>& costs, Rng& lottery,
                                  RoundRecord& rec) const {
  const P2pFigures truthful = ClearAndScore(*mechanism_, values, costs, values, costs, lottery);
  P2pFigures sent = truthful;
  if (equilibrium_) {
    std::vector<double> bids, asks;
    for (double v : values) bids.push_back(equilibrium_->Bid(v));
    for (double c : costs) asks.push_back(equilibrium_->Ask(c));
    sent = ClearAndScore(*mechanism_, bids, asks, values, costs, lottery);
  }
  rec.p2p_first_best = market::FirstBestSurplus(values, costs);
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
}

}  // namespace v2v::sim
