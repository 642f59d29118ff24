// The one clock of the project: every read of "now" (Unix time in milliseconds) goes through an
// injected base::Clock, so that a core, a gateway or a vehicle can run on a FakeClock in a test
// or a simulation. Pure cores may take the time as a parameter instead; their callers read it
// here. Monotonic durations for timeouts (asio timers, std::chrono::steady_clock) are not
// "now" and stay where they are.
#pragma once

#include <cstdint>
#include <memory>

namespace v2v::base {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;  // Unix time in milliseconds
};

// The wall clock (std::chrono::system_clock). Stateless: one shared instance serves everyone.
class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  static const SystemClock& Shared();
};

std::unique_ptr<Clock> NewSystemClock();

// A clock that moves only when told to: tests and simulations.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 0) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_; }
  void Set(int64_t now_ms) { now_ms_ = now_ms; }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  int64_t now_ms_;
};

}  // namespace v2v::base
