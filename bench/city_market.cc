#include "city_market.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <string>

#include "sim/rng.h"

namespace v2v::bench {
namespace {

constexpr double kRoadSpacingM = 200.0;  // block size of the road grid
constexpr double kOnRoadShare = 0.7;     // share of vehicles parked along a road
constexpr double kRoadJitterM = 15.0;    // distance from the road's centre line, at most

using Rng = sim::Rng;  // portable draws: the same market on every standard library

struct Point {
  double x = 0, y = 0;
};

Point CityPoint(Rng& rng, double side) {
  Point p{rng.Uniform(0, side), rng.Uniform(0, side)};
  if (rng.Bernoulli(kOnRoadShare)) {
    // Snap one coordinate to the nearest street (horizontal or vertical), with a little jitter.
    const bool vertical_street = rng.Bernoulli(0.5);
    double& c = vertical_street ? p.x : p.y;
    const double road = std::round(c / kRoadSpacingM) * kRoadSpacingM;
    c = std::clamp(road + rng.Uniform(-kRoadJitterM, kRoadJitterM), 0.0, side);
  }
  return p;
}

std::string Id(char prefix, int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%06d", prefix, n);
  return buf;
}

}  // namespace

double CityAreaSide(int sellers, double radius_m) {
  return std::sqrt(static_cast<double>(sellers) * std::numbers::pi * radius_m * radius_m /
                   kSellersPerRadius);
}

market::Market GenerateCityMarket(int buyers, int sellers, uint64_t seed) {
  Rng rng(seed);
  market::Market m;
  m.auctioneer = {.v_min = 0.4,
                  .c_max = 1.0,
                  .l1 = 0.5,
                  .l2 = 0.1,
                  .radius_m = market::kDefaultRadiusM,
                  .grid = std::nullopt};
  const double side = CityAreaSide(std::max(sellers, 1), m.auctioneer.radius_m);

  m.buyers.reserve(static_cast<size_t>(buyers));
  for (int i = 1; i <= buyers; ++i) {
    market::BuyerBid b;
    b.id = Id('B', i);
    b.v_min = rng.Uniform(0.4, 0.6);
    b.v_max = rng.Uniform(0.9, 1.2);
    b.v = rng.Uniform(b.v_min, b.v_max);
    b.b_min = rng.Bernoulli(0.5) ? 0.0 : rng.Uniform(0.0, 5.0);
    b.b_max = b.b_min + rng.Uniform(5.0, 30.0);
    b.w = rng.Uniform(1.0, 5.0);
    const Point p = CityPoint(rng, side);
    b.x = p.x;
    b.y = p.y;
    m.buyers.push_back(std::move(b));
  }
  m.sellers.reserve(static_cast<size_t>(sellers));
  for (int j = 1; j <= sellers; ++j) {
    market::SellerBid s;
    s.id = Id('S', j);
    s.c_min = rng.Uniform(0.2, 0.4);
    s.c_max = rng.Uniform(0.7, 1.0);
    s.c = rng.Uniform(s.c_min, s.c_max);
    s.s_t = rng.Uniform(20.0, 60.0);
    s.s_r = rng.Uniform(5.0, 15.0);
    s.rho = rng.Uniform(0.02, 0.15);
    const Point p = CityPoint(rng, side);
    s.x = p.x;
    s.y = p.y;
    m.sellers.push_back(std::move(s));
  }
  return m;
}

}  // namespace v2v::bench
