#include "market/spatial_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace v2v::market {
namespace {

TEST(GridIndexTest, MatchesBruteForce) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> pos(-5000, 5000);
  std::vector<GridIndex::Point> pts(3000);
  for (auto& p : pts) p = {pos(rng), pos(rng)};
  const double radius = 700;
  GridIndex index(pts, radius);
  for (int q = 0; q < 300; ++q) {
    const double x = pos(rng), y = pos(rng);
    std::vector<int> expect;
    for (int i = 0; i < static_cast<int>(pts.size()); ++i) {
      if (std::hypot(pts[i].x - x, pts[i].y - y) <= radius) expect.push_back(i);
    }
    std::vector<Neighbor> got = index.WithinRadius(x, y);
    ASSERT_EQ(got.size(), expect.size()) << "query " << q;
    for (size_t k = 0; k < got.size(); ++k) {
      EXPECT_EQ(got[k].index, expect[k]);
      EXPECT_NEAR(got[k].distance_m, std::hypot(pts[expect[k]].x - x, pts[expect[k]].y - y), 1e-9);
    }
  }
}

TEST(GridIndexTest, RadiusIsInclusiveAndNegativeCoordinatesWork) {
  GridIndex index({{-1000, 0}, {0, 0}, {1000.0001, 0}}, 1000);
  std::vector<Neighbor> got = index.WithinRadius(0, 0);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].index, 0);
  EXPECT_EQ(got[0].distance_m, 1000.0);
  EXPECT_EQ(got[1].index, 1);
}

TEST(GridIndexTest, EmptyIndex) { EXPECT_TRUE(GridIndex({}, 10).WithinRadius(0, 0).empty()); }

}  // namespace
}  // namespace v2v::market
