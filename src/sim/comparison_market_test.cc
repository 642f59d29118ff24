#include "sim/comparison_market.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "market/equilibrium.h"

namespace v2v::sim {
namespace {

class ComparisonRounds : public SimObserver {
 public:
  Status OnRound(const RoundRecord& r, const std::vector<TradeRecord>&) override {
    rounds.push_back(r);
    return Status::Ok();
  }
  std::vector<RoundRecord> rounds;
};

Scenario ComparisonCity() {
  Scenario s;
  s.city_size_m = 4000;
  s.vehicle_count = 300;
  s.duration_s = 3 * 3600;
  return s;
}

// The default city's k-double auction (k = 1/2): buyers bid below their values and sellers ask
// above their costs, by more than 0.01 per kWh for every type inside the ranges; no order
// crosses the trader's own type, outside the ranges either (the grid model's screen makes such
// types).
TEST(ComparisonMarketTest, EquilibriumOrdersAreShadedAndNeverCrossTheType) {
  const Scenario s;
  const auto eq = SolveP2pEquilibrium(s);
  ASSERT_TRUE(eq.ok()) << eq.status().ToString();
  EXPECT_LT(eq->epsilon, 1e-3);
  for (double v = 0.55; v <= 0.95 + 1e-9; v += 0.05) EXPECT_LT(eq->Bid(v), v - 0.01) << v;
  for (double c = 0.35; c <= 0.75 + 1e-9; c += 0.05) EXPECT_GT(eq->Ask(c), c + 0.01) << c;
  for (double v : {0.0, 0.2, 0.45, 0.5, 1.0, 1.5}) EXPECT_LE(eq->Bid(v), v) << v;
  for (double c : {0.0, 0.3, 0.8, 0.85, 1.5}) EXPECT_GE(eq->Ask(c), c) << c;
  for (double v = 0.5; v < 1.0; v += 0.01) EXPECT_LE(eq->Bid(v), eq->Bid(v + 0.01)) << v;
  for (double c = 0.3; c < 0.8; c += 0.01) EXPECT_LE(eq->Ask(c), eq->Ask(c + 0.01)) << c;
}

// On uniform priors Theorem 1's lines are the equilibrium where no cap binds; the city's
// empirical priors are 20,000 draws of those uniforms, so the solved orders are Theorem 1's to
// within their sampling error (4.6e-3 measured; asserted 0.01).
TEST(ComparisonMarketTest, AtOneHalfTheOrdersAreTheoremOnesInsideTheRanges) {
  const Scenario s;
  const auto eq = SolveP2pEquilibrium(s);
  ASSERT_TRUE(eq.ok()) << eq.status().ToString();
  const market::TypeRange v{s.buyer_value_min_per_kwh, s.buyer_value_max_per_kwh};
  const market::TypeRange c{s.seller_cost_min_per_kwh, s.seller_cost_max_per_kwh};
  const market::LinearStrategy bid = market::TheoremOneBuyerStrategy(v, c);
  const market::LinearStrategy ask = market::TheoremOneSellerStrategy(v, c);
  for (double x = 0.55; x <= 0.95 + 1e-9; x += 0.05) EXPECT_NEAR(eq->Bid(x), bid.Bid(x), 0.01);
  for (double x = 0.35; x <= 0.75 + 1e-9; x += 0.05) EXPECT_NEAR(eq->Ask(x), ask.Bid(x), 0.01);
}

// At k = 1 the buyer's bid is the price, so a seller's ask only decides whether it trades:
// asking its cost is a best response, and the solver finds it (a seller below every bid asks
// the lowest bid, which trades with the same buyers). The buyer shades.
TEST(ComparisonMarketTest, AtKOneSellersAskTheirCost) {
  Scenario s;
  s.p2p_k = 1;
  const auto eq = SolveP2pEquilibrium(s);
  ASSERT_TRUE(eq.ok()) << eq.status().ToString();
  const double lowest_bid = eq->Bid(s.buyer_value_min_per_kwh);
  for (double c = 0.35; c <= 0.75 + 1e-9; c += 0.05)
    EXPECT_NEAR(eq->Ask(c), std::max(c, lowest_bid), 1e-6) << c;
  EXPECT_LT(eq->Bid(0.75), 0.75 - 0.1);
}

// On a seeded city: the k-double auction at equilibrium trades fewer units and less surplus
// than its truthful upper line, which is the first best of each round; round by round it trades
// no more than the upper line, at one price (budget 0), leaving nobody worse off.
TEST(ComparisonMarketTest, TheKDoubleAuctionAtEquilibriumIsBelowItsTruthfulUpperLine) {
  const Scenario s = ComparisonCity();
  ComparisonRounds c;
  const auto sum = RunSyntheticCity(s, 7, c);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  ASSERT_TRUE(sum->p2p_at_equilibrium);
  EXPECT_EQ(sum->p2p_equilibrium_epsilon, SolveP2pEquilibrium(s)->epsilon);
  ASSERT_GT(sum->p2p_truthful_trades, 50);
  EXPECT_NEAR(sum->p2p_truthful_surplus, sum->p2p_first_best, 1e-9 * sum->p2p_first_best);
  EXPECT_LT(sum->p2p_trades, sum->p2p_truthful_trades);
  EXPECT_LT(sum->p2p_surplus, sum->p2p_truthful_surplus);
  EXPECT_GT(sum->p2p_surplus, 0.5 * sum->p2p_first_best);  // shading costs some trades, not most
  EXPECT_EQ(sum->p2p_ir_violations, 0);
  for (const RoundRecord& r : c.rounds) {
    EXPECT_LE(r.p2p_trades, r.p2p_truthful_trades);
    EXPECT_LE(r.p2p_surplus, r.p2p_truthful_surplus + 1e-12);
    EXPECT_EQ(r.p2p_budget, 0);
    EXPECT_EQ(r.p2p_truthful_budget, 0);
  }
}

TEST(ComparisonMarketTest, TheSameSeedGivesTheSameEquilibriumFigures) {
  const Scenario s = ComparisonCity();
  ComparisonRounds a, b, other;
  ASSERT_TRUE(RunSyntheticCity(s, 5, a).ok());
  ASSERT_TRUE(RunSyntheticCity(s, 5, b).ok());
  ASSERT_TRUE(RunSyntheticCity(s, 6, other).ok());
  ASSERT_EQ(a.rounds.size(), b.rounds.size());
  double surplus_a = 0, surplus_other = 0;
  for (size_t i = 0; i < a.rounds.size(); ++i) {
    EXPECT_EQ(a.rounds[i].p2p_trades, b.rounds[i].p2p_trades);
    EXPECT_EQ(a.rounds[i].p2p_surplus, b.rounds[i].p2p_surplus);
    EXPECT_TRUE(a.rounds[i].p2p_price == b.rounds[i].p2p_price ||
                (std::isnan(a.rounds[i].p2p_price) && std::isnan(b.rounds[i].p2p_price)));
    surplus_a += a.rounds[i].p2p_surplus;
  }
  for (const RoundRecord& r : other.rounds) surplus_other += r.p2p_surplus;
  EXPECT_NE(surplus_a, surplus_other);
}

// Under a truthful mechanism nobody shades: no equilibrium is solved and the upper line is the
// clearing itself.
TEST(ComparisonMarketTest, TruthfulMechanismsHaveNoSeparateUpperLine) {
  for (const char* name : {"mcafee", "sbba", "vcg"}) {
    Scenario s = ComparisonCity();
    s.duration_s = 3600;
    s.p2p_mechanism = name;
    const auto market = ComparisonMarket::ForScenario(s);
    ASSERT_TRUE(market.ok()) << market.status().ToString();
    EXPECT_FALSE(market->equilibrium().has_value()) << name;
    ComparisonRounds c;
    const auto sum = RunSyntheticCity(s, 7, c);
    ASSERT_TRUE(sum.ok()) << sum.status().ToString();
    EXPECT_FALSE(sum->p2p_at_equilibrium) << name;
    EXPECT_EQ(sum->p2p_truthful_trades, sum->p2p_trades) << name;
    for (const RoundRecord& r : c.rounds) {
      EXPECT_EQ(r.p2p_truthful_trades, r.p2p_trades) << name;
      EXPECT_EQ(r.p2p_truthful_surplus, r.p2p_surplus) << name;
      EXPECT_EQ(r.p2p_truthful_budget, r.p2p_budget) << name;
    }
  }
}

// A value range of zero width is a valid scenario (every buyer's value known); the solver needs a
// density, so the k-double auction's traders then report their types and the city still runs.
TEST(ComparisonMarketTest, AKnownValueLeavesTheKDoubleAuctionTruthful) {
  Scenario s = ComparisonCity();
  s.duration_s = 3600;
  EXPECT_TRUE(P2pTradersBidAtEquilibrium(s));
  s.p2p_mechanism = "bayesian-pooled";
  EXPECT_FALSE(P2pTradersBidAtEquilibrium(s));
  s.p2p_mechanism = "k-double-auction";
  s.buyer_value_min_per_kwh = s.buyer_value_max_per_kwh = 0.9;
  ASSERT_TRUE(ValidateScenario(s).ok());
  EXPECT_FALSE(P2pTradersBidAtEquilibrium(s));
  ComparisonRounds c;
  const auto sum = RunSyntheticCity(s, 7, c);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_FALSE(sum->p2p_at_equilibrium);
  ASSERT_GT(sum->p2p_trades, 0);
  EXPECT_EQ(sum->p2p_truthful_trades, sum->p2p_trades);
  EXPECT_NEAR(sum->p2p_surplus, sum->p2p_first_best, 1e-9 * sum->p2p_first_best);
}

}  // namespace
}  // namespace v2v::sim
