// The node ports on the simulation's side: one simulated clock shared by every node, and a
// seeded generator per node process.
#pragma once

#include <cstdint>
#include <random>

#include "node/ports.h"

namespace v2v::cluster {

class SimClock final : public node::Clock {
 public:
  explicit SimClock(int64_t start_ms) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_; }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  int64_t now_ms_;
};

class SeededRandom final : public node::Random {
 public:
  explicit SeededRandom(uint64_t seed) : rng_(seed) {}
  double Uniform01() override { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }

 private:
  std::mt19937_64 rng_;
};

}  // namespace v2v::cluster
