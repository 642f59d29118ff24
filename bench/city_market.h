// A synthetic, city-like market for benchmarks: deterministic for a given seed on every platform
// (std::mt19937_64 with our own mapping to [0, 1); no std::*_distribution, whose output is
// implementation-defined).
//
// Layout: buyers and sellers on a square whose side is sqrt(sellers * pi * R^2 / 50), R = 1000 m,
// so that a buyer away from the border has about 50 sellers within the radius. Most vehicles sit
// near the streets of a 200 m road grid, the others anywhere in the square.
#pragma once

#include <cstdint>

#include "market/bid.h"

namespace v2v::bench {

inline constexpr double kSellersPerRadius = 50.0;  // expected sellers within the radius

// Side of the square area, metres.
double CityAreaSide(int sellers, double radius_m = market::kDefaultRadiusM);

// REQUIRES: buyers >= 0, sellers >= 1. Ids are "B000001".. and "S000001"...
market::Market GenerateCityMarket(int buyers, int sellers, uint64_t seed);

}  // namespace v2v::bench
