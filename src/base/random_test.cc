#include "base/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace v2v::base {
namespace {

// std::mt19937_64's outputs are fixed by the standard: with the default seed 5489 the first is
// 14514284786278117030 and the 10000th 9981545732273789042.
TEST(RngTest, DrawsTheStandardEngineStream) {
  Rng rng(5489);
  EXPECT_EQ(rng.Next(), 14514284786278117030ull);
  for (int i = 1; i < 9999; ++i) rng.Next();
  EXPECT_EQ(rng.Next(), 9981545732273789042ull);
}

TEST(RngTest, MapsToTheUnitIntervalFromTheTop53Bits) {
  Rng rng(5489);
  EXPECT_EQ(rng.Unit(), 0.7868209548678019);  // (14514284786278117030 >> 11) * 2^-53
}

TEST(RngTest, SameSeedSameNumbers) {
  Rng a(7), b(7), c(8);
  std::vector<uint64_t> from_a, from_b, from_c;
  for (int i = 0; i < 100; ++i) {
    from_a.push_back(a.Below(1000));
    from_b.push_back(b.Below(1000));
    from_c.push_back(c.Below(1000));
  }
  EXPECT_EQ(from_a, from_b);
  EXPECT_NE(from_a, from_c);
  Rng copy = a;  // a copy continues the same stream
  EXPECT_EQ(copy.Next(), a.Next());
}

TEST(RngTest, StaysInRange) {
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.Uniform(2.0, 3.0);
    EXPECT_GE(u, 2.0);
    EXPECT_LE(u, 3.0);
    EXPECT_LT(rng.Below(3), 3u);
  }
  EXPECT_EQ(rng.Below(1), 0u);
}

TEST(RngTest, IntCoversItsClosedRangeAndNothingElse) {
  Rng rng(2);
  std::vector<int> seen(7, 0);  // [-3, 3]
  for (int i = 0; i < 7000; ++i) {
    const int64_t x = rng.Int(-3, 3);
    ASSERT_GE(x, -3);
    ASSERT_LE(x, 3);
    ++seen[static_cast<size_t>(x + 3)];
  }
  for (int count : seen) EXPECT_GT(count, 800);  // about 1000 each
  EXPECT_EQ(rng.Int(5, 5), 5);
  // The extremes of int64_t: the span is computed in unsigned arithmetic.
  const int64_t wide = rng.Int(INT64_MIN, INT64_MAX - 1);
  EXPECT_LT(wide, INT64_MAX);
}

TEST(RngTest, ShuffleIsAPermutationFixedByTheSeed) {
  std::vector<int> a(50), b(50);
  for (int i = 0; i < 50; ++i) a[static_cast<size_t>(i)] = b[static_cast<size_t>(i)] = i;
  Rng ra(9), rb(9);
  ra.Shuffle(a.begin(), a.end());
  rb.Shuffle(b.begin(), b.end());
  EXPECT_EQ(a, b);  // the same seed, the same order, on every platform
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(sorted[static_cast<size_t>(i)], i);
  int moved = 0;
  for (int i = 0; i < 50; ++i) moved += a[static_cast<size_t>(i)] != i ? 1 : 0;
  EXPECT_GT(moved, 40);
  // Fisher-Yates over Below: the first swap of {0, 1, 2} with seed 9 picks Below(3).
  std::vector<int> small{0, 1, 2};
  Rng rs(9), ref(9);
  rs.Shuffle(small.begin(), small.end());
  std::vector<int> expect{0, 1, 2};
  std::swap(expect[2], expect[ref.Below(3)]);
  std::swap(expect[1], expect[ref.Below(2)]);
  EXPECT_EQ(small, expect);
}

TEST(DeriveSeedTest, IsSplitMix64) {
  EXPECT_EQ(DeriveSeed(0, 0), 16294208416658607535ull);  // SplitMix64's first output for seed 0
  EXPECT_EQ(DeriveSeed(42, 2), 5139283748462763858ull);
  EXPECT_NE(DeriveSeed(42, 2), DeriveSeed(42, 3));
}

TEST(SeededRandomTest, SameSeedSameDraws) {
  SeededRandom a(3), b(3);
  Rng rng(3);
  for (int i = 0; i < 10; ++i) {
    const double u = a.Uniform01();
    EXPECT_EQ(u, b.Uniform01());
    EXPECT_EQ(u, rng.Unit());
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(SystemRandomTest, DrawsInTheUnitInterval) {
  const std::unique_ptr<Random> random = NewSystemRandom();
  for (int i = 0; i < 100; ++i) {
    const double u = random->Uniform01();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace v2v::base
