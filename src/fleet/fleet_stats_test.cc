#include "fleet/fleet_stats.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace v2v::fleet {
namespace {

TEST(Percentile, NearestRank) {
  EXPECT_EQ(Percentile({}, 50), 0);
  EXPECT_EQ(Percentile({5}, 99), 5);
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  EXPECT_EQ(Percentile(v, 50), 50);
  EXPECT_EQ(Percentile(v, 99), 99);
  EXPECT_EQ(Percentile(v, 100), 100);
}

TEST(FleetStats, CountsRoundsOncePerNodeAndTradesOncePerEscrow) {
  FleetStats s;
  s.BidSent();
  s.BidSent();
  s.BidSent();
  s.Accepted(0, 7, 3);
  s.Accepted(0, 7, 4);
  s.Accepted(1, 7, -1);  // another node's round 7 (a buyer: no call-to-accepted time)
  s.Refused("deadline_passed");
  EXPECT_EQ(s.rounds(), 2u);
  EXPECT_EQ(s.refused(), 1);
  TradeRow t{1.5, 0, 7, "car-1", "car-2", "e1", 200, 1500, 30, 300, "scheduled"};
  s.Trade(t);
  s.Trade(t);
  EXPECT_EQ(s.trades(), 1);
  s.EscrowClosed("e1", true);
  s.EscrowClosed("e1", true);
  s.EscrowClosed("unknown", true);
  EXPECT_EQ(s.settled(), 1);
  const auto j = s.SummaryJson(2);
  EXPECT_EQ(j["refused_by_reason"]["deadline_passed"], 1);
  EXPECT_DOUBLE_EQ(j["energy_kwh"].get<double>(), 1.5);
  EXPECT_EQ(j["latency_ms"]["call_to_offer_accepted"]["p50"], 3);
  EXPECT_NE(s.SummaryText(2).find("deadline_passed: 1"), std::string::npos);
}

TEST(FleetStats, WritesTradesCsv) {
  FleetStats s;
  s.Trade({1.25, 2, 9, "car-3", "car-4", "abcd", 210, 2000, 100, 420, "scheduled"});
  s.EscrowClosed("abcd", false);
  const std::string dir = testing::TempDir() + "/fleet_stats_csv";
  ASSERT_TRUE(s.WriteTradesCsv(dir, "seed=1").ok());
  std::ifstream f(dir + "/trades.csv");
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_EQ(text.str(),
            "# seed=1\n"
            "time_s,node,round,buyer,seller,price_per_kwh,kwh,loss_kwh,amount,escrow,state\n"
            "1.250,2,9,car-3,car-4,210,2.000,0.100,420,abcd,refunded\n");
}

}  // namespace
}  // namespace v2v::fleet
