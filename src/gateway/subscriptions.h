// The vehicle API's subscriptions (docs/spec/vehicle-api.md "Methods" and "Pushes"), a pure core
// indexed so that each operation touches only its own entries: by id (unsubscribe), by session
// (closing a session removes its own and visits no other), by vehicle id (`vehicle` pushes) and
// by position cell (a `calls` push visits only the cells its radius reaches). Two caps, per
// session and per node; a subscription past either is refused with a typed reason. visited()
// counts the entries these walks examined: the io thread's work, for metrics and tests.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>

#include "gateway/reason.h"

namespace v2v::gateway {

using SessionId = uint64_t;

struct SubscriptionLimits {
  size_t per_session = 64;
  size_t per_node = 20000;  // two per connection at the connection cap (a seller's two)
};

// A `calls` subscription at a position (metres) or a `vehicle` subscription to an account id.
struct CallsAt {
  int64_t x_m = 0, y_m = 0;
};
using SubscriptionTopic = std::variant<CallsAt, std::string>;

using SubscriptionId = std::string;
using SubscriptionResult = std::variant<SubscriptionId, Refusal>;
// Called once per matching subscription; it must not add or remove subscriptions.
using SubscriptionVisitor = std::function<void(SessionId, const SubscriptionId&)>;

class Subscriptions {
 public:
  // cell_m: the side of a position cell (at least 1); about a push's radius is best.
  explicit Subscriptions(SubscriptionLimits limits = {}, int64_t cell_m = 1000);

  SubscriptionResult Add(SessionId session, SubscriptionTopic topic);
  bool Remove(SessionId session, const SubscriptionId& id);  // false: not this session's
  void RemoveSession(SessionId session);

  void ForVehicle(const std::string& vehicle, const SubscriptionVisitor& visit);
  // Every `calls` subscription within radius_m of (x_m, y_m).
  void ForCallsWithin(int64_t x_m, int64_t y_m, int64_t radius_m, const SubscriptionVisitor& visit);

  size_t size() const { return by_id_.size(); }
  size_t OfSession(SessionId session) const;  // the subscriptions `session` holds
  uint64_t visited() const { return visited_; }

 private:
  using Cell = std::pair<int64_t, int64_t>;
  struct Entry {
    SessionId session = 0;
    SubscriptionTopic topic;
  };
  Cell CellOf(int64_t x_m, int64_t y_m) const;
  void VisitCell(const std::set<SubscriptionId>& ids, int64_t x_m, int64_t y_m, double radius_m,
                 const SubscriptionVisitor& visit);
  void Unindex(const SubscriptionId& id, const Entry& e);
  SubscriptionId NextId();

  SubscriptionLimits limits_;
  int64_t cell_m_;
  std::unordered_map<SubscriptionId, Entry> by_id_;
  std::unordered_map<SessionId, std::set<SubscriptionId>> by_session_;
  std::unordered_map<std::string, std::set<SubscriptionId>> by_vehicle_;
  std::map<Cell, std::set<SubscriptionId>> by_cell_;  // ordered: a push walks a box of cells
  uint64_t next_ = 1;
  uint64_t visited_ = 0;
};

}  // namespace v2v::gateway
