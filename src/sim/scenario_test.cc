#include "sim/scenario.h"

#include <gtest/gtest.h>

namespace v2v::sim {
namespace {

TEST(ScenarioTest, EmptyFileIsTheDefaultCity) {
  auto s = ParseScenarioToml("", "empty.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->vehicle_count, 2000);
  EXPECT_DOUBLE_EQ(s->city_size_m, 15000);
  EXPECT_DOUBLE_EQ(s->round_interval_s, 60);
  EXPECT_EQ(ScenarioHash(*s), ScenarioHash(Scenario{}));
}

TEST(ScenarioTest, ReadsKeysOfEverySection) {
  auto s = ParseScenarioToml(R"(
[city]
size_m = 3000
[rsu]
layout = "list"
positions_m = [[0, 0], [1000.5, 20]]
[vehicles]
count = 50
[market]
l1 = 0.25
[p2p]
k = 1
[time]
duration_s = 600
[tariff]
periods = [{start_h = 0, price_per_kwh = 0.2}, {start_h = 12, price_per_kwh = 0.9}]
)",
                             "a.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rsu_layout, RsuLayout::kList);
  ASSERT_EQ(s->rsu_positions_m.size(), 2u);
  EXPECT_DOUBLE_EQ(s->rsu_positions_m[1].x, 1000.5);
  EXPECT_EQ(s->vehicle_count, 50);
  EXPECT_DOUBLE_EQ(s->l1, 0.25);
  EXPECT_DOUBLE_EQ(s->p2p_k, 1);
  EXPECT_DOUBLE_EQ(s->GridPrice(11.99 * 3600), 0.2);
  EXPECT_DOUBLE_EQ(s->GridPrice(12 * 3600), 0.9);
  EXPECT_DOUBLE_EQ(s->GridPrice(36.5 * 3600), 0.9);  // wraps at 24 h
  EXPECT_NE(ScenarioHash(*s), ScenarioHash(Scenario{}));
}

TEST(ScenarioTest, CanonicalTextRoundTrips) {
  Scenario a;
  a.vehicle_count = 123;
  a.rsu_layout = RsuLayout::kList;
  a.rsu_positions_m = {{1, 2}, {3.25, 4}};
  a.loss_rate_max = 0.3;
  auto b = ParseScenarioToml(ScenarioToToml(a), "canonical");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(ScenarioToToml(*b), ScenarioToToml(a));
  EXPECT_EQ(ScenarioHash(*b), ScenarioHash(a));
}

// The paper's model prints what it printed before the grid model existed, so every stamp of the
// published figures stays; the grid model's keys, which do not change a paper run, are left out.
TEST(ScenarioTest, ThePaperModelsCanonicalTextIgnoresTheGridKeys) {
  EXPECT_EQ(ScenarioHash(Scenario{}), "780baaa40525de80");
  Scenario paper;
  paper.feed_in_per_kwh = 0.2;
  paper.charger_wait_s = 60;
  EXPECT_EQ(ScenarioHash(paper), ScenarioHash(Scenario{}));
  Scenario grid = paper;
  grid.market_model = MarketModel::kGrid;
  EXPECT_NE(ScenarioHash(grid), ScenarioHash(paper));
  const std::string text = ScenarioToToml(grid);
  EXPECT_NE(text.find("model = \"grid\""), std::string::npos) << text;
  EXPECT_NE(text.find("feed_in_per_kwh = 0.2"), std::string::npos) << text;
  auto back = ParseScenarioToml(text, "grid.toml");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->market_model, MarketModel::kGrid);
  EXPECT_EQ(back->charger_wait_s, 60);
  EXPECT_EQ(ScenarioToToml(*back), text);
}

// The default comparison market prints nothing new (the stamps stay); another mechanism is
// printed, and the posted price only under the posted price.
TEST(ScenarioTest, TheComparisonMechanismIsPrintedOnlyWhenItIsNotTheDefault) {
  Scenario kda;
  kda.p2p_posted_price_per_kwh = 0.9;  // not read by the k-double auction
  EXPECT_EQ(ScenarioHash(kda), ScenarioHash(Scenario{}));
  Scenario posted = kda;
  posted.p2p_mechanism = "posted-price";
  const std::string text = ScenarioToToml(posted);
  EXPECT_NE(text.find("mechanism = \"posted-price\"\nposted_price_per_kwh = 0.9\n"),
            std::string::npos)
      << text;
  auto back = ParseScenarioToml(text, "posted.toml");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->p2p_mechanism, "posted-price");
  EXPECT_EQ(back->p2p_posted_price_per_kwh, 0.9);
  EXPECT_EQ(ScenarioToToml(*back), text);
  Scenario vcg;
  vcg.p2p_mechanism = "vcg";
  EXPECT_NE(ScenarioHash(vcg), ScenarioHash(Scenario{}));
  EXPECT_EQ(ScenarioToToml(vcg).find("posted_price_per_kwh"), std::string::npos);
  // The mechanism reads the bounds of [market]'s ranges, [p2p] k and the posted price.
  Scenario ranges;
  ranges.buyer_value_min_per_kwh = 0.4;
  ranges.buyer_value_max_per_kwh = 1.2;
  ranges.seller_cost_min_per_kwh = 0.1;
  ranges.seller_cost_max_per_kwh = 0.9;
  ranges.p2p_k = 0.25;
  ranges.p2p_posted_price_per_kwh = 0.7;
  const market::MechanismParams p = P2pMechanismParams(ranges);
  EXPECT_EQ(p.v_min, 0.4);
  EXPECT_EQ(p.v_max, 1.2);
  EXPECT_EQ(p.c_min, 0.1);
  EXPECT_EQ(p.c_max, 0.9);
  EXPECT_EQ(p.k, 0.25);
  EXPECT_EQ(p.posted_price.value_or(-1), 0.7);
  // Built in code, an unknown name is refused by the validation every run requires.
  Scenario unknown;
  unknown.p2p_mechanism = "first-price";
  EXPECT_FALSE(ValidateScenario(unknown).ok());
}

struct BadCase {
  const char* toml;
  const char* must_mention;
};

TEST(ScenarioTest, ErrorsNameTheKey) {
  const BadCase cases[] = {
      {"[market]\nl3 = 1\n", "[market] l3: unknown key"},
      {"[p2p]\nk = 1.5\n", "[p2p] k: 1.5 is outside [0, 1]"},
      {"[p2p]\nmechanism = \"dutch\"\n",
       "[p2p] mechanism: \"dutch\" is not one of bayesian, bayesian-pooled, k-double-auction"},
      {"[p2p]\nmechanism = 3\n", "[p2p] mechanism: expected a string"},
      {"[p2p]\nposted_price_per_kwh = -1\n", "[p2p] posted_price_per_kwh: -1 is outside"},
      {"[cars]\ncount = 1\n", "cars: unknown section"},
      {"[vehicles]\ncount = -5\n", "[vehicles] count: -5 is outside"},
      {"[vehicles]\ncount = 2.5\n", "[vehicles] count: expected an integer"},
      {"[market]\nl1 = \"big\"\n", "[market] l1: expected a number"},
      {"[vehicles]\nbuyer_below_soc = 1.5\n", "[vehicles] buyer_below_soc"},
      {"[market]\nloss_rate_min = 0.5\nloss_rate_max = 0.1\n", "loss_rate_min"},
      {"[rsu]\nlayout = \"ring\"\n", "[rsu] layout"},
      {"[rsu]\nlayout = \"list\"\n", "positions_m"},
      {"[tariff]\nperiods = [{start_h = 3, price_per_kwh = 1}]\n", "hour 0"},
      {"[tariff]\nperiods = [{start_h = 0, price = 1}]\n", "periods.price: unknown key"},
      {"[city]\nsize_m = \n", "line 2"},
      {"[market]\nmodel = \"auction\"\n", "[market] model: \"auction\" is not one of paper, grid"},
      {"[tariff]\nfeed_in_per_kwh = -0.1\n", "[tariff] feed_in_per_kwh: -0.1 is outside"},
      {"[tariff]\nperiods = [{start_h = 0, price_per_kwh = 0.3}, {start_h = 8, price_per_kwh = "
       "-0.2}]\n",
       "[tariff] periods[1].price_per_kwh: -0.2 is negative"},
      {"[tariff]\nperiods = [{start_h = 0, price_per_kwh = 0.3}, {start_h = 9, price_per_kwh = "
       "0.5}, {start_h = 7, price_per_kwh = 0.4}]\n",
       "[tariff] periods[2].start_h: 7 does not come after"},
      {"[tariff]\nperiods = [{start_h = 0, price_per_kwh = 0.3}, {start_h = 25, price_per_kwh = "
       "0.5}]\n",
       "[tariff] periods[1].start_h: 25 is outside [0, 24)"},
  };
  for (const BadCase& c : cases) {
    auto s = ParseScenarioToml(c.toml, "bad.toml");
    ASSERT_FALSE(s.ok()) << c.toml;
    EXPECT_NE(s.status().message().find(c.must_mention), std::string::npos)
        << c.toml << " -> " << s.status().message();
    EXPECT_EQ(s.status().message().rfind("bad.toml", 0), 0u) << s.status().message();
  }
}

}  // namespace
}  // namespace v2v::sim
