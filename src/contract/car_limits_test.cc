// Contract rule C-4.8: the car as it is. A pair moves at most the lower stated power for the
// shorter stated stay (to the earlier departure), and a seller gives up nothing below its target.
#include <gtest/gtest.h>

#include "auction/round_builder.h"
#include "contract/allocation_check.h"
#include "contract/testing/contract_env.h"
#include "contract/testing/world.h"

namespace v2v::contract {
namespace {

using chain::Reject;
using testing::World;

constexpr int64_t kBidAt = World::kT0 + 10;
constexpr int64_t kRoundClose = World::kT0 + 60;  // World::Params(): T_limit 60

struct CarEnv : testing::ContractEnv {
  chain::Tx Resigned(chain::Tx tx, int car) const {
    chain::SignTx(tx, w.cars[static_cast<size_t>(car)]);
    return tx;
  }
  // Buyer 0 charges at 3 kW and leaves 1,800 s after the round closes: at most 1,500 Wh a pair.
  chain::Tx SlowBuyer() const {
    chain::Tx tx = w.Buyer(0, 1, kBidAt);
    auto& b = std::get<chain::BuyerBid>(tx.body);
    b.max_power_w = 3'000;
    b.departure_s = kRoundClose + 1'800;
    return Resigned(std::move(tx), 0);
  }
  chain::Tx SellerWithTarget(int car, int64_t target_wh) const {
    chain::Tx tx = w.Seller(car, 1, kBidAt);
    std::get<chain::SellerBid>(tx.body).target_wh = target_wh;
    return Resigned(std::move(tx), car);
  }
  chain::TradingRound Build(std::vector<chain::Tx> buyers, std::vector<chain::Tx> sellers) const {
    auto built = auction::BuildRound(World::Params(), std::move(buyers), std::move(sellers));
    EXPECT_TRUE(built.ok());
    return std::move(built).value().round;
  }
};

TEST(CarLimitsOnChain, ThePairCapIsThePowerForTheStayAndTheContractHoldsItsRoundToIt) {
  CarEnv env;
  const chain::BuyerBid b = std::get<chain::BuyerBid>(env.SlowBuyer().body);
  chain::SellerBid s;
  EXPECT_EQ(PairCapWh(b, s, kRoundClose), 1'500);
  s.max_power_w = 2'000;  // the lower power
  EXPECT_EQ(PairCapWh(b, s, kRoundClose), 1'000);
  s.departure_s = kRoundClose + 360;  // the earlier departure
  EXPECT_EQ(PairCapWh(b, s, kRoundClose), 200);
  s.departure_s = kRoundClose - 5;  // gone before the energy could move
  EXPECT_EQ(PairCapWh(b, s, kRoundClose), 0);
  EXPECT_EQ(PairCapWh(chain::BuyerBid{}, chain::SellerBid{}, kRoundClose), std::nullopt);

  chain::TradingRound r = env.Build({env.SlowBuyer()}, {env.w.Seller(2, 1, kBidAt)});
  ASSERT_EQ(r.trades.size(), 1u);
  EXPECT_LE(r.trades[0].volume_wh, 1'500);  // the buyer wants up to 5,000 Wh
  env.Ok(env.genesis, kRoundClose + 5, {env.w.SignRound(r, 1)});
  r.trades[0].volume_wh = 1'501;  // one Wh over what the cars allow
  EXPECT_EQ(env.Rejects(env.genesis, kRoundClose + 5, {env.w.SignRound(r, 1)}),
            Reject::kConstraintViolated);
}

TEST(CarLimitsOnChain, ASellerNeverGivesBelowItsTarget) {
  CarEnv env;
  const std::vector<chain::Tx> buyers = {env.w.Buyer(0, 1, kBidAt), env.w.Buyer(1, 1, kBidAt, 350)};
  // Without a target seller 2 gives `out` Wh, losses included.
  chain::TradingRound r = env.Build(buyers, {env.w.Seller(2, 1, kBidAt)});
  int64_t out = 0;
  for (const chain::Trade& t : r.trades) out += t.volume_wh + chain::LossWh(t.volume_wh, 50'000);
  ASSERT_GT(out, 2'000);
  // The same round with a target one Wh above what that leaves is refused...
  const int64_t s_t = 20'000;
  r.sellers[0] = env.SellerWithTarget(2, s_t - out + 1);
  EXPECT_EQ(env.Rejects(env.genesis, kRoundClose + 5, {env.w.SignRound(r, 1)}),
            Reject::kConstraintViolated);
  // ...and a round built with a target keeps it.
  const int64_t target = s_t - out / 2;
  const chain::TradingRound kept = env.Build(buyers, {env.SellerWithTarget(2, target)});
  int64_t given = 0;
  for (const chain::Trade& t : kept.trades) {
    given += t.volume_wh + chain::LossWh(t.volume_wh, 50'000);
  }
  EXPECT_GT(given, 0);
  EXPECT_LE(given, s_t - target);
  const chain::State after = env.Ok(env.genesis, kRoundClose + 5, {env.w.SignRound(kept, 1)});
  EXPECT_GE(after.accounts.at("car-2").energy_wh, 50'000 - (s_t - target));
}

// A seller the cars rule out (it leaves before the round closes) and one with nothing above its
// target take no trade, and the round that leaves them unused is optimal: the contract takes it.
TEST(CarLimitsOnChain, SellersThatCannotGiveAnythingDoNotMakeAnHonestRoundSuboptimal) {
  CarEnv env;
  chain::Tx gone = env.w.Seller(3, 1, kBidAt, 120);  // the cheaper seller, but leaving
  auto& g = std::get<chain::SellerBid>(gone.body);
  g.max_power_w = 11'000;
  g.departure_s = kRoundClose - 30;
  gone = env.Resigned(std::move(gone), 3);
  const chain::TradingRound r =
      env.Build({env.w.Buyer(0, 1, kBidAt)}, {env.w.Seller(2, 1, kBidAt), std::move(gone)});
  ASSERT_FALSE(r.trades.empty());
  for (const chain::Trade& t : r.trades) EXPECT_EQ(r.sellers[t.seller].sender, "car-2");
  env.Ok(env.genesis, kRoundClose + 5, {env.w.SignRound(r, 1)});

  const chain::TradingRound full = env.Build(
      {env.w.Buyer(0, 1, kBidAt)}, {env.w.Seller(2, 1, kBidAt), env.SellerWithTarget(3, 20'000)});
  ASSERT_FALSE(full.trades.empty());
  for (const chain::Trade& t : full.trades) EXPECT_EQ(full.sellers[t.seller].sender, "car-2");
  env.Ok(env.genesis, kRoundClose + 5, {env.w.SignRound(full, 1)});
}

}  // namespace
}  // namespace v2v::contract
