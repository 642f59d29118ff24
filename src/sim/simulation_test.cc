#include "sim/simulation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/file_util.h"
#include "sim/sim_output.h"

namespace v2v::sim {
namespace {

class Collect : public SimObserver {
 public:
  Status OnRound(const RoundRecord& r, const std::vector<TradeRecord>& t) override {
    rounds.push_back(r);
    trades.insert(trades.end(), t.begin(), t.end());
    return Status::Ok();
  }
  std::vector<RoundRecord> rounds;
  std::vector<TradeRecord> trades;
};

Scenario SmallCity() {
  Scenario s;
  s.city_size_m = 4000;
  s.vehicle_count = 300;
  s.duration_s = 3 * 3600;
  return s;
}

std::string SlurpSimulationFile(const std::string& path) {
  auto text = ReadFile(path);
  return text.ok() ? std::move(text).value() : std::string();
}

TEST(SimulationTest, TradesObeyTheMarketRules) {
  const Scenario s = SmallCity();
  Collect c;
  auto sum = RunSyntheticCity(s, 3, c);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  ASSERT_GT(sum->trades, 50);
  EXPECT_EQ(sum->rounds, static_cast<int64_t>(c.rounds.size()));
  EXPECT_EQ(sum->trades, static_cast<int64_t>(c.trades.size()));
  double kwh = 0;
  std::map<std::pair<double, std::string>, double> bought;  // (time, buyer) -> kWh in a round
  for (const TradeRecord& t : c.trades) {
    EXPECT_GE(t.p, t.r);  // only pairs with P >= R trade
    EXPECT_NEAR(t.t, 0.5 * (t.p + t.r), 1e-12);
    EXPECT_LE(t.distance_m, s.radius_m);
    EXPECT_GT(t.kwh, 0);
    bought[{t.time_s, t.buyer}] += t.kwh;
    kwh += t.kwh;
  }
  for (const auto& [key, x] : bought) EXPECT_LE(x, s.max_kwh_per_round + 1e-6);
  EXPECT_NEAR(kwh, sum->energy_kwh, 1e-6 * kwh);
  int late = 0;
  for (const RoundRecord& r : c.rounds) {
    EXPECT_GE(r.buyers, 1);
    late += r.late_replies;
  }
  EXPECT_GT(late, 0);  // reply delays up to 6 s against T_limit 5 s drop some sellers
}

TEST(SimulationTest, SameSeedGivesByteIdenticalCsv) {
  const Scenario s = SmallCity();
  const std::string base = ::testing::TempDir() + "/sim_det";
  std::string files[3][2];
  const uint64_t seeds[3] = {42, 42, 43};
  for (int run = 0; run < 3; ++run) {
    const std::string dir = base + std::to_string(run);
    auto w = CsvSimWriter::Open(dir, "seed=" + std::to_string(seeds[run]));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(RunSyntheticCity(s, seeds[run], **w).ok());
    ASSERT_TRUE((*w)->Close().ok());
    files[run][0] = SlurpSimulationFile(dir + "/trades.csv");
    files[run][1] = SlurpSimulationFile(dir + "/rounds.csv");
  }
  EXPECT_GT(files[0][0].size(), 1000u);
  EXPECT_EQ(files[0][0], files[1][0]);
  EXPECT_EQ(files[0][1], files[1][1]);
  EXPECT_NE(files[0][0], files[2][0]);
}

TEST(SimulationTest, RunsTheCommittedSumoTrace) {
  Scenario s;
  s.city_size_m = 900;
  s.road_spacing_m = 300;
  s.rsu_spacing_m = 300;
  s.rsu_range_m = 400;
  Collect c;
  auto sum = RunFcdTrace(s, 1, V2V_TEST_DATA "/sumo_grid_fcd.xml", c);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->steps, 60);
  EXPECT_GT(sum->vehicles, 50);
  EXPECT_GT(sum->driven_km, 10);
  // Rounds at 60, 120, ... 295 s of trace time: 4 round times.
  std::map<double, int> times;
  for (const RoundRecord& r : c.rounds) times[r.time_s]++;
  EXPECT_EQ(times.size(), 4u);
  EXPECT_EQ(times.begin()->first, 60);
  EXPECT_GT(sum->trades, 0);
}

TEST(SimulationTest, BrokenTraceIsAnErrorNotACrash) {
  const std::string path = ::testing::TempDir() + "/broken_fcd.xml";
  {
    std::ofstream out(path);
    out << "<fcd-export>\n<timestep time=\"0\">\n<vehicle id=\"a\" x=\"1\" y=\"2\"/>\n";
  }
  Collect c;
  auto sum = RunFcdTrace(Scenario{}, 1, path, c);
  ASSERT_FALSE(sum.ok());
  EXPECT_NE(sum.status().message().find("line 4"), std::string::npos) << sum.status().message();
}

}  // namespace
}  // namespace v2v::sim
