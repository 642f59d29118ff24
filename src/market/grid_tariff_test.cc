#include "market/grid_tariff.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <string>

#include "market/bayesian_pricing.h"

namespace v2v::market {
namespace {

GridTariff DemoTariff() {
  GridTariff g;
  g.import = {{0, 300}, {8 * 3600, 600}, {18 * 3600, 1000}};
  g.feed_in = 100;
  g.chargers = {{0, 0}, {2000, 0}};
  g.detour_wh_per_km = 200;
  g.speed_mm_per_s = 10'000;
  g.wait_s = 600;
  g.time_value_per_h = 12'000;
  return g;
}

std::string ErrorOf(const GridTariff& g) { return ValidateGridTariff(g).message(); }

TEST(GridTariff, ValidationNamesTheBadField) {
  EXPECT_TRUE(ValidateGridTariff(DemoTariff()).ok());
  GridTariff g = DemoTariff();
  g.import.clear();
  EXPECT_NE(ErrorOf(g).find("import"), std::string::npos);
  g = DemoTariff();
  g.import[0].start_s = 60;  // a gap from midnight
  EXPECT_NE(ErrorOf(g).find("import[0].start_s"), std::string::npos);
  g = DemoTariff();
  g.import[2].start_s = 8 * 3600;  // overlaps the period before
  EXPECT_NE(ErrorOf(g).find("import[2].start_s"), std::string::npos);
  g = DemoTariff();
  g.import[1].price = -1;
  EXPECT_NE(ErrorOf(g).find("import[1].price"), std::string::npos);
  g = DemoTariff();
  g.import[2].start_s = kSecondsPerDay;
  EXPECT_NE(ErrorOf(g).find("import[2].start_s"), std::string::npos);
  g = DemoTariff();
  g.feed_in = -5;
  EXPECT_NE(ErrorOf(g).find("feed_in"), std::string::npos);
  g = DemoTariff();
  g.speed_mm_per_s = 0;
  EXPECT_NE(ErrorOf(g).find("speed_mm_per_s"), std::string::npos);
  g = DemoTariff();
  g.chargers[1].y_m = kMaxChargerCoordinate + 1;
  EXPECT_NE(ErrorOf(g).find("chargers[1].y_m"), std::string::npos);
  g = DemoTariff();
  g.wait_s = -1;
  EXPECT_NE(ErrorOf(g).find("wait_s"), std::string::npos);
}

TEST(GridTariff, ImportPriceFollowsTheUtcDay) {
  const GridTariff g = DemoTariff();
  const int64_t day = 20'000 * kSecondsPerDay;  // a midnight UTC
  EXPECT_EQ(ImportPriceAt(g, day), 300);
  EXPECT_EQ(ImportPriceAt(g, day + 8 * 3600 - 1), 300);
  EXPECT_EQ(ImportPriceAt(g, day + 8 * 3600), 600);
  EXPECT_EQ(ImportPriceAt(g, day + 18 * 3600), 1000);
  EXPECT_EQ(ImportPriceAt(g, day + kSecondsPerDay - 1), 1000);
  EXPECT_EQ(ImportPriceAt(g, -1), 1000);  // before 1970: still a second of some day
}

TEST(GridTariff, WithoutChargersTheOptionIsTheTariff) {
  GridTariff g = DemoTariff();
  g.chargers.clear();
  EXPECT_EQ(DetourM(g, 12345, -999), 0);
  // The wait alone: 12,000 per hour x 600 s = 2,000, spread over 4 kWh: 500 per kWh.
  EXPECT_EQ(BuyerOptionExact(g, 0, 12345, -999, 4000), 300 + 500);
  g.wait_s = 0;
  EXPECT_EQ(BuyerOptionExact(g, 0, 12345, -999, 4000), 300);
  g.wait_s = 600;
  EXPECT_EQ(BuyerOptionExact(g, 0, 12345, -999, 0), 300);  // a bid may want 0 Wh: no division
}

TEST(GridTariff, TheDetourAddsItsEnergyAndTime) {
  const GridTariff g = DemoTariff();
  // Nearest charger (2000, 0) at 500 m: a detour of 1,000 m, 200 Wh at 300 per kWh = 60; 100 s
  // driving + 600 s waiting at 12,000 per hour = 2333.3; (60 + 2333.3) over 2 kWh = 1196.6.
  EXPECT_EQ(DetourM(g, 1500, 0), 1000);
  EXPECT_EQ(BuyerOptionExact(g, 0, 1500, 0, 2000), 300 + 1196);
}

// The double formula of docs/model.md section 11 (sim/grid_outside_option.cc's), for comparison.
double OptionInDoubles(const GridTariff& g, int64_t t, int64_t x, int64_t y, int64_t b_max_wh) {
  const double p = static_cast<double>(ImportPriceAt(g, t));
  const double d = static_cast<double>(DetourM(g, x, y));
  const double kwh = static_cast<double>(b_max_wh) / 1000.0;
  const double detour_kwh = static_cast<double>(g.detour_wh_per_km) * d / 1e6;
  const double hours =
      (d / (static_cast<double>(g.speed_mm_per_s) / 1000.0) + static_cast<double>(g.wait_s)) /
      3600.0;
  return p + (p * detour_kwh + static_cast<double>(g.time_value_per_h) * hours) / kwh;
}

RC_GTEST_PROP(GridTariffProperty, TheExactOptionIsTheModelsRoundedDown, ()) {
  GridTariff g = DemoTariff();
  g.import[1].price = *rc::gen::inRange<int64_t>(0, 100'000);
  g.detour_wh_per_km = *rc::gen::inRange<int64_t>(0, kMaxDetourWhPerKm);
  g.speed_mm_per_s = *rc::gen::inRange<int64_t>(1'000, kMaxSpeedMmPerS);
  g.wait_s = *rc::gen::inRange<int64_t>(0, 3600);
  g.time_value_per_h = *rc::gen::inRange<int64_t>(0, 100'000);
  const int64_t t = *rc::gen::inRange<int64_t>(0, 3 * kSecondsPerDay);
  const int64_t x = *rc::gen::inRange<int64_t>(-50'000, 50'000);
  const int64_t y = *rc::gen::inRange<int64_t>(-50'000, 50'000);
  const int64_t b_max = *rc::gen::inRange<int64_t>(1, 200'000);
  const int64_t exact = BuyerOptionExact(g, t, x, y, b_max);
  const double model = OptionInDoubles(g, t, x, y, b_max);
  RC_ASSERT(static_cast<double>(exact) <= model * (1 + 1e-12) + 1e-9);
  RC_ASSERT(static_cast<double>(exact) > model * (1 - 1e-12) - 1.0 - 1e-9);
  RC_ASSERT(exact >= ImportPriceAt(g, t));
}

TEST(GridTariff, TheSellerFloorRoundsUp) {
  GridTariff g = DemoTariff();
  EXPECT_EQ(SellerFloorExact(g, 0), 100);
  EXPECT_EQ(SellerFloorExact(g, 50'000), 105);  // 100 x 1.05
  EXPECT_EQ(SellerFloorExact(g, 1), 101);       // 100.0001 rounds up
  g.feed_in = 0;
  EXPECT_EQ(SellerFloorExact(g, 2'000'000), 0);
}

// The scheme's price of a pair whose ranges were capped at the buyer's option and raised to the
// seller's floor lies between the two (docs/model.md section 11), in integers as on chain.
RC_GTEST_PROP(GridTariffProperty, ExactPricesOfCappedRangesStayBetweenTheOptions, ()) {
  const int64_t cap = *rc::gen::inRange<int64_t>(0, 1'000'000);
  const int64_t floor = *rc::gen::inRange<int64_t>(0, 1'000'000);
  const int64_t v_max = std::min(cap, *rc::gen::inRange<int64_t>(0, 2'000'000));
  const int64_t v = std::min(v_max, *rc::gen::inRange<int64_t>(0, 2'000'000));
  const int64_t c_min = std::max(floor, *rc::gen::inRange<int64_t>(0, 2'000'000));
  const int64_t c = std::max(c_min, *rc::gen::inRange<int64_t>(0, 2'000'000));
  const ExactPrice p = PriceExact(v, v_max, c, c_min);
  if (p.trade) {
    RC_ASSERT(p.t <= cap);
    RC_ASSERT(p.t >= floor);
  }
}

TEST(GridTariff, VerdictDetailsNameTheNumbers) {
  EXPECT_EQ(GridVerdictDetail(GridVerdict::kGridCheaper, 90, 100).rfind("the grid costs", 0), 0u);
  EXPECT_NE(GridVerdictDetail(GridVerdict::kFeedInBetter, 120, 110).find("110"), std::string::npos);
}

}  // namespace
}  // namespace v2v::market
