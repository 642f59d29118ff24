#include "sim/sweep.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "sim/rng.h"
#include "sim/simulation.h"
#include "sim/sweep_run.h"

namespace v2v::sim {
namespace {

// A city small enough to run in milliseconds.
constexpr const char* kSweepTinyCity = R"(
[scenario.city]
size_m = 3000
[scenario.vehicles]
count = 40
[scenario.time]
duration_s = 3600
)";

std::string SweepErrorOf(const std::string& text) {
  auto g = ParseSweepGrid(text, "g.toml", "");
  EXPECT_FALSE(g.ok()) << text;
  return g.ok() ? "" : g.status().message();
}

TEST(SweepGridTest, CellsAreTheProductInFileOrderLastAxisFastest) {
  auto g = ParseSweepGrid(std::string(kSweepTinyCity) + R"(
[axes]
vehicles.count = [20, 40]
"market.radius_m" = [500, 1000.5, 1500]
)",
                          "g.toml", "");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->axes.size(), 2u);
  EXPECT_EQ(g->axes[0].key, "vehicles.count");  // file order, not alphabetical
  EXPECT_EQ(g->axes[1].key, "market.radius_m");
  EXPECT_EQ(g->axes[1].labels, (std::vector<std::string>{"500", "1000.5", "1500"}));
  EXPECT_TRUE(g->axes[0].numeric);
  ASSERT_EQ(g->cells.size(), 6u);
  EXPECT_EQ(g->cells[1].labels, (std::vector<std::string>{"20", "1000.5"}));
  EXPECT_EQ(g->cells[3].labels, (std::vector<std::string>{"40", "500"}));
  EXPECT_EQ(g->cells[3].scenario.vehicle_count, 40);
  EXPECT_DOUBLE_EQ(g->cells[3].scenario.radius_m, 500);
  EXPECT_DOUBLE_EQ(g->cells[3].scenario.city_size_m, 3000);  // from [scenario]
  EXPECT_EQ(g->cells[5].index, 5);
  EXPECT_EQ(g->hash.size(), 16u);
}

TEST(SweepGridTest, SectionTablesUnderAxesAndNonNumericValues) {
  auto g = ParseSweepGrid(R"(
[axes.rsu]
layout = ["grid", "junctions"]
[axes.tariff]
periods = [[{start_h = 0, price_per_kwh = 0.2}], [{start_h = 0, price_per_kwh = 0.4}]]
)",
                          "g.toml", "");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->axes.size(), 2u);
  EXPECT_EQ(g->axes[0].labels, (std::vector<std::string>{"grid", "junctions"}));
  EXPECT_FALSE(g->axes[0].numeric);
  EXPECT_EQ(g->axes[1].labels, (std::vector<std::string>{"#0", "#1"}));
  EXPECT_EQ(g->cells[3].scenario.rsu_layout, RsuLayout::kJunctions);
  EXPECT_DOUBLE_EQ(g->cells[3].scenario.tariff.at(0).price_per_kwh, 0.4);
}

