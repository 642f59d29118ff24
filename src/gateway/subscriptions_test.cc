#include "gateway/subscriptions.h"

#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace v2v::gateway {
namespace {

SubscriptionId Added(Subscriptions& subs, SessionId session, SubscriptionTopic topic) {
  SubscriptionResult r = subs.Add(session, std::move(topic));
  EXPECT_TRUE(std::holds_alternative<SubscriptionId>(r));
  return std::holds_alternative<SubscriptionId>(r) ? std::get<SubscriptionId>(r) : "";
}

std::vector<std::pair<SessionId, SubscriptionId>> CallsWithin(Subscriptions& subs, int64_t x,
                                                              int64_t y, int64_t radius) {
  std::vector<std::pair<SessionId, SubscriptionId>> hit;
  subs.ForCallsWithin(x, y, radius,
                      [&](SessionId s, const SubscriptionId& id) { hit.emplace_back(s, id); });
  return hit;
}

// Finding A: removing a session examines its own entries, whatever the others hold.
TEST(SubscriptionsTest, RemovingASessionVisitsOnlyItsOwn) {
  Subscriptions subs({.per_session = 64, .per_node = 100'000});
  for (SessionId s = 2; s < 1002; ++s) {
    for (int i = 0; i < 16; ++i) Added(subs, s, CallsAt{i * 10, 0});
    Added(subs, s, "car-" + std::to_string(s));
  }
  Added(subs, 1, CallsAt{0, 0});
  Added(subs, 1, std::string("car-2"));
  ASSERT_EQ(subs.size(), 1000u * 17 + 2);
  const uint64_t before = subs.visited();
  subs.RemoveSession(1);
  EXPECT_EQ(subs.visited() - before, 2u);
  EXPECT_EQ(subs.size(), 1000u * 17);
  subs.RemoveSession(1);  // twice: nothing left to visit
  EXPECT_EQ(subs.visited() - before, 2u);
  int car2 = 0;
  subs.ForVehicle("car-2", [&](SessionId s, const SubscriptionId&) { car2 += s == 2 ? 1 : 100; });
  EXPECT_EQ(car2, 1);  // session 2's own `vehicle` subscription is intact
}

TEST(SubscriptionsTest, OnlyTheOwningSessionRemovesASubscription) {
  Subscriptions subs;
  const SubscriptionId id = Added(subs, 1, CallsAt{0, 0});
  EXPECT_EQ(subs.OfSession(1), 1u);
  EXPECT_FALSE(subs.Remove(2, id));
  EXPECT_FALSE(subs.Remove(1, "0x0"));
  EXPECT_EQ(subs.OfSession(2), 0u);
  EXPECT_TRUE(subs.Remove(1, id));
  EXPECT_EQ(subs.size(), 0u);
  EXPECT_EQ(subs.OfSession(1), 0u);
  EXPECT_TRUE(CallsWithin(subs, 0, 0, 1000).empty());
}

TEST(SubscriptionsTest, CapsPerSessionAndPerNodeAreTypedRefusals) {
  Subscriptions subs({.per_session = 2, .per_node = 3});
  Added(subs, 1, CallsAt{});
  const SubscriptionId second = Added(subs, 1, CallsAt{});
  auto own = subs.Add(1, CallsAt{});
  ASSERT_TRUE(std::holds_alternative<Refusal>(own));
  EXPECT_EQ(std::get<Refusal>(own).reason, Reason::kTooManySubscriptions);
  Added(subs, 2, std::string("car-1"));
  auto node = subs.Add(3, std::string("car-1"));
  ASSERT_TRUE(std::holds_alternative<Refusal>(node));
  EXPECT_EQ(std::get<Refusal>(node).reason, Reason::kNodeSubscriptionsFull);
  EXPECT_EQ(subs.size(), 3u);
  EXPECT_TRUE(subs.Remove(1, second));
  Added(subs, 3, std::string("car-1"));  // room again
}

TEST(SubscriptionsTest, CallsReachExactlyTheRadiusAcrossCells) {
  Subscriptions subs({}, 1000);
  const SubscriptionId edge = Added(subs, 1, CallsAt{-1000, 0});  // exactly the radius
  const SubscriptionId inside = Added(subs, 2, CallsAt{-705, -705});
  Added(subs, 3, CallsAt{-710, -710});  // a reached cell, 1,004 m away
  Added(subs, 4, CallsAt{0, 1001});
  const auto hit = CallsWithin(subs, 0, 0, 1000);
  ASSERT_EQ(hit.size(), 2u);
  EXPECT_EQ(std::set<SubscriptionId>({hit[0].second, hit[1].second}),
            std::set<SubscriptionId>({edge, inside}));
}

TEST(SubscriptionsTest, AWideRadiusVisitsOccupiedCellsOnlyAndExtremesDoNotOverflow) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  Subscriptions subs({}, 1);
  Added(subs, 1, CallsAt{kMax, kMax});
  Added(subs, 1, CallsAt{kMin, kMin});
  Added(subs, 1, CallsAt{0, 5'000'000});
  EXPECT_EQ(CallsWithin(subs, kMax, kMax, 10).size(), 1u);
  EXPECT_EQ(CallsWithin(subs, kMin, kMin, 10).size(), 1u);
  const uint64_t before = subs.visited();
  EXPECT_EQ(CallsWithin(subs, 0, 0, 10'000'000).size(), 1u);  // 2e7 x 2e7 cells of 1 m
  EXPECT_EQ(subs.visited() - before, 1u);
}

}  // namespace
}  // namespace v2v::gateway
