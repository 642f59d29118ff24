#include "contract/allocation_check.h"

#include <gtest/gtest.h>

#include "contract/testing/world.h"

namespace v2v::contract {
namespace {

using chain::Reject;

struct Fixture {
  testing::World w;
  chain::TradingRound round;
  std::vector<chain::BuyerBid> b;
  std::vector<chain::SellerBid> s;

  Fixture() {
    round = std::get<chain::TradingRound>(w.Round().body);
    Refresh();
  }
  void Refresh() {
    b.clear();
    s.clear();
    for (const auto& t : round.buyers) b.push_back(std::get<chain::BuyerBid>(t.body));
    for (const auto& t : round.sellers) s.push_back(std::get<chain::SellerBid>(t.body));
  }
  std::optional<chain::Rejection> Check() const { return CheckAllocation(round, b, s); }
};

TEST(AllocationCheck, AcceptsTheBuiltRound) {
  Fixture f;
  ASSERT_FALSE(f.round.trades.empty());
  auto r = f.Check();
  EXPECT_FALSE(r) << r->ToString();
}

TEST(AllocationCheck, RejectsAWrongPrice) {
  Fixture f;
  f.round.trades[0].price += 1;
  EXPECT_EQ(f.Check()->code, Reject::kBadPrice);
}

TEST(AllocationCheck, RejectsBrokenConstraints) {
  Fixture f;
  f.round.trades[0].volume_wh = f.b[f.round.trades[0].buyer].b_max_wh + 1;
  EXPECT_EQ(f.Check()->code, Reject::kConstraintViolated);
}

TEST(AllocationCheck, RejectsANonOptimalScheme) {
  Fixture f;
  // Move 30% of the first trade to nobody: constraints may hold, optimality does not.
  auto& t = f.round.trades[0];
  t.volume_wh = std::max<int64_t>(f.b[t.buyer].b_min_wh, t.volume_wh * 7 / 10);
  auto r = f.Check();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->code == Reject::kNotOptimal || r->code == Reject::kConstraintViolated);
  Fixture g;
  g.round.certificate.buyer_price[0] *= 1.5;
  EXPECT_EQ(g.Check()->code, Reject::kNotOptimal);
}

TEST(AllocationCheck, RejectsAPairOutOfRange) {
  Fixture f;
  f.round.radius_m = 50;  // sellers sit 100 m away
  EXPECT_EQ(f.Check()->code, Reject::kOutOfRange);
}

}  // namespace
}  // namespace v2v::contract
