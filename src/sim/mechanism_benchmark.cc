#include "sim/mechanism_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <unordered_map>

#include "base/random.h"
#include "market/bayes_nash_pooled.h"
#include "market/equilibrium.h"
#include "market/prior.h"

namespace v2v::sim {
namespace {

// Student's t quantile t_{0.975, df} for df = 1..30; 1.96 beyond.
double TQuantile975(int df) {
  static constexpr double kT[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                  2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                  2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                  2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  return df >= 1 && df <= 30 ? kT[df - 1] : 1.96;
}

std::string FormatK(double k) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", k);
  return buf;
}

double Identity(double t) { return t; }

// One market's traders: true types by id (buyers 0..n-1, sellers 0..n-1).
struct Market {
  std::vector<double> values, costs;
};

Market DrawMarket(const MarketSetting& s, int n, base::Rng& rng) {
  Market m;
  for (int i = 0; i < n; ++i) {
    m.values.push_back(rng.Uniform(s.v_lo, s.v_hi));
    m.costs.push_back(rng.Uniform(s.c_lo, s.c_hi));
  }
  return m;
}

// What one contender did over one seed's markets.
struct Tally {
  double welfare = 0, trades = 0, budget = 0, ir_violations = 0, clear_ns = 0;
};

void ScoreMarket(const Contender& who, const Market& m, base::Rng& lottery, Tally& t) {
  std::vector<market::Order> bids, asks;
  for (size_t i = 0; i < m.values.size(); ++i)
    bids.push_back({static_cast<int64_t>(i), who.buyer_bid(m.values[i])});
  for (size_t j = 0; j < m.costs.size(); ++j)
    asks.push_back({static_cast<int64_t>(j), who.seller_bid(m.costs[j])});
  const auto start = std::chrono::steady_clock::now();
  const market::Outcome out = who.rule->Clear(bids, asks, lottery);
  t.clear_ns += static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count());
  t.budget += out.Budget();
  t.trades += static_cast<double>(out.trades.size());
  const market::OutcomeScore score = market::ScoreOutcome(out, m.values, m.costs);
  t.welfare += score.surplus;
  t.ir_violations += score.ir_violations;
}

}  // namespace

std::vector<Contender> StandardContenders(const MarketSetting& s, int n) {
  const market::TypeRange v{s.v_lo, s.v_hi}, c{s.c_lo, s.c_hi};
  std::vector<Contender> out;
  out.push_back({"bayesian", "equilibrium", market::NewBayesianBilateral(s.v_hi, s.c_lo), Identity,
                 Identity});
  if (n > 1) {
    out.push_back({"bayesian-pooled", "Theorem 1 (not an equilibrium)",
                   market::NewBayesianPooled(s.v_hi, s.c_lo), Identity, Identity});
  }
  const double k = 0.5;
  const std::string kda = "k-double-auction(k=" + FormatK(k) + ")";
  if (n == 1) {
    // Chatterjee-Samuelson's linear equilibrium; at k = 1/2 it is Theorem 1's.
    const market::LinearStrategy b = market::TheoremOneBuyerStrategy(v, c);
    const market::LinearStrategy a = market::TheoremOneSellerStrategy(v, c);
    out.push_back({kda, "equilibrium", market::NewKDoubleAuction(k),
                   [b](double t) { return b.Bid(t); }, [a](double t) { return a.Bid(t); }});
  }
  out.push_back({kda, "truthful (upper line)", market::NewKDoubleAuction(k), Identity, Identity});
  out.push_back(
      {"mcafee", "dominant-strategy", market::NewMcAfee(s.v_lo, s.c_hi), Identity, Identity});
  out.push_back({"sbba", "dominant-strategy", market::NewSbba(), Identity, Identity});
  out.push_back({"vcg", "dominant-strategy", market::NewVcgDoubleAuction(), Identity, Identity});
  const double p = 0.5 * (std::max(s.v_lo, s.c_lo) + std::min(s.v_hi, s.c_hi));
  out.push_back({"posted-price(p=" + FormatK(p) + ")", "dominant-strategy",
                 market::NewPostedPrice(p), Identity, Identity});
  return out;
}

