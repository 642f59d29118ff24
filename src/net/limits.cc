#include "net/limits.h"

#include <sstream>

namespace v2v::net {

ConnectionBudget::Slot ConnectionBudget::TryAcquire() {
  size_t n = used_->load();
  while (n < max_) {
    if (used_->compare_exchange_weak(n, n + 1)) return Slot(used_);
  }
  return Slot();
}

void AddressQuota::Slot::Release() {
  if (!state_) return;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->open.find(address_);
    if (it != state_->open.end() && --it->second == 0) state_->open.erase(it);
  }
  state_.reset();
}

AddressQuota::Slot AddressQuota::TryAcquire(const std::string& address) {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->open.find(address);
  if ((it == state_->open.end() ? 0 : it->second) >= per_address_) return Slot();
  ++state_->open[address];
  return Slot(state_, address);
}

size_t AddressQuota::open(const std::string& address) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->open.find(address);
  return it == state_->open.end() ? 0 : it->second;
}

size_t AddressQuota::addresses() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->open.size();
}

void Refusals::Record(const std::string& surface, const std::string& reason,
                      const std::string& detail) {
  uint64_t suppressed = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& e = entries_[{surface, reason}];
    ++e.count;
    if (!sink_) return;
    const int64_t now = clock_ ? clock_->NowMs() : 0;
    if (now - e.window_start_ms >= 1000) {
      e.window_start_ms = now;
      e.lines_in_window = 0;
    }
    if (e.lines_in_window >= kLinesPerSecond) {
      ++e.suppressed;
      return;
    }
    ++e.lines_in_window;
    suppressed = std::exchange(e.suppressed, 0);
  }
  sink_(surface, reason, detail, suppressed);
}

uint64_t Refusals::Count(const std::string& surface, const std::string& reason) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find({surface, reason});
  return it == entries_.end() ? 0 : it->second.count;
}

std::string Refusals::MetricsText() const {
  std::ostringstream out;
  out << "# HELP v2v_refusals_total Requests and connections refused by a limit or a check, by "
         "surface and reason.\n"
      << "# TYPE v2v_refusals_total counter\n";
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, e] : entries_) {
    out << "v2v_refusals_total{surface=\"" << key.first << "\",reason=\"" << key.second << "\"} "
        << e.count << '\n';
  }
  return out.str();
}

}  // namespace v2v::net