TEST(SweepGridTest, NoAxesIsOneCellOfTheBaseAndTheBaseFileIsRelative) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("v2v_sweep_grid_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "city.toml") << "[vehicles]\ncount = 77\n[market]\nl1 = 0.25\n";
  std::ofstream(dir / "grid.toml") << "base = \"city.toml\"\n[scenario.market]\nl1 = 0.75\n";
  auto g = LoadSweepGrid((dir / "grid.toml").string());
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->cells.size(), 1u);
  EXPECT_EQ(g->cells[0].scenario.vehicle_count, 77);
  EXPECT_DOUBLE_EQ(g->cells[0].scenario.l1, 0.75);  // [scenario] on top of the base
  EXPECT_TRUE(g->cells[0].labels.empty());
  std::ofstream(dir / "bad.toml") << "base = \"missing.toml\"\n";
  auto bad = LoadSweepGrid((dir / "bad.toml").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("missing.toml"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(SweepGridTest, BadGridsNameTheKeyAndTheLine) {
  EXPECT_NE(SweepErrorOf("[axes]\nmarket.foo = [1]\n").find("[market] foo: unknown key (line 2)"),
            std::string::npos);
  EXPECT_NE(
      SweepErrorOf("[axes]\nmarket.l1 = [0.5, \"x\"]\n").find("[market] l1: expected a number"),
      std::string::npos);
  EXPECT_NE(SweepErrorOf("[axes]\nmarket.l1 = []\n").find("[axes] market.l1: empty list"),
            std::string::npos);
  EXPECT_NE(SweepErrorOf("[axes]\nmarket.l1 = 0.5\n").find("expected a list"), std::string::npos);
  EXPECT_NE(SweepErrorOf("[axes]\nl1 = [0.5]\n").find("expected section.key"), std::string::npos);
  EXPECT_NE(SweepErrorOf("\n[axes]\nmarket.l1 = [0.5, 0]\n").find("[market] l1: 0 is outside"),
            std::string::npos);
  EXPECT_NE(SweepErrorOf("[axes]\nmarket.l1 = [1, 1.0]\n").find("give the same scenario"),
            std::string::npos);
  EXPECT_NE(SweepErrorOf("seeds = 3\n").find("seeds: unknown key"), std::string::npos);
  EXPECT_NE(SweepErrorOf("[scenario.market]\nfoo = 1\n").find("[market] foo"), std::string::npos);
  EXPECT_NE(SweepErrorOf("[axes]\nmarket.l1 = [0.5]\n\"market.l1\" = [1]\n").find("given twice"),
            std::string::npos);
  EXPECT_NE(SweepErrorOf("[axes\n").find("g.toml: line 1"), std::string::npos);
  // Each value fits the base; one combination does not: the cell and its values are named.
  const std::string combo =
      SweepErrorOf("[axes]\nvehicles.speed_min_mps = [5, 12]\nvehicles.speed_max_mps = [10, 14]\n");
  EXPECT_NE(combo.find("cell 2 (vehicles.speed_min_mps = 12, vehicles.speed_max_mps = 10)"),
            std::string::npos)
      << combo;
  EXPECT_NE(combo.find("speed_min_mps (12) must not exceed"), std::string::npos) << combo;
}

TEST(SweepGridTest, HashFollowsTheCellsScenarios) {
  const std::string a = std::string(kSweepTinyCity) + "[axes]\nmarket.l1 = [0.5, 1]\n";
  const std::string b = std::string(kSweepTinyCity) + "[axes]\nmarket.l1 = [0.5, 2]\n";
  const std::string c = "[axes]\nmarket.l1 = [0.5, 1]\n";  // another base
  const std::string ha = ParseSweepGrid(a, "a", "")->hash;
  EXPECT_EQ(ParseSweepGrid("# comment\n" + a, "other name", "")->hash, ha);
  EXPECT_NE(ParseSweepGrid(b, "b", "")->hash, ha);
  EXPECT_NE(ParseSweepGrid(c, "c", "")->hash, ha);
}

TEST(SweepGridTest, ShardsAndSeeds) {
  EXPECT_EQ(ShardCells(7, 1, 3), (std::vector<int>{1, 4}));
  EXPECT_EQ(ShardCells(2, 2, 3), (std::vector<int>{}));
  auto s = ParseShard("2/5");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 5);
  for (const char* bad : {"5/5", "-1/2", "1", "1/0", "a/2", "1/2x", "/2"})
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  EXPECT_NE(SweepRunSeed(1, 0), SweepRunSeed(1, 1));
  EXPECT_NE(SweepRunSeed(1, 0), SweepRunSeed(2, 0));
  EXPECT_EQ(SweepRunSeed(3, 4), DeriveSeed(3, 4));
}

TEST(SweepRunTest, RowsDoNotDependOnThreadsOrOnTheOtherCells) {
  auto g = ParseSweepGrid(std::string(kSweepTinyCity) + "[axes]\nvehicles.count = [30, 60]\n",
                          "g.toml", "");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  int calls = 0;
  auto all1 =
      RunSweepTasks(*g, SweepTasks({0, 1}, 3), 7, 1, [&](const SweepTask&, int done, int total) {
        ++calls;
        EXPECT_EQ(done, calls);
        EXPECT_EQ(total, 6);
      });
  auto all2 = RunSweepTasks(*g, SweepTasks({0, 1}, 3), 7, 2, nullptr);
  auto alone = RunSweepTasks(*g, SweepTasks({1}, 3), 7, 2, nullptr);
  ASSERT_TRUE(all1.ok() && all2.ok() && alone.ok());
  EXPECT_EQ(calls, 6);
  ASSERT_EQ(all1->size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ((*all1)[i].cell, static_cast<int>(i / 3));
    EXPECT_EQ((*all1)[i].seed, static_cast<int>(i % 3));
    EXPECT_EQ(SweepRunsCsv({"h", 2, 3, 7, {"vehicles.count"}, {(*all1)[i]}}),
              SweepRunsCsv({"h", 2, 3, 7, {"vehicles.count"}, {(*all2)[i]}}));
  }
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(SweepRunsCsv({"h", 2, 3, 7, {"vehicles.count"}, {(*alone)[i]}}),
              SweepRunsCsv({"h", 2, 3, 7, {"vehicles.count"}, {(*all1)[3 + i]}}));
  }
  EXPECT_NE((*all1)[0].metrics, (*all1)[1].metrics);    // seeds differ
  EXPECT_EQ((*all1)[0].sim_seed, (*all1)[3].sim_seed);  // common random numbers across cells
  EXPECT_GT((*all1)[3].metrics[1], 0);                  // trades happen in the tiny city
  const double served = (*all1)[3].metrics[5];
  EXPECT_GT(served, 0);
  EXPECT_LE(served, 1);
}

