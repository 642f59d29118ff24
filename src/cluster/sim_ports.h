// The node ports on the simulation's side: one simulated clock shared by every node (a
// base::FakeClock the simulation advances), and a seeded generator per node process.
#pragma once

#include <cstdint>
#include <random>

#include "base/clock.h"
#include "node/ports.h"

namespace v2v::cluster {

using SimClock = base::FakeClock;

// Draws with std::uniform_real_distribution over std::mt19937_64, like the rest of the
// simulation's faults and workload (cluster.cc, network.cc), so that a seed replays the same run
// on one standard library.
class SeededRandom final : public node::Random {
 public:
  explicit SeededRandom(uint64_t seed) : rng_(seed) {}
  double Uniform01() override { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }

 private:
  std::mt19937_64 rng_;
};

}  // namespace v2v::cluster
