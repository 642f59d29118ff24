// The fair benchmark of market mechanisms (docs/mechanisms.md, "The fair benchmark").
//
// Every mechanism of market/mechanism.h clears the same markets: n buyers with values
// v ~ U[v_lo, v_hi] and n sellers with costs c ~ U[c_lo, c_hi], drawn once per market and shared
// by all mechanisms (common random numbers). Each mechanism is scored against the first best of
// those same traders: the largest gains from trade any matching of them could reach, which for
// unit traders in one market is sum_{i<=q} (v_(i) - c_(i)) over the q efficient pairs (values
// high to low, costs low to high). Scored:
//   efficiency       realised gains from trade (true values and costs of the traders who trade)
//                    / first best, over all markets of a seed;
//   trades           units traded per market;
//   budget           paid by buyers - received by sellers per market (negative: a deficit the
//                    auctioneer pays, as VCG's);
//   IR violations    traders per market left with a negative utility at their true type;
//   clear time       wall time of one Clear (measured, so not part of the deterministic table).
// Each figure is a mean over `seeds` independent seeds with its 95% confidence interval (Student's
// t over the per-seed figures).
//
// Bidding: McAfee, SBBA, VCG and the posted price are truthful in dominant strategies, so their
// traders report their types. The paper's Bayesian scheme applies Theorem 1's strategies to the
// types itself: bilaterally (market::NewBayesianBilateral, buyer i with seller i, where they are
// an equilibrium) and, from n = 2, pooled as an RSU's round pools its traders
// (market::NewBayesianPooled, where they are not known to be one). The k-double
// auction is not truthful: for n = 1 its traders play the Chatterjee-Samuelson linear
// equilibrium (k = 1/2: Theorem 1's strategies), and for every n it is also shown with truthful
// reports, an upper line no equilibrium reaches (the row's `bidding` says which).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "market/bayes_nash_pooled.h"
#include "market/mechanism.h"

namespace v2v::sim {

struct MarketSetting {
  std::string name;
  double v_lo = 0, v_hi = 1;  // buyers' values
  double c_lo = 0, c_hi = 1;  // sellers' costs
};

// A type (value or cost) to the order price the trader reports.
using BidFunction = std::function<double(double type)>;

// One mechanism with the way its traders bid.
struct Contender {
  std::string mechanism;  // e.g. "k-double-auction(k=0.5)"
  std::string bidding;    // "dominant-strategy", "equilibrium" or "truthful (upper line)"
  std::shared_ptr<const market::Mechanism> rule;
  BidFunction buyer_bid, seller_bid;
};

// The contenders for markets of n buyers and n sellers in the setting: the Bayesian scheme
// (bilateral, and pooled when n > 1), the
// k-double auction at k = 1/2 (at its linear equilibrium when n = 1, and truthful), McAfee,
// SBBA, VCG and the posted price at the middle of the overlap of the two ranges.
std::vector<Contender> StandardContenders(const MarketSetting& setting, int n);

// The pooled k-double auction with its traders at the symmetric equilibrium that
// market::SolveSymmetricKDoubleAuction estimates (Monte Carlo, experimental: docs/mechanisms.md),
// for n > 1; bidding "equilibrium (estimated)". `solver` sets the solver's sizes (its defaults
// when not given). Errors: the solver's.
Result<Contender> KDoubleAuctionAtEstimatedEquilibrium(const MarketSetting& setting, int n,
                                                       double k,
                                                       const market::PooledOptions& solver = {});

struct Estimate {
  double mean = 0;
  double half_width = 0;  // 95% interval: mean +- half_width (0 with one seed)
};
// Mean and 95% Student-t interval of per-seed figures. REQUIRES: !samples.empty().
Estimate EstimateOf(const std::vector<double>& samples);

struct BenchmarkRow {
  std::string setting, mechanism, bidding;
  int traders_per_side = 0;
  int seeds = 0;
  int64_t markets_per_seed = 0;
  Estimate efficiency, trades_per_market, budget_per_market, ir_violations_per_market;
  double first_best_per_market = 0;  // mean over all markets, for scale
  double clear_us = 0;               // mean wall time of one Clear, microseconds
};

struct BenchmarkOptions {
  int traders_per_side = 1;
  int seeds = 10;
  int64_t markets_per_seed = 20000;
  uint64_t seed = 1;
};

// Runs every contender on the same markets. REQUIRES: traders_per_side >= 1, seeds >= 1,
// markets_per_seed >= 1, v_lo <= v_hi, c_lo <= c_hi.
std::vector<BenchmarkRow> RunMechanismBenchmark(const MarketSetting& setting,
                                                const std::vector<Contender>& contenders,
                                                const BenchmarkOptions& opt);

}  // namespace v2v::sim
