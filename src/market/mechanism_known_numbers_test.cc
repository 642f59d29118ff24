// The mechanisms of mechanism.h against known welfare numbers, by Monte Carlo with fixed seeds.
// Values and costs are U[0,1]; the first best of one buyer and one seller is E[(v - c)+] = 1/6.
// Every tolerance is 4 standard errors of the estimate, computed from the sample itself (the
// draws are fixed, so the test is deterministic; the comments give the standard errors).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

#include "market/mechanism.h"

namespace v2v::market {
namespace {

constexpr double kFirstBestPerPair = 1.0 / 6;

// Mean and standard error of a sample.
struct Sample {
  double sum = 0, sum_sq = 0;
  int64_t n = 0;
  void Add(double x) {
    sum += x;
    sum_sq += x * x;
    ++n;
  }
  double Mean() const { return sum / static_cast<double>(n); }
  double StdErr() const {
    const double m = Mean();
    return std::sqrt((sum_sq / static_cast<double>(n) - m * m) / static_cast<double>(n));
  }
};

// A ratio of means sum(x)/sum(y) over paired draws, with its delta-method standard error.
struct Ratio {
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  int64_t n = 0;
  void Add(double x, double y) {
    sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    ++n;
  }
  double Value() const { return sx / sy; }
  double StdErr() const {
    const double k = static_cast<double>(n), r = Value();
    const double mx = sx / k, my = sy / k;
    const double var =
        (sxx / k - mx * mx) - 2 * r * (sxy / k - mx * my) + r * r * (syy / k - my * my);
    return std::sqrt(var / k) / my;
  }
};

// Surplus of one pair (v, c) under a mechanism fed the orders (bid, ask).
double PairSurplus(const Mechanism& m, double v, double c, double bid, double ask, base::Rng& rng) {
  const Order b{1, bid}, a{2, ask};
  return m.Clear({&b, 1}, {&a, 1}, rng).trades.empty() ? 0 : v - c;
}

// Chatterjee and Samuelson (1983): the linear equilibrium of the bilateral k-double auction
// (price k b + (1 - k) a) with v, c ~ U[0,1]. From the first-order conditions, the buyer's best
// response to an ask alpha_s + beta_s c is b = (v + k alpha_s)/(1 + k), the seller's to a bid
// alpha_b + v/(1 + k) is a = c/(2 - k) + (1 - k)(1 + (1 + k) alpha_b)/((1 + k)(2 - k)); the
// fixed point is
//   b(v) = v/(1 + k) + k(1 - k)/(2(1 + k)),   a(c) = c/(2 - k) + (1 - k)/2,
// at k = 1/2 the familiar 2/3 v + 1/12 and 2/3 c + 1/4 (Theorem 1 of the paper on the unit
// square). At k = 0 the buyer bids truthfully and the seller asks the monopoly price (1 + c)/2;
// at k = 1 symmetrically.
double EquilibriumBid(double k, double v) { return v / (1 + k) + k * (1 - k) / (2 * (1 + k)); }
double EquilibriumAsk(double k, double c) { return c / (2 - k) + (1 - k) / 2; }

// The standard error of the surplus per pair is ~1.7e-4 (~1e-3 of the share of first best).
constexpr int64_t kPairDraws = 2000000;

TEST(MechanismKnownNumbers, BilateralKDoubleAuctionAtItsLinearEquilibrium) {
  struct Case {
    double k, share_of_first_best;
  };
  for (const Case& kase : {Case{0, 3.0 / 4}, Case{0.25, 105.0 / 128}, Case{0.5, 27.0 / 32},
                           Case{0.75, 105.0 / 128}, Case{1, 3.0 / 4}}) {
    const auto mechanism = NewKDoubleAuction(kase.k);
    base::Rng rng(20260301);
    Sample surplus;
    for (int64_t i = 0; i < kPairDraws; ++i) {
      const double v = rng.Unit(), c = rng.Unit();
      surplus.Add(
          PairSurplus(*mechanism, v, c, EquilibriumBid(kase.k, v), EquilibriumAsk(kase.k, c), rng));
    }
    EXPECT_NEAR(surplus.Mean(), kase.share_of_first_best * kFirstBestPerPair, 4 * surplus.StdErr())
        << "k = " << kase.k << ", share " << surplus.Mean() / kFirstBestPerPair;
    std::printf("k = %.2f: share of first best %.5f (expected %.5f), surplus se %.1e\n", kase.k,
                surplus.Mean() / kFirstBestPerPair, kase.share_of_first_best, surplus.StdErr());
  }
}

TEST(MechanismKnownNumbers, BayesianSchemeIsTheHalfDoubleAuctionsEquilibrium) {
  // The paper's scheme takes true types and applies Theorem 1: 27/32 of the first best.
  const auto mechanism = NewBayesianBilateral(1, 0);
  base::Rng rng(20260302);
  Sample surplus;
  for (int64_t i = 0; i < kPairDraws; ++i) {
    const double v = rng.Unit(), c = rng.Unit();
    surplus.Add(PairSurplus(*mechanism, v, c, v, c, rng));
  }
  EXPECT_NEAR(surplus.Mean(), 27.0 / 32 * kFirstBestPerPair, 4 * surplus.StdErr());
  std::printf("share of first best %.5f, surplus se %.1e\n", surplus.Mean() / kFirstBestPerPair,
              surplus.StdErr());
}

TEST(MechanismKnownNumbers, PostedPriceOneHalf) {
  // Trade iff c <= 1/2 <= v: E[(v - c) 1{c <= 1/2 <= v}] = 1/8 = 3/4 of the first best.
  const auto mechanism = NewPostedPrice(0.5);
  base::Rng rng(20260303);
  Sample surplus;
  for (int64_t i = 0; i < kPairDraws; ++i) {
    const double v = rng.Unit(), c = rng.Unit();
    surplus.Add(PairSurplus(*mechanism, v, c, v, c, rng));
  }
  EXPECT_NEAR(surplus.Mean(), 3.0 / 4 * kFirstBestPerPair, 4 * surplus.StdErr());
  std::printf("share of first best %.5f, surplus se %.1e\n", surplus.Mean() / kFirstBestPerPair,
              surplus.StdErr());
}

// n buyers and n sellers, truthful orders: each mechanism's share of the first best (ratio of
// total surpluses over the markets) and VCG's deficit per trade.
struct PooledResult {
  Ratio mcafee_share, sbba_share, vcg_deficit_per_trade;
};

double Surplus(const Outcome& o, const std::vector<Order>& bids, const std::vector<Order>& asks) {
  double s = 0;
  for (const Trade& t : o.trades) s += bids[t.buyer_id].price - asks[t.seller_id].price;
  return s;
}

PooledResult RunPooled(int n, int64_t markets, uint64_t seed) {
  const auto mcafee = NewMcAfee(0, 1);
  const auto sbba = NewSbba();
  const auto vcg = NewVcgDoubleAuction();
  base::Rng values(seed), lottery(base::DeriveSeed(seed, 1));
  PooledResult r;
  std::vector<Order> bids(n), asks(n);
  std::vector<double> v(n), c(n);
  for (int64_t m = 0; m < markets; ++m) {
    for (int i = 0; i < n; ++i) {
      v[i] = values.Unit();
      c[i] = values.Unit();
      bids[i] = {i, v[i]};
      asks[i] = {i, c[i]};
    }
    std::sort(v.begin(), v.end(), std::greater<>());
    std::sort(c.begin(), c.end());
    double first_best = 0;
    for (int i = 0; i < n && v[i] >= c[i]; ++i) first_best += v[i] - c[i];
    r.mcafee_share.Add(Surplus(mcafee->Clear(bids, asks, lottery), bids, asks), first_best);
    r.sbba_share.Add(Surplus(sbba->Clear(bids, asks, lottery), bids, asks), first_best);
    const Outcome o = vcg->Clear(bids, asks, lottery);
    r.vcg_deficit_per_trade.Add(-o.Budget(), static_cast<double>(o.trades.size()));
  }
  return r;
}

TEST(MechanismKnownNumbers, PooledMarketsMcAfeeSbbaAndVcgDeficit) {
  struct Case {
    int n;
    int64_t markets;
    double mcafee, sbba;  // the published shares, to three decimals
  };
  // 4 standard errors plus 0.0005 for the three-decimal rounding of the published numbers.
  // The standard errors of the shares are ~4e-4 (McAfee) and ~5e-4 (SBBA) at n = 2, less beyond.
  constexpr double kRounding = 0.0005;
  double previous_deficit = 0, previous_err = 0;
  for (const Case& kase : {Case{2, 1000000, 0.823, 0.625}, Case{5, 400000, 0.947, 0.880},
                           Case{10, 200000, 0.984, 0.945}}) {
    const PooledResult r = RunPooled(kase.n, kase.markets, 20260304 + kase.n);
    EXPECT_NEAR(r.mcafee_share.Value(), kase.mcafee, 4 * r.mcafee_share.StdErr() + kRounding)
        << "n = " << kase.n << " se " << r.mcafee_share.StdErr();
    EXPECT_NEAR(r.sbba_share.Value(), kase.sbba, 4 * r.sbba_share.StdErr() + kRounding)
        << "n = " << kase.n << " se " << r.sbba_share.StdErr();
    // VCG's deficit per trade falls like 1/n: from n = 2 to 5 to 10 it falls beyond 4 standard
    // errors of the difference.
    const double deficit = r.vcg_deficit_per_trade.Value(), err = r.vcg_deficit_per_trade.StdErr();
    if (previous_deficit > 0) {
      EXPECT_GT(previous_deficit - deficit, 4 * std::hypot(previous_err, err)) << "n = " << kase.n;
    }
    previous_deficit = deficit;
    previous_err = err;
    std::printf(
        "n = %d: McAfee %.4f (se %.1e), SBBA %.4f (se %.1e), VCG deficit/trade %.4f "
        "(se %.1e, x n = %.3f)\n",
        kase.n, r.mcafee_share.Value(), r.mcafee_share.StdErr(), r.sbba_share.Value(),
        r.sbba_share.StdErr(), deficit, err, deficit * kase.n);
  }
}

}  // namespace
}  // namespace v2v::market
