// The one source of randomness of the project. Rng is the portable generator: the same seed
// gives the same numbers on every platform (std::mt19937_64 is specified bit for bit by the
// standard; the std::*_distribution classes are not, so the mapping to [0, 1) and to integers is
// ours). Random is the injected port through which a node core draws (Clique's out-of-turn wiggle
// and vote choice); production seeds it from std::random_device, simulations and tests with a
// seed of their own.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>

namespace v2v::base {

// Not thread-safe: one Rng per thread of use. Copyable (a copy continues the same stream).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1), from the top 53 bits of one draw.
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi] (hi reached only by rounding). REQUIRES: lo <= hi.
  double Uniform(double lo, double hi) { return std::clamp(lo + (hi - lo) * Unit(), lo, hi); }
  bool Bernoulli(double p) { return Unit() < p; }
  // Uniform integer in [0, n), by rejection (no modulo bias). REQUIRES: n >= 1.
  uint64_t Below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x = engine_();
    while (x >= limit) x = engine_();
    return x % n;
  }
  // Uniform integer in [lo, hi], by Below. REQUIRES: lo <= hi, hi - lo < UINT64_MAX.
  int64_t Int(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + Below(span));
  }
  // Fisher-Yates over [first, last), by Below (std::shuffle's order is not specified).
  template <typename RandomIt>
  void Shuffle(RandomIt first, RandomIt last) {
    for (auto n = static_cast<uint64_t>(last - first); n > 1; --n) {
      std::iter_swap(first + static_cast<std::ptrdiff_t>(n - 1),
                     first + static_cast<std::ptrdiff_t>(Below(n)));
    }
  }
  uint64_t Next() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// A child seed derived from a parent seed and a stream number (SplitMix64 finaliser), so that
// independent parts of a program draw from independent streams.
inline uint64_t DeriveSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Random {
 public:
  virtual ~Random() = default;
  virtual double Uniform01() = 0;  // a draw in [0, 1)
};

// Random over an Rng with the given seed: the same seed, the same draws, on every platform.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : rng_(seed) {}
  double Uniform01() override { return rng_.Unit(); }

 private:
  Rng rng_;
};

std::unique_ptr<Random> NewSystemRandom();  // seeded from std::random_device

}  // namespace v2v::base