TEST(SweepRunTest, RunSweepCellAgreesWithTheSimulation) {
  Scenario s;
  s.city_size_m = 3000;
  s.vehicle_count = 60;
  s.duration_s = 3600;
  auto m = RunSweepCell(s, 5);
  ASSERT_TRUE(m.ok());
  struct Null : SimObserver {
    Status OnRound(const RoundRecord&, const std::vector<TradeRecord>&) override {
      return Status::Ok();
    }
  } null;
  auto sum = RunSyntheticCity(s, 5, null);
  ASSERT_TRUE(sum.ok());
  ASSERT_EQ(m->size(), kSweepMetrics.size());
  EXPECT_EQ((*m)[0], static_cast<double>(sum->rounds));
  EXPECT_EQ((*m)[1], static_cast<double>(sum->trades));
  EXPECT_EQ((*m)[2], sum->energy_kwh);
  EXPECT_DOUBLE_EQ((*m)[3], sum->payments / sum->energy_kwh);
  EXPECT_EQ((*m)[4], sum->welfare);
  EXPECT_EQ((*m)[6], sum->grid_kwh);
  EXPECT_EQ((*m)[7], static_cast<double>(sum->p2p_trades));
  EXPECT_GT(sum->p2p_trades, 0);
  EXPECT_EQ((*m)[8], sum->p2p_surplus);
  EXPECT_EQ((*m)[9], sum->p2p_budget);
  EXPECT_EQ((*m)[10], sum->p2p_surplus / sum->p2p_first_best);
  // The default k-double auction: its traders bid at equilibrium and lose some of the first best,
  // which its truthful upper line trades.
  EXPECT_LT((*m)[10], 1);
  EXPECT_EQ((*m)[11], static_cast<double>(sum->p2p_truthful_trades));
  EXPECT_EQ((*m)[12], sum->p2p_truthful_surplus);
  EXPECT_EQ((*m)[13], sum->p2p_truthful_surplus / sum->p2p_first_best);
  EXPECT_NEAR((*m)[13], 1, 1e-12);
  // The city names no comparison mechanism: nothing is measured within the radius.
  for (size_t k = 14; k < kSweepMetrics.size(); ++k) EXPECT_TRUE(std::isnan((*m)[k])) << k;
  s.p2p_mechanism_named = true;
  auto named = RunSweepCell(s, 5);
  ASSERT_TRUE(named.ok());
  auto in_range = RunSyntheticCity(s, 5, null);
  ASSERT_TRUE(in_range.ok());
  ASSERT_TRUE(in_range->p2p_in_range);
  EXPECT_EQ((*named)[14], in_range->p2p_first_best_in_range);
  EXPECT_EQ((*named)[15], static_cast<double>(in_range->p2p_in_range_trades));
  EXPECT_EQ((*named)[16], in_range->p2p_in_range_surplus);
  EXPECT_EQ((*named)[17], in_range->p2p_in_range_budget);
  EXPECT_EQ((*named)[18], in_range->p2p_in_range_surplus / in_range->p2p_first_best_in_range);
  EXPECT_LE((*named)[18], 1);
  for (size_t k = 0; k < 14; ++k) EXPECT_EQ((*named)[k], (*m)[k]) << k;  // pooled ones unchanged
}

}  // namespace
}  // namespace v2v::sim
