// End-to-end tests of `v2v simulate` and `v2v experiment` as a user runs them.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "testing/shell.h"

namespace {

namespace fs = std::filesystem;

using CliRun = v2v::testing::CommandResult;
using v2v::testing::Slurp;

fs::path TempDir(const std::string& tag) {
  const fs::path d = fs::temp_directory_path() / ("v2v_simcli_" + tag + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

CliRun RunV2v(const std::string& args, const fs::path& dir) {
  return v2v::testing::RunCommand(std::string(V2V_CLI) + " " + args, dir);
}

TEST(SimulateCliTest, TraceRunWritesStampedOutputs) {
  const fs::path d = TempDir("trace");
  const std::string data = V2V_TEST_DATA;
  CliRun r = RunV2v("simulate --scenario " + data + "/sumo_grid.toml --fcd " + data +
                        "/sumo_grid_fcd.xml --seed 9 --out " + (d / "o").string() + " -q",
                    d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = nlohmann::json::parse(Slurp(d / "o/summary.json"));
  EXPECT_EQ(summary["seed"], 9);
  EXPECT_GT(summary["vehicles"].get<int>(), 50);
  for (const char* k : {"rounds", "trades", "energy_kwh", "welfare", "wall_s", "scenario_hash"})
    EXPECT_TRUE(summary.contains(k)) << k;
  const std::string trades = Slurp(d / "o/trades.csv");
  const std::string stamp =
      "# v2v simulate seed=9 scenario=" + summary["scenario_hash"].get<std::string>();
  EXPECT_EQ(trades.rfind(stamp, 0), 0u) << trades.substr(0, 80);
  EXPECT_NE(trades.find("time_s,rsu,buyer,seller,p_per_kwh,r_per_kwh,t_per_kwh,kwh,distance_m"),
            std::string::npos);
  fs::remove_all(d);
}

// The grid model's example city: summary.json says which model ran and what the grid left out,
// and the simulator found no trade above a buyer's outside option or below a seller's.
TEST(SimulateCliTest, TheGridExampleReportsItsModelAndNoTradeBeatsTheGrid) {
  const fs::path d = TempDir("grid");
  CliRun r = RunV2v(
      "simulate -q --scenario " V2V_EXAMPLES "/grid_city.toml --seed 2 --out " + (d / "o").string(),
      d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = nlohmann::json::parse(Slurp(d / "o/summary.json"));
  EXPECT_EQ(summary["market_model"], "grid");
  EXPECT_GT(summary["trades"].get<int>(), 100);
  EXPECT_EQ(summary["outside_option_violations"], 0);
  for (const char* k : {"grid_cheaper_buyers", "feed_in_better_sellers", "network_fees"})
    EXPECT_TRUE(summary.contains(k)) << k;
  // Each vehicle's bill against the grid: under the grid model nobody is worse off.
  EXPECT_GT(summary["buyers"].get<int>(), 50);
  EXPECT_EQ(summary["buyers_worse_off_than_grid"], 0);
  EXPECT_EQ(summary["sellers_worse_off_than_feed_in"], 0);
  const std::string bills = Slurp(d / "o/vehicles.csv");
  EXPECT_NE(bills.find("vehicle,bought_kwh,paid,grid_cost,saved_vs_grid"), std::string::npos);
  const std::string hourly = Slurp(d / "o/hourly/data.csv");
  EXPECT_NE(hourly.find("hour,v2v_kwh,grid_kwh,v2v_share"), std::string::npos);
  EXPECT_TRUE(fs::exists(d / "o/hourly/plot.png"));
  fs::remove_all(d);
}

TEST(SimulateCliTest, BadInputsExitTwoAndNameTheProblem) {
  const fs::path d = TempDir("bad");
  std::ofstream(d / "s.toml") << "[market]\nround_interval_s = 0\n";
  CliRun r =
      RunV2v("simulate --scenario " + (d / "s.toml").string() + " --out " + (d / "o").string(), d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("[market] round_interval_s"), std::string::npos) << r.err;

  std::ofstream(d / "g.toml") << "[market]\nmodel = \"grid\"\n[tariff]\nperiods = [{start_h = 0, "
                                 "price_per_kwh = 0.3}, {start_h = 8, price_per_kwh = -1}]\n";
  r = RunV2v("simulate --scenario " + (d / "g.toml").string() + " --out " + (d / "og").string(), d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("[tariff] periods[1].price_per_kwh: -1 is negative"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(d / "og/summary.json"));

  std::ofstream(d / "t.xml")
      << "<fcd-export>\n<timestep time=\"0\">\n<vehicle id=\"a\" x=\"1\"/>\n";
  r = RunV2v("simulate --fcd " + (d / "t.xml").string() + " --out " + (d / "o2").string(), d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("line 3"), std::string::npos) << r.err;

  r = RunV2v(
      "experiment fig11 --scenario " + (d / "s.toml").string() + " --out " + (d / "e").string(), d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("[market] round_interval_s"), std::string::npos) << r.err;

  r = RunV2v("experiment fig3 --out " + (d / "e").string(), d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("fig3"), std::string::npos) << r.err;
  fs::remove_all(d);
}

// Fig. 11 of a city whose comparison market is VCG names that market's column after it.
TEST(ExperimentCliTest, Fig11NamesTheComparisonMechanismsColumn) {
  const fs::path d = TempDir("fig11mech");
  std::ofstream(d / "vcg.toml") << "[vehicles]\ncount = 200\n[time]\nduration_s = 7200\n"
                                   "[p2p]\nmechanism = \"vcg\"\n";
  CliRun r = RunV2v(
      "experiment fig11 --scenario " + (d / "vcg.toml").string() + " --out " + (d / "e").string(),
      d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(Slurp(d / "e/fig11/data.csv")
                .find("hour,grid_tariff,bayesian_mean_T,p2p_vcg_mean_price,trades\n"),
            std::string::npos)
      << Slurp(d / "e/fig11/data.csv");
  fs::remove_all(d);
}

TEST(ExperimentCliTest, OneFigureGivesDataScriptAndReport) {
  const fs::path d = TempDir("exp");
  CliRun r = RunV2v("experiment fig13 --quick --out " + (d / "e").string(), d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(Slurp(d / "e/fig13/data.csv").find("loss_rate,volume_kwh,welfare"), std::string::npos);
  EXPECT_NE(Slurp(d / "e/fig13/plot.gp").find("plot datafile"), std::string::npos);
  EXPECT_NE(Slurp(d / "e/report.md").find("![fig13](fig13/plot.png)"), std::string::npos);
  EXPECT_NE(r.out.find("report: "), std::string::npos);
  fs::remove_all(d);
}

}  // namespace
