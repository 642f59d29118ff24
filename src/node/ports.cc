#include "node/ports.h"

#include <chrono>
#include <random>

namespace v2v::node {
namespace {

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class SystemRandom final : public Random {
 public:
  SystemRandom() : rng_(std::random_device{}()) {}
  double Uniform01() override { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

std::unique_ptr<Clock> NewSystemClock() { return std::make_unique<SystemClock>(); }
std::unique_ptr<Random> NewSystemRandom() { return std::make_unique<SystemRandom>(); }

}  // namespace v2v::node
