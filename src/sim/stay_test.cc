#include "sim/stay.h"

#include <gtest/gtest.h>

#include "market/bid.h"

namespace v2v::sim {
namespace {

// Roads every 500 m, an RSU at the junction (1000, 1000) hearing cars within 300 m: its range
// ends before the next junction on every road through it.
Scenario Roads() {
  Scenario s;
  s.road_spacing_m = 500;
  s.rsu_range_m = 300;
  s.park_min_s = 1800;
  return s;
}
constexpr Point kRsu{1000, 1000};

// Driving +x from the junction (jx, jy) = (2, 2), 10 m/s, with a long trip ahead.
GridVehicle Driving(double offset_m) {
  GridVehicle v;
  v.jx = 2;
  v.jy = 2;
  v.dir = 0;
  v.offset_m = offset_m;
  v.speed_mps = 10;
  v.phase_left_s = 3600;
  return v;
}

TEST(StayTest, ACarDrivingStraightOutStaysItsDistanceToTheEdgeOverItsSpeed) {
  // At (1100, 1000), heading away: the edge is 200 m ahead.
  EXPECT_DOUBLE_EQ(GridStayS(Driving(100), kRsu, Roads()), 20.0);
  // Off centre: an RSU at (1200, 1180) hears the road y = 1000 up to where
  // (x - 1200)^2 + 180^2 = 300^2, x = 1440, 340 m on.
  EXPECT_NEAR(GridStayS(Driving(100), {1200, 1180}, Roads()), 34.0, 1e-9);
  // A wider range ends past the next junction, where the turn is not known yet: from there the
  // car needs at least range - distance metres; heading straight away that is exact.
  Scenario wide = Roads();
  wide.rsu_range_m = 1000;
  EXPECT_DOUBLE_EQ(GridStayS(Driving(100), kRsu, wide), 90.0);  // (2000 - 1100) / 10
}

TEST(StayTest, ACarDrivingThroughTheRsusJunctionNeedsTheRangeFromThere) {
  // From (700, 1000) heading +x: 300 m to the RSU's junction, where the turn is drawn, then at
  // least 300 m more to leave, whichever way it turns.
  GridVehicle v = Driving(200);
  v.jx = 1;
  EXPECT_DOUBLE_EQ(GridStayS(v, kRsu, Roads()), 60.0);
  EXPECT_DOUBLE_EQ(MetresInReach(v, kRsu, 300, 500), 600.0);
}

TEST(StayTest, ACarThatWillParkWithinRangeStaysForTheShortestStopToo) {
  GridVehicle v = Driving(100);
  v.phase_left_s = 5;  // parks 50 m on, 150 m from the edge
  EXPECT_DOUBLE_EQ(GridStayS(v, kRsu, Roads()), 20.0 + 1800.0);
  v.phase_left_s = 20;  // parks on the edge itself, still heard
  EXPECT_DOUBLE_EQ(GridStayS(v, kRsu, Roads()), 20.0 + 1800.0);
  v.phase_left_s = 21;  // the trip ends out of range: no stop within it
  EXPECT_DOUBLE_EQ(GridStayS(v, kRsu, Roads()), 20.0);
}

TEST(StayTest, AParkedCarStaysTheRestOfItsStopThenDrivesOut) {
  GridVehicle v = Driving(100);
  v.parked = true;
  v.phase_left_s = 600;
  EXPECT_DOUBLE_EQ(GridStayS(v, kRsu, Roads()), 600.0 + 20.0);
  v.phase_left_s = 1e6;  // a stop longer than a week
  EXPECT_EQ(GridStayS(v, kRsu, Roads()), market::kMaxStayS);
  v.speed_mps = 0;
  v.phase_left_s = 600;
  EXPECT_EQ(GridStayS(v, kRsu, Roads()), market::kMaxStayS);
}

TEST(StayTest, ACarOnTheEdgeOrBeyondStaysTheLeastAStayMayBe) {
  EXPECT_DOUBLE_EQ(MetresInReach(Driving(300), kRsu, 300, 500), 0.0);  // at (1300, 1000)
  EXPECT_EQ(GridStayS(Driving(300), kRsu, Roads()), kMinStayS);
  EXPECT_EQ(GridStayS(Driving(400), kRsu, Roads()), kMinStayS);  // 100 m out
  // Heading back in from the edge: it crosses the disc, 600 m.
  GridVehicle in = Driving(200);
  in.jx = 3;
  in.dir = 2;  // -x from (1500, 1000): at (1300, 1000)
  EXPECT_DOUBLE_EQ(MetresInReach(in, kRsu, 300, 500), 600.0);
}

}  // namespace
}  // namespace v2v::sim
