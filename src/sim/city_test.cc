#include "sim/city.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace v2v::sim {
namespace {

TEST(CityTest, RsuLayouts) {
  Scenario s;  // 15 km, roads every 500 m, RSUs every 1500 m
  EXPECT_EQ(PlaceRsus(s).size(), 11u * 11u);
  s.rsu_layout = RsuLayout::kJunctions;
  EXPECT_EQ(PlaceRsus(s).size(), 31u * 31u);
  s.rsu_layout = RsuLayout::kList;
  s.rsu_positions_m = {{5, 6}};
  ASSERT_EQ(PlaceRsus(s).size(), 1u);
  EXPECT_DOUBLE_EQ(PlaceRsus(s)[0].y, 6);
}

// RsuCount, which checks the RSU indices of [[tariff.area]], counts what PlaceRsus places.
TEST(CityTest, RsuCountIsTheNumberOfPlacedRsus) {
  for (RsuLayout layout : {RsuLayout::kGrid, RsuLayout::kJunctions, RsuLayout::kList}) {
    for (double size : {100.0, 4000.0, 4100.0, 15000.0}) {
      for (double rsu_spacing : {10.0, 1000.0, 1500.0, 7000.0}) {
        Scenario s;
        s.rsu_layout = layout;
        s.rsu_positions_m = {{0, 0}, {5, 5}, {9, 9}};
        s.city_size_m = size;
        s.road_spacing_m = std::min(500.0, size);
        s.rsu_spacing_m = rsu_spacing;
        EXPECT_EQ(RsuCount(s), static_cast<int64_t>(PlaceRsus(s).size()))
            << size << " " << rsu_spacing;
      }
    }
  }
}

TEST(CityTest, NearestRsuMatchesBruteForce) {
  Scenario s;
  const std::vector<Point> rsus = PlaceRsus(s);
  RsuIndex index(rsus, s.rsu_range_m);
  Rng rng(5);
  for (int k = 0; k < 5000; ++k) {
    const Point p{rng.Uniform(-2000, 17000), rng.Uniform(-2000, 17000)};
    int best = -1;
    double best_d2 = s.rsu_range_m * s.rsu_range_m;
    for (int i = 0; i < static_cast<int>(rsus.size()); ++i) {
      const double d2 = std::pow(rsus[i].x - p.x, 2) + std::pow(rsus[i].y - p.y, 2);
      if (d2 < best_d2) {
        best = i;
        best_d2 = d2;
      }
    }
    ASSERT_EQ(index.Nearest(p), best) << p.x << "," << p.y;
  }
}

TEST(CityTest, VehiclesStayOnTheRoadsInsideTheCity) {
  Scenario s;
  GridMobility m(s, 11);
  for (int i = 0; i < 50; ++i) {
    GridVehicle v = m.Spawn();
    for (int step = 0; step < 200; ++step) {
      m.Drive(v, 617.0);
      const Point p = v.Position(s.road_spacing_m);
      ASSERT_GE(p.x, -1e-9);
      ASSERT_LE(p.x, s.city_size_m + 1e-9);
      ASSERT_GE(p.y, -1e-9);
      ASSERT_LE(p.y, s.city_size_m + 1e-9);
      const double fx = std::fmod(p.x, s.road_spacing_m), fy = std::fmod(p.y, s.road_spacing_m);
      ASSERT_TRUE(fx < 1e-6 || fy < 1e-6) << "off road at " << p.x << "," << p.y;
    }
  }
}

}  // namespace
}  // namespace v2v::sim

namespace v2v::sim {
namespace {

TEST(CityTest, TripsAndStopsShareTheDayByTheirMeanDurations) {
  Scenario s;  // trips U[600, 2400] s (mean 1500), stops U[1800, 10800] s (mean 6300)
  GridMobility m(s, 21);
  double driven_s = 0, total_s = 0;
  for (int i = 0; i < 200; ++i) {
    GridVehicle v = m.Spawn();
    for (int step = 0; step < 1440; ++step) {  // one day in 60 s steps
      const double moved = m.Advance(v, 60);
      driven_s += moved / v.speed_mps;
      total_s += 60;
    }
  }
  EXPECT_NEAR(driven_s / total_s, 1500.0 / (1500.0 + 6300.0), 0.02);
}

TEST(CityTest, NoStopsMeansDrivingAllTheTime) {
  Scenario s;
  s.park_min_s = 0;
  s.park_max_s = 0;
  GridMobility m(s, 2);
  GridVehicle v = m.Spawn();
  double moved = 0;
  for (int step = 0; step < 100; ++step) moved += m.Advance(v, 60);
  EXPECT_NEAR(moved, v.speed_mps * 6000, 1e-6 * moved);
}

}  // namespace
}  // namespace v2v::sim