Result<Contender> KDoubleAuctionAtEstimatedEquilibrium(const MarketSetting& s, int n, double k,
                                                       const market::PooledOptions& solver) {
  V2V_ASSIGN_OR_RETURN(const market::Prior values, market::Prior::Uniform(s.v_lo, s.v_hi));
  V2V_ASSIGN_OR_RETURN(const market::Prior costs, market::Prior::Uniform(s.c_lo, s.c_hi));
  V2V_ASSIGN_OR_RETURN(const market::PooledSolution eq,
                       market::SolveSymmetricKDoubleAuction(values, costs, k, n, solver));
  return Contender{"k-double-auction(k=" + FormatK(k) + ")", "equilibrium (estimated)",
                   market::NewKDoubleAuction(k), [b = eq.buyer](double t) { return b.Order(t); },
                   [a = eq.seller](double t) { return a.Order(t); }};
}

Estimate EstimateOf(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  Estimate e;
  for (double v : x) e.mean += v;
  e.mean /= n;
  if (x.size() < 2) return e;
  double ss = 0;
  for (double v : x) ss += (v - e.mean) * (v - e.mean);
  e.half_width = TQuantile975(static_cast<int>(x.size()) - 1) * std::sqrt(ss / (n - 1) / n);
  return e;
}

std::vector<BenchmarkRow> RunMechanismBenchmark(const MarketSetting& s,
                                                const std::vector<Contender>& contenders,
                                                const BenchmarkOptions& opt) {
  const size_t k = contenders.size();
  std::vector<std::vector<double>> eff(k), trades(k), budget(k), ir(k);
  std::vector<double> clear_ns(k, 0);
  double first_best_total = 0;
  for (int seed = 0; seed < opt.seeds; ++seed) {
    base::Rng draws(base::DeriveSeed(opt.seed, 2 * static_cast<uint64_t>(seed)));
    base::Rng lottery(base::DeriveSeed(opt.seed, 2 * static_cast<uint64_t>(seed) + 1));
    std::vector<Tally> tally(k);
    double first_best = 0;
    for (int64_t i = 0; i < opt.markets_per_seed; ++i) {
      const Market m = DrawMarket(s, opt.traders_per_side, draws);
      first_best += market::FirstBestSurplus(m.values, m.costs);
      for (size_t j = 0; j < k; ++j) ScoreMarket(contenders[j], m, lottery, tally[j]);
    }
    first_best_total += first_best;
    const double markets = static_cast<double>(opt.markets_per_seed);
    for (size_t j = 0; j < k; ++j) {
      eff[j].push_back(first_best > 0 ? tally[j].welfare / first_best : 0);
      trades[j].push_back(tally[j].trades / markets);
      budget[j].push_back(tally[j].budget / markets);
      ir[j].push_back(tally[j].ir_violations / markets);
      clear_ns[j] += tally[j].clear_ns;
    }
  }
  const double all_markets = static_cast<double>(opt.markets_per_seed) * opt.seeds;
  std::vector<BenchmarkRow> rows;
  for (size_t j = 0; j < k; ++j) {
    BenchmarkRow r;
    r.setting = s.name;
    r.mechanism = contenders[j].mechanism;
    r.bidding = contenders[j].bidding;
    r.traders_per_side = opt.traders_per_side;
    r.seeds = opt.seeds;
    r.markets_per_seed = opt.markets_per_seed;
    r.efficiency = EstimateOf(eff[j]);
    r.trades_per_market = EstimateOf(trades[j]);
    r.budget_per_market = EstimateOf(budget[j]);
    r.ir_violations_per_market = EstimateOf(ir[j]);
    r.first_best_per_market = first_best_total / all_markets;
    r.clear_us = clear_ns[j] / all_markets / 1000.0;
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace v2v::sim
