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
  EXPECT_EQ(s.trade_rows()[0].state, "settled");
  s.EscrowClosed("e1", true);
  s.EscrowClosed("unknown", true);
  EXPECT_EQ(s.settled(), 1);
  const auto j = s.SummaryJson(2);
  EXPECT_EQ(j["refused_by_reason"]["deadline_passed"], 1);
  EXPECT_DOUBLE_EQ(j["energy_kwh"].get<double>(), 1.5);
  EXPECT_EQ(j["latency_ms"]["call_to_offer_accepted"]["p50"], 3);
  EXPECT_NE(s.SummaryText(2).find("deadline_passed: 1"), std::string::npos);
}

// A trade's row follows its round (committed) and then its escrow (settled); a row of a round that
// was dropped says so.
TEST(FleetStats, ATradesRowFollowsItsRoundThenItsEscrow) {
  FleetStats s;
  s.Trade({1.5, 0, 7, "car-1", "car-2", "e1", 200, 1500, 30, 300, "scheduled"});
  s.Trade({1.6, 1, 7, "car-5", "car-6", "e2", 200, 1500, 30, 300, "scheduled"});
  s.Committed(0, 7, 100);
  EXPECT_EQ(s.trade_rows()[0].state, "committed");
  EXPECT_EQ(s.trade_rows()[1].state, "scheduled");  // node 1's round 7 is another round
  s.Dropped(1, 7);
  EXPECT_EQ(s.trade_rows()[1].state, "dropped");
  s.EscrowClosed("e2", false);  // a dropped round's escrow never existed: nothing to close
  EXPECT_EQ(s.trade_rows()[1].state, "dropped");
  s.EscrowClosed("e1", true);
  EXPECT_EQ(s.trade_rows()[0].state, "settled");
  EXPECT_EQ(s.settled(), 1);
}

TEST(FleetStats, WritesTradesCsv) {
  FleetStats s;
  s.Trade({1.25, 2, 9, "car-3", "car-4", "abcd", 210, 2000, 100, 420, "scheduled", 180, 30});
  s.EscrowClosed("abcd", false);
  const std::string dir = testing::TempDir() + "/fleet_stats_csv";
  ASSERT_TRUE(s.WriteTradesCsv(dir, "seed=1").ok());
  std::ifstream f(dir + "/trades.csv");
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_EQ(text.str(),
            "# seed=1\n"
            "time_s,node,round,buyer,seller,price_per_kwh,kwh,loss_kwh,amount,escrow,state,"
            "grid_price_per_kwh,feed_in_per_kwh\n"
            "1.250,2,9,car-3,car-4,210,2.000,0.100,420,abcd,refunded,180,30\n");
}

// Savings against the grid: a buyer who paid 210 per kWh for 2 kWh where the tariff was 300
// saved 180; one who paid 420 per kWh where it was 300 lost 120 and is counted worse off; the
// sellers gave 2.1 and 1.05 kWh (losses included) that fed in at 30 would have earned 63 + 32
// (rounded). A trade without grid prices counts in none of this.
TEST(FleetStats, SavingsAgainstTheGrid) {
  FleetStats s;
  s.Trade({1, 0, 1, "b1", "s1", "e1", 210, 2000, 100, 420, "scheduled", 300, 30});
  s.Trade({2, 0, 2, "b2", "s2", "e2", 420, 1000, 50, 420, "scheduled", 300, 30});
  s.Trade({3, 0, 3, "b3", "s3", "e3", 100, 1000, 0, 100, "scheduled", 0, 0});
  const AgainstGrid g = s.against_grid();
  EXPECT_EQ(g.buyers_paid, 840);
  EXPECT_EQ(g.grid_cost, 900);
  EXPECT_EQ(g.BuyersSaved(), 60);
  EXPECT_EQ(g.buyers_worse_off, 1);
  EXPECT_EQ(g.feed_in_value, 63 + 32);
  EXPECT_EQ(g.SellersGained(), 840 - 95);
  // With a network fee of 20 per kWh the buyer pays 460 and the seller earns the price only.
  FleetStats fee;
  fee.Trade({1, 0, 1, "b1", "s1", "e1", 210, 2000, 100, 460, "scheduled", 300, 30});
  EXPECT_EQ(fee.against_grid().buyers_paid, 460);
  EXPECT_EQ(fee.against_grid().sellers_earned, 420);
  const auto j = s.SummaryJson(1);
  EXPECT_EQ(j["against_grid"]["buyers_saved"], 60);
  EXPECT_EQ(j["against_grid"]["sellers_gained"], 745);
  EXPECT_NE(s.SummaryText(1).find("buyers saved 60"), std::string::npos);
}

}  // namespace
}  // namespace v2v::fleet
