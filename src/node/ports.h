// The outside world a node core sees, injected (docs/architecture.md "Determinism"): the clock
// and the random draws (Clique's out-of-turn wiggle and vote choice). Peers come through
// net::PeerTransport and storage through store::KvStore. Production uses the system clock and
// a randomly seeded generator (below); the cluster simulation (src/cluster/) its own.
#pragma once

#include <cstdint>
#include <memory>

namespace v2v::node {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;  // Unix time in milliseconds
};

class Random {
 public:
  virtual ~Random() = default;
  virtual double Uniform01() = 0;  // a draw in [0, 1)
};

std::unique_ptr<Clock> NewSystemClock();
std::unique_ptr<Random> NewSystemRandom();  // seeded from std::random_device

}  // namespace v2v::node
