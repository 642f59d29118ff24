// Two small pieces every outside surface of the node uses (the RPC listener, the operator socket,
// the peer port, the vehicle port): a connection budget and a refusal record
// (docs/spec/node.md N7). Reusable by any listener: take a slot per accepted connection, record
// every refusal under the surface's name.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "base/clock.h"

namespace v2v::net {

// At most `max` connections at once. TryAcquire() hands out a slot that gives its place back
// when destroyed (it may outlive the budget). Thread-safe.
class ConnectionBudget {
 public:
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept : used_(std::exchange(other.used_, nullptr)) {}
    Slot& operator=(Slot&& other) noexcept {
      Release();
      used_ = std::exchange(other.used_, nullptr);
      return *this;
    }
    ~Slot() { Release(); }
    bool held() const { return used_ != nullptr; }

   private:
    friend class ConnectionBudget;
    explicit Slot(std::shared_ptr<std::atomic<size_t>> used) : used_(std::move(used)) {}
    void Release() {
      if (used_) used_->fetch_sub(1);
      used_.reset();
    }
    std::shared_ptr<std::atomic<size_t>> used_;
  };

  explicit ConnectionBudget(size_t max)
      : max_(max), used_(std::make_shared<std::atomic<size_t>>(0)) {}
  // A held slot, or an empty one (held() false) when `max` are in use.
  Slot TryAcquire();
  size_t in_use() const { return used_->load(); }
  size_t max() const { return max_; }

 private:
  size_t max_;
  std::shared_ptr<std::atomic<size_t>> used_;
};

// At most `per_address` connections at once from one address (a remote IP as text). The same
// slot rule as ConnectionBudget, one count per address; an address's entry goes when its last slot
// does, so the table holds only addresses with an open connection. Thread-safe.
class AddressQuota {
 public:
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept
        : state_(std::exchange(other.state_, nullptr)), address_(std::move(other.address_)) {}
    Slot& operator=(Slot&& other) noexcept {
      Release();
      state_ = std::exchange(other.state_, nullptr);
      address_ = std::move(other.address_);
      return *this;
    }
    ~Slot() { Release(); }
    bool held() const { return state_ != nullptr; }

   private:
    friend class AddressQuota;
    struct State {
      std::mutex mu;
      std::map<std::string, size_t> open;  // guarded by mu
    };
    Slot(std::shared_ptr<State> state, std::string address)
        : state_(std::move(state)), address_(std::move(address)) {}
    void Release();
    std::shared_ptr<State> state_;
    std::string address_;
  };

  explicit AddressQuota(size_t per_address)
      : per_address_(per_address), state_(std::make_shared<Slot::State>()) {}
  // A held slot, or an empty one when `address` already holds `per_address` slots.
  Slot TryAcquire(const std::string& address);
  size_t open(const std::string& address) const;
  size_t addresses() const;  // addresses holding a slot
  size_t per_address() const { return per_address_; }

 private:
  size_t per_address_;
  std::shared_ptr<Slot::State> state_;
};

// Counts refusals by (surface, reason) for Prometheus and reports each to a sink (the node's log).
// So that an attacker cannot flood the log, at most kLinesPerSecond lines per (surface, reason)
// go to the sink each second; the next line that goes out carries how many were held back.
// Counters are never held back. Thread-safe.
class Refusals {
 public:
  // detail: what was refused and why, for a person; suppressed: lines held back before this one.
  using Sink = std::function<void(const std::string& surface, const std::string& reason,
                                  const std::string& detail, uint64_t suppressed)>;
  static constexpr int kLinesPerSecond = 10;

  Refusals() = default;
  // `clock`: for the rate limit (injected; the node's); it must outlive this.
  Refusals(Sink sink, const base::Clock& clock) : sink_(std::move(sink)), clock_(&clock) {}

  void Record(const std::string& surface, const std::string& reason, const std::string& detail);
  uint64_t Count(const std::string& surface, const std::string& reason) const;
  // "v2v_refusals_total{surface="rpc",reason="header_timeout"} 3" lines with HELP and TYPE.
  std::string MetricsText() const;

 private:
  struct Entry {
    uint64_t count = 0;
    int64_t window_start_ms = 0;
    int lines_in_window = 0;
    uint64_t suppressed = 0;
  };
  Sink sink_;
  const base::Clock* clock_ = nullptr;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;  // guarded by mu_
};

}  // namespace v2v::net
