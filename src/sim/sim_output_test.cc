#include "sim/sim_output.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/file_util.h"

namespace v2v::sim {
namespace {

std::string Slurp(const std::string& path) {
  auto text = ReadFile(path);
  return text.ok() ? std::move(text).value() : std::string();
}

TEST(SimOutputTest, WritesOneRowPerTradeAndPerRound) {
  const std::string dir = ::testing::TempDir() + "/sim_output_test";
  auto w = CsvSimWriter::Open(dir, "seed=7 scenario=abc");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  RoundRecord r;
  r.time_s = 60;
  r.rsu = 3;
  r.buyers = 1;
  r.sellers = 2;
  r.trades = 2;
  r.energy_kwh = 1.5;
  r.mean_price = 0.625;
  r.p2p_trades = 1;
  r.p2p_price = 0.75;
  r.p2p_surplus = 0.25;
  r.p2p_budget = -0.125;
  r.p2p_first_best = 0.375;
  TradeRecord a{60, 3, "EV1", "EV2", 0.8, 0.5, 0.65, 1.0, 120.5};
  TradeRecord b{60, 3, "EV1", "EV3", 0.7, 0.5, 0.6, 0.5, 99};
  ASSERT_TRUE((*w)->OnRound(r, {a, b}).ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(Slurp(dir + "/trades.csv"),
            "# seed=7 scenario=abc\n"
            "time_s,rsu,buyer,seller,p_per_kwh,r_per_kwh,t_per_kwh,kwh,distance_m\n"
            "60,3,EV1,EV2,0.8,0.5,0.65,1,120.5\n"
            "60,3,EV1,EV3,0.7,0.5,0.6,0.5,99\n");
  const std::string rounds = Slurp(dir + "/rounds.csv");
  EXPECT_NE(
      rounds.find("p2p_price_per_kwh,grid_price_per_kwh,p2p_trades,p2p_surplus,p2p_budget,"
                  "p2p_first_best\n60,3,1,2,0,0,0,2,0,1.5,0,0.625,0.75,0,1,0.25,-0.125,0.375\n"),
      std::string::npos)
      << rounds;
}

TEST(SimOutputTest, SummaryJsonHasTheRequiredFields) {
  SimSummary s;
  s.vehicles = 2000;
  s.rounds = 10;
  s.trades = 4;
  s.energy_kwh = 12.5;
  s.payments = 8;
  s.welfare = 3.25;
  s.p2p_mechanism = "vcg";
  s.p2p_trades = 3;
  s.p2p_surplus = 0.5;
  s.p2p_budget = -0.25;
  s.p2p_first_best = 0.75;
  s.p2p_ir_violations = 2;
  const auto j = nlohmann::json::parse(SummaryJson(s, 42, "00ff", "synthetic-grid", 1.5));
  EXPECT_EQ(j["vehicles"], 2000);
  EXPECT_EQ(j["rounds"], 10);
  EXPECT_EQ(j["trades"], 4);
  EXPECT_DOUBLE_EQ(j["energy_kwh"].get<double>(), 12.5);
  EXPECT_DOUBLE_EQ(j["welfare"].get<double>(), 3.25);
  EXPECT_DOUBLE_EQ(j["mean_price_per_kwh"].get<double>(), 0.64);
  EXPECT_EQ(j["seed"], 42);
  EXPECT_EQ(j["scenario_hash"], "00ff");
  EXPECT_DOUBLE_EQ(j["wall_s"].get<double>(), 1.5);
  EXPECT_EQ(j["p2p_mechanism"], "vcg");
  EXPECT_EQ(j["p2p_trades"], 3);
  EXPECT_DOUBLE_EQ(j["p2p_surplus"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["p2p_budget"].get<double>(), -0.25);
  EXPECT_DOUBLE_EQ(j["p2p_first_best"].get<double>(), 0.75);
  EXPECT_EQ(j["p2p_ir_violations"], 2);
  EXPECT_FALSE(j.contains("p2p_bidding"));  // VCG's traders report their types
  EXPECT_FALSE(j.contains("p2p_truthful_trades"));
  EXPECT_FALSE(j.contains("p2p_first_best_in_range"));  // not measured within the radius
  s.energy_kwh = 0;
  EXPECT_TRUE(
      nlohmann::json::parse(SummaryJson(s, 1, "x", "y", 0))["mean_price_per_kwh"].is_null());
}

// A comparison market whose traders bid at equilibrium (the k-double auction): rounds.csv ends
// with the truthful upper line, summary.json says how the traders bid and gives the line's
// totals beside.
TEST(SimOutputTest, AMarketAtEquilibriumGetsItsTruthfulUpperLineBeside) {
  const std::string dir = ::testing::TempDir() + "/sim_output_equilibrium_test";
  auto w = CsvSimWriter::Open(dir, "seed=7 scenario=abc", {.truthful = true});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  RoundRecord r;
  r.time_s = 60;
  r.p2p_trades = 1;
  r.p2p_price = 0.75;
  r.p2p_surplus = 0.25;
  r.p2p_first_best = 0.375;
  r.p2p_truthful_trades = 2;
  r.p2p_truthful_price = 0.7;
  r.p2p_truthful_surplus = 0.375;
  ASSERT_TRUE((*w)->OnRound(r, {}).ok());
  ASSERT_TRUE((*w)->Close().ok());
  const std::string rounds = Slurp(dir + "/rounds.csv");
  EXPECT_NE(rounds.find(",p2p_first_best,p2p_truthful_trades,p2p_truthful_price_per_kwh,"
                        "p2p_truthful_surplus\n60,0,"),
            std::string::npos)
      << rounds;
  EXPECT_NE(rounds.find(",1,0.25,0,0.375,2,0.7,0.375\n"), std::string::npos) << rounds;
  SimSummary s;
  s.p2p_mechanism = "k-double-auction";
  s.p2p_at_equilibrium = true;
  s.p2p_equilibrium_epsilon = 4.15e-4;
  s.p2p_trades = 1;
  s.p2p_truthful_trades = 2;
  s.p2p_truthful_surplus = 0.375;
  const auto j = nlohmann::json::parse(SummaryJson(s, 42, "00ff", "synthetic-grid", 1.5));
  EXPECT_EQ(j["p2p_bidding"], "equilibrium");
  EXPECT_DOUBLE_EQ(j["p2p_equilibrium_epsilon"].get<double>(), 4.15e-4);
  EXPECT_EQ(j["p2p_trades"], 1);
  EXPECT_EQ(j["p2p_truthful_trades"], 2);
  EXPECT_DOUBLE_EQ(j["p2p_truthful_surplus"].get<double>(), 0.375);
  EXPECT_EQ(j["p2p_truthful_ir_violations"], 0);
}

// A comparison market measured within the radius (a scenario that names its mechanism):
// rounds.csv ends with the in-range figures, after the truthful line when there is one, and
// summary.json gives their totals.
TEST(SimOutputTest, AMarketMeasuredWithinTheRadiusGetsItsInRangeFigures) {
  RoundRecord r;
  r.time_s = 60;
  r.p2p_trades = 2;
  r.p2p_first_best = 0.5;
  r.p2p_truthful_trades = 3;
  r.p2p_first_best_in_range = 0.375;
  r.p2p_in_range_trades = 1;
  r.p2p_in_range_surplus = 0.25;
  r.p2p_in_range_budget = -0.125;
  for (const bool truthful : {false, true}) {
    const std::string dir = ::testing::TempDir() + "/sim_output_in_range_test" +
                            std::to_string(static_cast<int>(truthful));
    auto w =
        CsvSimWriter::Open(dir, "seed=7 scenario=abc", {.truthful = truthful, .in_range = true});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->OnRound(r, {}).ok());
    ASSERT_TRUE((*w)->Close().ok());
    const std::string rounds = Slurp(dir + "/rounds.csv");
    const std::string truthful_header =
        truthful ? "p2p_truthful_trades,p2p_truthful_price_per_kwh,p2p_truthful_surplus," : "";
    EXPECT_NE(rounds.find(",p2p_first_best," + truthful_header +
                          "p2p_first_best_in_range,p2p_in_range_trades,p2p_in_range_surplus,"
                          "p2p_in_range_budget\n60,0,"),
              std::string::npos)
        << rounds;
    EXPECT_NE(
        rounds.find(std::string(",0.5,") + (truthful ? "3,0,0," : "") + "0.375,1,0.25,-0.125\n"),
        std::string::npos)
        << rounds;
  }
  SimSummary s;
  s.p2p_mechanism = "mcafee";
  s.p2p_in_range = true;
  s.p2p_first_best_in_range = 0.375;
  s.p2p_in_range_trades = 1;
  s.p2p_in_range_surplus = 0.25;
  s.p2p_in_range_budget = 0.125;
  s.p2p_in_range_ir_violations = 1;
  const auto j = nlohmann::json::parse(SummaryJson(s, 42, "00ff", "synthetic-grid", 1.5));
  EXPECT_DOUBLE_EQ(j["p2p_first_best_in_range"].get<double>(), 0.375);
  EXPECT_EQ(j["p2p_in_range_trades"], 1);
  EXPECT_DOUBLE_EQ(j["p2p_in_range_surplus"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(j["p2p_in_range_budget"].get<double>(), 0.125);
  EXPECT_EQ(j["p2p_in_range_ir_violations"], 1);
  EXPECT_FALSE(j.contains("p2p_truthful_trades"));
}

}  // namespace
}  // namespace v2v::sim
