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

// The default comparison market prints nothing new (the stamps stay); another mechanism, or one
// named in the file, is printed, and the posted price only under the posted price.
TEST(ScenarioTest, TheComparisonMechanismIsPrintedOnlyWhenNamed) {
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
  // Naming the default mechanism is naming it: printed, so the stamp differs from a city that
  // names none (its files have the in-range columns; sim/comparison_market.h).
  auto named = ParseScenarioToml("[p2p]\nmechanism = \"k-double-auction\"\n", "kda.toml");
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_TRUE(named->p2p_mechanism_named);
  EXPECT_TRUE(NamesP2pMechanism(*named));
  EXPECT_FALSE(NamesP2pMechanism(Scenario{}));
  EXPECT_TRUE(NamesP2pMechanism(vcg));  // set in code: named too
  EXPECT_NE(ScenarioHash(*named), ScenarioHash(Scenario{}));
  auto named_back = ParseScenarioToml(ScenarioToToml(*named), "kda.toml");
  ASSERT_TRUE(named_back.ok()) << named_back.status().ToString();
  EXPECT_TRUE(named_back->p2p_mechanism_named);
  EXPECT_EQ(ScenarioToToml(*named_back), ScenarioToToml(*named));
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

// [[tariff.area]]: RSU areas with their own tariff; a key an area leaves out is [tariff]'s.
TEST(ScenarioTest, ReadsTariffAreasAndTheirCanonicalTextRoundTrips) {
  auto s = ParseScenarioToml(R"(
[tariff]
periods = [{start_h = 0, price_per_kwh = 1.0}]
feed_in_per_kwh = 0.1
network_fee_per_kwh = 0.02

[[tariff.area]]
rsus = [2, 0, 1]
periods = [{start_h = 0, price_per_kwh = 0.3}, {start_h = 17, price_per_kwh = 0.5}]
feed_in_per_kwh = 0.25

[[tariff.area]]
rsus = [8]
network_fee_per_kwh = 0
)",
                             "areas.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->tariff_areas.size(), 2u);
  EXPECT_EQ(s->TariffAreaOf(0), 0);
  EXPECT_EQ(s->TariffAreaOf(2), 0);
  EXPECT_EQ(s->TariffAreaOf(8), 1);
  EXPECT_EQ(s->TariffAreaOf(4), -1);
  EXPECT_DOUBLE_EQ(s->GridPriceAt(1, 10 * 3600), 0.3);
  EXPECT_DOUBLE_EQ(s->GridPriceAt(1, 18 * 3600), 0.5);
  EXPECT_DOUBLE_EQ(s->GridPriceAt(8, 18 * 3600), 1.0);  // its area sets no periods
  EXPECT_DOUBLE_EQ(s->GridPriceAt(4, 10 * 3600), 1.0);  // in no area
  EXPECT_DOUBLE_EQ(s->FeedInAt(0), 0.25);
  EXPECT_DOUBLE_EQ(s->FeedInAt(8), 0.1);
  EXPECT_DOUBLE_EQ(s->NetworkFeeAt(0), 0.02);
  EXPECT_DOUBLE_EQ(s->NetworkFeeAt(8), 0);
  EXPECT_DOUBLE_EQ(s->NetworkFeeAt(4), 0.02);
  // The canonical text prints the areas (RSUs sorted, only the keys they set) under either
  // model, and reads back to the same scenario.
  for (MarketModel model : {MarketModel::kPaper, MarketModel::kGrid}) {
    Scenario a = *s;
    a.market_model = model;
    const std::string text = ScenarioToToml(a);
    EXPECT_NE(text.find("\n[[tariff.area]]\nrsus = [0, 1, 2]\nperiods = [\n"
                        "  {start_h = 0, price_per_kwh = 0.3},\n"
                        "  {start_h = 17, price_per_kwh = 0.5},\n]\nfeed_in_per_kwh = 0.25\n"
                        "\n[[tariff.area]]\nrsus = [8]\nnetwork_fee_per_kwh = 0\n"),
              std::string::npos)
        << text;
    auto back = ParseScenarioToml(text, "canonical");
    ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << text;
    ASSERT_EQ(back->tariff_areas.size(), 2u);
    EXPECT_EQ(back->tariff_areas[0].rsus, (std::vector<int>{0, 1, 2}));
    EXPECT_FALSE(back->tariff_areas[0].network_fee_per_kwh.has_value());
    EXPECT_FALSE(back->tariff_areas[1].periods.has_value());
    EXPECT_EQ(ScenarioToToml(*back), text);
    Scenario none = a;
    none.tariff_areas.clear();
    EXPECT_NE(ScenarioHash(a), ScenarioHash(none));
    EXPECT_EQ(ScenarioToToml(none).find("tariff.area"), std::string::npos);
  }
  // The inline form reads the same.
  auto inline_form =
      ParseScenarioToml("[tariff]\narea = [{rsus = [3], feed_in_per_kwh = 0.2}]\n", "inline.toml");
  ASSERT_TRUE(inline_form.ok()) << inline_form.status().ToString();
  ASSERT_EQ(inline_form->tariff_areas.size(), 1u);
  EXPECT_DOUBLE_EQ(inline_form->FeedInAt(3), 0.2);
}

// A city without areas keeps the canonical text and stamp it had before areas existed, under
// both models (the paper model's is pinned above; this is the grid model's).
TEST(ScenarioTest, ACityWithoutAreasKeepsItsStamp) {
  Scenario grid;
  grid.market_model = MarketModel::kGrid;
  grid.duration_s = 0;
  EXPECT_EQ(ScenarioHash(grid), "8a2bc86fe2f7eb53");
  Scenario paper;
  paper.duration_s = 0;
  EXPECT_EQ(ScenarioHash(paper), "4be082183b2ff5b2");
}

// examples/grid_areas.toml is examples/grid_city.toml with two areas.
TEST(ScenarioTest, TheGridAreasExampleIsTheGridCityWithTwoAreas) {
  const std::string examples = std::string(V2V_TEST_DATA) + "/../../examples/";
  auto areas = LoadScenarioFile(examples + "grid_areas.toml");
  ASSERT_TRUE(areas.ok()) << areas.status().ToString();
  auto city = LoadScenarioFile(examples + "grid_city.toml");
  ASSERT_TRUE(city.ok()) << city.status().ToString();
  ASSERT_EQ(areas->tariff_areas.size(), 2u);
  EXPECT_EQ(areas->tariff_areas[0].rsus.size(), 9u);
  EXPECT_EQ(areas->tariff_areas[1].rsus.size(), 22u);
  EXPECT_EQ(areas->TariffAreaOf(60), 0);   // the centre, (7500, 7500) m
  EXPECT_EQ(areas->TariffAreaOf(111), 1);  // (1500, 15000) m
  Scenario without = *areas;
  without.tariff_areas.clear();
  EXPECT_EQ(ScenarioToToml(without), ScenarioToToml(*city));
}

// Every [[tariff.area]] error names the key and its line.
TEST(ScenarioTest, TariffAreaErrorsNameTheKeyAndTheLine) {
  // Three RSUs, 0 to 2; the first [[tariff.area]] opens line 4.
  const std::string city =
      "[rsu]\nlayout = \"list\"\npositions_m = [[0, 0], [1000, 0], [2000, 0]]\n";
  const struct {
    std::string toml;
    const char* must_mention;
    const char* line;
  } cases[] = {
      {"[[tariff.area]]\nrsus = [0, 1]\nfeed_in_per_kwh = 0.2\n[[tariff.area]]\nrsus = [2, 1]\n"
       "feed_in_per_kwh = 0.3\n",
       "[tariff] area[1].rsus: RSU 1 is already in area[0]; an RSU has one area", "(line 8)"},
      {"[[tariff.area]]\nrsus = [2, 2]\nfeed_in_per_kwh = 0.2\n",
       "[tariff] area[0].rsus: RSU 2 is named twice", "(line 5)"},
      {"[[tariff.area]]\nrsus = [0]\nfeed_in_per_kwh = 0.2\n[[tariff.area]]\nfeed_in_per_kwh = "
       "0.3\nrsus = [1,\n 3]\n",
       "[tariff] area[1].rsus: RSU 3 is not one of the city's 3 RSUs (0 to 2)", "(line 10)"},
      {"[[tariff.area]]\nrsus = [-1]\nfeed_in_per_kwh = 0.2\n",
       "[tariff] area[0].rsus: each RSU is an index", "(line 5)"},
      {"[[tariff.area]]\nrsus = [1.5]\nfeed_in_per_kwh = 0.2\n",
       "[tariff] area[0].rsus: each RSU is an index", "(line 5)"},
      {"[[tariff.area]]\nrsus = [0]\nperiods = [{start_h = 6, price_per_kwh = 0.2}]\n",
       "[tariff] area[0].periods: the first period must start at hour 0", "(line 6)"},
      {"[[tariff.area]]\nrsus = [0]\nperiods = [\n {start_h = 0, price_per_kwh = 0.2},\n "
       "{start_h = 9, price_per_kwh = 0.3},\n {start_h = 7, price_per_kwh = 0.4}]\n",
       "[tariff] area[0].periods[2].start_h: 7 does not come after the previous period's start (9)",
       "(line 9)"},
      {"[[tariff.area]]\nrsus = [0]\nperiods = [{start_h = 0, price_per_kwh = 0.2}, {start_h = "
       "9, price_per_kwh = -0.2}]\n",
       "[tariff] area[0].periods[1].price_per_kwh: -0.2 is negative", "(line 6)"},
      {"[[tariff.area]]\nrsus = [0]\nperiods = [{start_h = 0, price = 0.2}]\n",
       "[tariff] area[0].periods.price: unknown key", "(line 6)"},
      {"[[tariff.area]]\nrsus = [0]\nfeed_in_per_kwh = -0.1\n",
       "[tariff] area[0].feed_in_per_kwh: -0.1 is outside", "(line 6)"},
      {"[[tariff.area]]\nrsus = [0]\nnetwork_fee_per_kwh = \"free\"\n",
       "[tariff] area[0].network_fee_per_kwh: expected a number", "(line 6)"},
      {"[[tariff.area]]\nrsus = [0]\nimport = 0.2\n",
       "[tariff] area[0].import: unknown key (an area has rsus, periods, feed_in_per_kwh and "
       "network_fee_per_kwh)",
       "(line 6)"},
      {"[[tariff.area]]\nfeed_in_per_kwh = 0.2\n", "[tariff] area[0]: names no RSU", "(line 4)"},
      {"[[tariff.area]]\nrsus = []\nfeed_in_per_kwh = 0.2\n",
       "[tariff] area[0].rsus: expected a non-empty array of RSU indices", "(line 5)"},
      {"[[tariff.area]]\nrsus = [0]\n",
       "[tariff] area[0]: sets none of periods, feed_in_per_kwh and network_fee_per_kwh",
       "(line 4)"},
      {"[tariff]\narea = 3\n", "[tariff] area: expected [[tariff.area]] tables", "(line 5)"},
      {"[tariff]\narea = [1]\n", "[tariff] area[0]: each area is a table", "(line 5)"},
      // [tariff]'s own schedule now names its line too.
      {"[tariff]\nperiods = [{start_h = 0, price_per_kwh = 0.3}, {start_h = 8, price_per_kwh = "
       "-0.2}]\n",
       "[tariff] periods[1].price_per_kwh: -0.2 is negative", "(line 5)"},
  };
  for (const auto& c : cases) {
    const std::string toml = city + c.toml;
    auto s = ParseScenarioToml(toml, "bad.toml");
    ASSERT_FALSE(s.ok()) << toml;
    const std::string& msg = s.status().message();
    EXPECT_EQ(msg.rfind(std::string("bad.toml: ") + c.must_mention, 0), 0u)
        << toml << " -> " << msg;
    EXPECT_NE(msg.find(c.line), std::string::npos) << toml << " -> " << msg;
  }
  // Built in code, the same rules hold (without lines); the RSUs are the city's as it is laid
  // out when validated.
  Scenario s;  // 121 RSUs
  TariffArea a;
  a.rsus = {120};
  a.feed_in_per_kwh = 0.2;
  s.tariff_areas = {a};
  EXPECT_TRUE(ValidateScenario(s).ok());
  s.rsu_spacing_m = 3000;  // 36 RSUs
  EXPECT_EQ(ValidateScenario(s).message(),
            "[tariff] area[0].rsus: RSU 120 is not one of the city's 36 RSUs (0 to 35)");
  s.rsu_spacing_m = 1500;
  TariffArea b;
  b.rsus = {7, 120};
  b.periods = std::vector<TouPeriod>{{0, 0.1}};
  s.tariff_areas.push_back(b);
  EXPECT_EQ(ValidateScenario(s).message(),
            "[tariff] area[1].rsus: RSU 120 is already in area[0]; an RSU has one area");
  s.tariff_areas[1].rsus = {7};
  s.tariff_areas[1].periods = std::vector<TouPeriod>{{0, 0.1}, {0, 0.2}};
  EXPECT_NE(ValidateScenario(s).message().find("[tariff] area[1].periods[1].start_h: 0 does not "
                                               "come after"),
            std::string::npos);
  s.tariff_areas[1].periods.reset();
  EXPECT_EQ(ValidateScenario(s).message(),
            "[tariff] area[1]: sets none of periods, feed_in_per_kwh and network_fee_per_kwh");
  s.tariff_areas[1].network_fee_per_kwh = -1;
  EXPECT_NE(ValidateScenario(s).message().find("[tariff] area[1].network_fee_per_kwh: -1 is "
                                               "outside"),
            std::string::npos);
}

}  // namespace
}  // namespace v2v::sim
