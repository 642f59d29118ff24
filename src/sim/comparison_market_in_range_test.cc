// The comparison market within the radius (sim/comparison_market.h): the first best over the
// pairs within the radius, and the trades beyond it lapsing as on chain.
#include <gtest/gtest.h>

#include "sim/comparison_market.h"

namespace v2v::sim {
namespace {

class InRangeRounds : public SimObserver {
 public:
  Status OnRound(const RoundRecord& r, const std::vector<TradeRecord>&) override {
    rounds.push_back(r);
    return Status::Ok();
  }
  std::vector<RoundRecord> rounds;
};

Scenario InRangeCity(const char* mechanism) {
  Scenario s;
  s.city_size_m = 4000;
  s.vehicle_count = 300;
  s.duration_s = 3 * 3600;
  s.p2p_mechanism = mechanism;
  s.p2p_mechanism_named = true;
  return s;
}

// Two buyers (1.0 and 0.9) and two sellers (0.0 and 0.5) on a line, the radius 1,000 m.
ComparisonRound TwoPairs(double seller0_x, double seller1_x) {
  ComparisonRound r;
  r.values = {1.0, 0.9};
  r.costs = {0.0, 0.5};
  r.buyers_at = {{0, 0}, {5000, 0}};
  r.sellers_at = {{seller0_x, 0}, {seller1_x, 0}};
  return r;
}

RoundRecord ClearWith(const char* mechanism, const ComparisonRound& round) {
  Scenario s;
  s.p2p_mechanism = mechanism;
  s.p2p_mechanism_named = true;
  auto market = ComparisonMarket::ForScenario(s);
  EXPECT_TRUE(market.ok()) << market.status().ToString();
  EXPECT_TRUE(market->measures_in_range());
  Rng lottery(1);
  RoundRecord rec;
  market->ClearRound(round, lottery, rec);
  return rec;
}

// VCG trades the ranked pairs: buyer 0 (1.0) with seller 0 (0.0) and buyer 1 (0.9) with seller 1
// (0.5), the pooled first best 1.4. With seller 0 beside buyer 1 and seller 1 beside buyer 0, both
// ranked pairs are 5 km apart and lapse, while the crossed pairs within the radius reach the same
// 1.4. With both sellers beside buyer 0, buyer 1 reaches nobody: the first best within the radius
// is buyer 0 with seller 0, 1.0, and the pair of buyer 1 with seller 1 lapses. VCG's buyers pay
// a_q = 0.5 and its sellers receive b_q = 0.9, so each trade that stands costs 0.4.
TEST(ComparisonMarketInRangeTest, TradesBeyondTheRadiusLapseAndTheFirstBestKeepsToIt) {
  const RoundRecord crossed = ClearWith("vcg", TwoPairs(5000, 100));
  EXPECT_EQ(crossed.p2p_trades, 2);
  EXPECT_NEAR(crossed.p2p_first_best, 1.4, 1e-12);
  EXPECT_NEAR(crossed.p2p_first_best_in_range, 1.4, 1e-12);
  EXPECT_EQ(crossed.p2p_in_range_trades, 0);
  EXPECT_EQ(crossed.p2p_in_range_surplus, 0);
  EXPECT_EQ(crossed.p2p_in_range_budget, 0);

  const RoundRecord near_one = ClearWith("vcg", TwoPairs(100, 200));
  EXPECT_NEAR(near_one.p2p_first_best, 1.4, 1e-12);
  EXPECT_NEAR(near_one.p2p_first_best_in_range, 1.0, 1e-12);
  EXPECT_EQ(near_one.p2p_in_range_trades, 1);
  EXPECT_NEAR(near_one.p2p_in_range_surplus, 1.0, 1e-12);
  EXPECT_NEAR(near_one.p2p_budget, -0.8, 1e-12);
  EXPECT_NEAR(near_one.p2p_in_range_budget, -0.4, 1e-12);
  EXPECT_EQ(near_one.p2p_in_range_ir_violations, 0);

  // Everybody within the radius of everybody: nothing lapses.
  ComparisonRound close = TwoPairs(100, 200);
  close.buyers_at[1] = {300, 0};
  const RoundRecord all = ClearWith("vcg", close);
  EXPECT_EQ(all.p2p_in_range_trades, all.p2p_trades);
  EXPECT_EQ(all.p2p_in_range_surplus, all.p2p_surplus);
  EXPECT_EQ(all.p2p_first_best_in_range, all.p2p_first_best);
}

// A city that does not name its mechanism measures nothing within the radius; naming it (the
// default's own name) leaves every pooled figure as it was, round by round.
TEST(ComparisonMarketInRangeTest, OnlyANamedMechanismIsMeasuredWithinTheRadius) {
  Scenario unnamed = InRangeCity("k-double-auction");
  unnamed.p2p_mechanism_named = false;
  EXPECT_FALSE(P2pMeasuresInRange(unnamed));
  const Scenario named = InRangeCity("k-double-auction");
  EXPECT_TRUE(P2pMeasuresInRange(named));
  InRangeRounds a, b;
  const auto sum_a = RunSyntheticCity(unnamed, 4, a);
  const auto sum_b = RunSyntheticCity(named, 4, b);
  ASSERT_TRUE(sum_a.ok() && sum_b.ok());
  EXPECT_FALSE(sum_a->p2p_in_range);
  EXPECT_TRUE(sum_b->p2p_in_range);
  EXPECT_EQ(sum_a->p2p_first_best_in_range, 0);
  EXPECT_GT(sum_b->p2p_first_best_in_range, 0);
  ASSERT_EQ(a.rounds.size(), b.rounds.size());
  for (size_t i = 0; i < a.rounds.size(); ++i) {
    EXPECT_EQ(a.rounds[i].p2p_trades, b.rounds[i].p2p_trades);
    EXPECT_EQ(a.rounds[i].p2p_surplus, b.rounds[i].p2p_surplus);
    EXPECT_EQ(a.rounds[i].p2p_truthful_surplus, b.rounds[i].p2p_truthful_surplus);
    EXPECT_EQ(a.rounds[i].p2p_in_range_trades, 0);
  }
}

// Round by round in a seeded city: the trades that stand are some of the pooled ones, so no more
// and no more surplus (every trade's v >= c); the in-range first best is at most the pooled one
// and at least what stands (efficiency <= 1). The radius binds: over the run some matches lapse
// and the first best within the radius is below the pooled one. With a radius wider than the
// city nothing lapses and the two first bests agree.
TEST(ComparisonMarketInRangeTest, WithinTheRadiusNothingBeatsItsFirstBest) {
  for (const char* mechanism : {"k-double-auction", "vcg", "mcafee", "bayesian-pooled"}) {
    Scenario s = InRangeCity(mechanism);
    InRangeRounds c;
    const auto sum = RunSyntheticCity(s, 7, c);
    ASSERT_TRUE(sum.ok()) << sum.status().ToString();
    for (const RoundRecord& r : c.rounds) {
      EXPECT_LE(r.p2p_in_range_trades, r.p2p_trades) << mechanism;
      EXPECT_LE(r.p2p_in_range_surplus, r.p2p_surplus + 1e-12) << mechanism;
      EXPECT_LE(r.p2p_in_range_surplus, r.p2p_first_best_in_range + 1e-12) << mechanism;
      EXPECT_LE(r.p2p_first_best_in_range, r.p2p_first_best + 1e-12) << mechanism;
      EXPECT_LE(r.p2p_in_range_ir_violations, r.p2p_ir_violations) << mechanism;
    }
    ASSERT_GT(sum->p2p_trades, 50) << mechanism;
    EXPECT_LT(sum->p2p_in_range_trades, sum->p2p_trades) << mechanism;
    EXPECT_GT(sum->p2p_in_range_trades, 0) << mechanism;
    EXPECT_LT(sum->p2p_first_best_in_range, sum->p2p_first_best) << mechanism;

    s.radius_m = 1e5;
    InRangeRounds wide;
    const auto all = RunSyntheticCity(s, 7, wide);
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_EQ(all->p2p_in_range_trades, all->p2p_trades) << mechanism;
    EXPECT_NEAR(all->p2p_in_range_surplus, all->p2p_surplus, 1e-9) << mechanism;
    EXPECT_NEAR(all->p2p_first_best_in_range, all->p2p_first_best, 1e-9) << mechanism;
  }
}

}  // namespace
}  // namespace v2v::sim
