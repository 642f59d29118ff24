#include "gateway/subscriptions.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace v2v::gateway {

namespace {
int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

int64_t FloorDiv(int64_t v, int64_t d) {
  const int64_t q = v / d;
  return (v % d != 0 && v < 0) ? q - 1 : q;
}

template <typename Index, typename Key>
void EraseFrom(Index& index, const Key& key, const SubscriptionId& id) {
  auto it = index.find(key);
  if (it == index.end()) return;
  it->second.erase(id);
  if (it->second.empty()) index.erase(it);
}
}  // namespace

Subscriptions::Subscriptions(SubscriptionLimits limits, int64_t cell_m)
    : limits_(limits), cell_m_(std::max<int64_t>(cell_m, 1)) {}

Subscriptions::Cell Subscriptions::CellOf(int64_t x_m, int64_t y_m) const {
  return {FloorDiv(x_m, cell_m_), FloorDiv(y_m, cell_m_)};
}

SubscriptionId Subscriptions::NextId() {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx",
                static_cast<unsigned long long>(next_++ * 0x9e3779b97f4a7c15ull));
  return buf;
}

SubscriptionResult Subscriptions::Add(SessionId session, SubscriptionTopic topic) {
  std::set<SubscriptionId>& own = by_session_[session];
  if (own.size() >= limits_.per_session) {
    if (own.empty()) by_session_.erase(session);  // a cap of 0
    return Refuse(Reason::kTooManySubscriptions, "subscription cap of this connection reached");
  }
  if (by_id_.size() >= limits_.per_node) {
    if (own.empty()) by_session_.erase(session);
    return Refuse(Reason::kNodeSubscriptionsFull, "subscription cap of this node reached");
  }
  SubscriptionId id = NextId();
  own.insert(id);
  if (const auto* at = std::get_if<CallsAt>(&topic)) {
    by_cell_[CellOf(at->x_m, at->y_m)].insert(id);
  } else {
    by_vehicle_[std::get<std::string>(topic)].insert(id);
  }
  by_id_.emplace(id, Entry{session, std::move(topic)});
  return id;
}

void Subscriptions::Unindex(const SubscriptionId& id, const Entry& e) {
  if (const auto* at = std::get_if<CallsAt>(&e.topic)) {
    EraseFrom(by_cell_, CellOf(at->x_m, at->y_m), id);
  } else {
    EraseFrom(by_vehicle_, std::get<std::string>(e.topic), id);
  }
}

bool Subscriptions::Remove(SessionId session, const SubscriptionId& id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second.session != session) return false;
  Unindex(id, it->second);
  EraseFrom(by_session_, session, id);
  by_id_.erase(it);
  return true;
}

void Subscriptions::RemoveSession(SessionId session) {
  auto own = by_session_.find(session);
  if (own == by_session_.end()) return;
  for (const SubscriptionId& id : own->second) {
    ++visited_;
    auto it = by_id_.find(id);
    Unindex(id, it->second);
    by_id_.erase(it);
  }
  by_session_.erase(own);
}

size_t Subscriptions::OfSession(SessionId session) const {
  auto own = by_session_.find(session);
  return own == by_session_.end() ? 0 : own->second.size();
}

void Subscriptions::ForVehicle(const std::string& vehicle, const SubscriptionVisitor& visit) {
  auto ids = by_vehicle_.find(vehicle);
  if (ids == by_vehicle_.end()) return;
  for (const SubscriptionId& id : ids->second) {
    ++visited_;
    visit(by_id_.at(id).session, id);
  }
}

void Subscriptions::VisitCell(const std::set<SubscriptionId>& ids, int64_t x_m, int64_t y_m,
                              double radius_m, const SubscriptionVisitor& visit) {
  for (const SubscriptionId& id : ids) {
    ++visited_;
    const Entry& e = by_id_.at(id);
    const CallsAt& at = std::get<CallsAt>(e.topic);
    const double dx = static_cast<double>(at.x_m) - static_cast<double>(x_m);
    const double dy = static_cast<double>(at.y_m) - static_cast<double>(y_m);
    if (dx * dx + dy * dy <= radius_m * radius_m) visit(e.session, id);
  }
}

// The occupied cells of the box around the circle, column by column: each occupied cell of the
// box is visited once, and a column's cells outside the box are skipped by one lookup.
void Subscriptions::ForCallsWithin(int64_t x_m, int64_t y_m, int64_t radius_m,
                                   const SubscriptionVisitor& visit) {
  const int64_t r = std::max<int64_t>(radius_m, 0);
  const Cell lo = CellOf(SaturatingAdd(x_m, -r), SaturatingAdd(y_m, -r));
  const Cell hi = CellOf(SaturatingAdd(x_m, r), SaturatingAdd(y_m, r));
  auto it = by_cell_.lower_bound(lo);
  while (it != by_cell_.end() && it->first.first <= hi.first) {
    const auto [cx, cy] = it->first;
    if (cy < lo.second) {
      it = by_cell_.lower_bound({cx, lo.second});
    } else if (cy > hi.second) {
      if (cx == hi.first) break;
      it = by_cell_.lower_bound({cx + 1, lo.second});
    } else {
      VisitCell(it->second, x_m, y_m, static_cast<double>(r), visit);
      ++it;
    }
  }
}

}  // namespace v2v::gateway
