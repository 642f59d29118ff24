#include "explorer/savings.h"

#include <gtest/gtest.h>

#include "auction/round_builder.h"
#include "chain/state.h"
#include "contract/testing/world.h"
#include "market/grid_tariff.h"

namespace v2v::explorer {
namespace {

using contract::testing::World;

// A round of World (buyers car-0, car-1; sellers car-2, car-3), built under a flat tariff of 320
// with feed-in 140 in rsu-1's area.
struct SavingsWorld {
  World w;
  market::GridTariff tariff;
  contract::ContractParams params;
  chain::Tx round;
  SavingsWorld() {
    tariff.import = {{0, 320}};
    tariff.feed_in = 140;
    params.grid = {{"rsu-1", tariff}};
    auction::RoundParams p = World::Params();
    p.grid = tariff;
    auto built = auction::BuildRound(
        p, {w.Buyer(0, 1, World::kT0 + 10), w.Buyer(1, 1, World::kT0 + 10, 350)},
        {w.Seller(2, 1, World::kT0 + 10), w.Seller(3, 1, World::kT0 + 10, 120)});
    round = w.SignRound(std::move(built).value().round, 1);
  }
  const chain::TradingRound& body() const { return std::get<chain::TradingRound>(round.body); }
};

TEST(AccountSavings, ABuyerSavesAgainstItsOutsideOptionAndASellerGainsOverFeedIn) {
  SavingsWorld sw;
  ASSERT_FALSE(sw.body().trades.empty());
  AccountSavings buyer, seller, other;
  AddRound(buyer, "car-0", sw.round, sw.params);
  AddRound(seller, "car-2", sw.round, sw.params);
  AddRound(other, "car-9", sw.round, sw.params);
  int64_t bought = 0, paid = 0, sold = 0, given = 0, earned = 0;
  for (const chain::Trade& t : sw.body().trades) {
    const int64_t amount = chain::Payment(t.price, t.volume_wh);
    if (sw.body().buyers[t.buyer].sender == "car-0") bought += t.volume_wh, paid += amount;
    if (sw.body().sellers[t.seller].sender == "car-2") {
      sold += t.volume_wh;
      given += t.volume_wh + chain::LossWh(t.volume_wh, 50'000);
      earned += amount;
    }
  }
  ASSERT_GT(bought, 0);
  EXPECT_EQ(buyer.rounds, 1);
  EXPECT_EQ(buyer.grid_rounds, 1);
  EXPECT_EQ(buyer.bought_wh, bought);
  EXPECT_EQ(buyer.paid, paid);
  // No charger, no wait: the option is the tariff, 320 per kWh, and every price is below it.
  EXPECT_EQ(buyer.grid_cost, chain::Payment(320, bought));
  EXPECT_GT(buyer.Saved(), 0);
  EXPECT_EQ(seller.sold_wh, sold);
  EXPECT_EQ(seller.given_wh, given);
  EXPECT_EQ(seller.earned, earned);
  EXPECT_EQ(seller.feed_in_value, chain::Payment(140, given));
  EXPECT_EQ(other.rounds, 0);
  EXPECT_EQ(SavingsJson("car-0", buyer)["saved"], buyer.Saved());
}

TEST(AccountSavings, RoundsWithoutATariffAreCountedButNotCompared) {
  SavingsWorld sw;
  AccountSavings sums;
  AddRound(sums, "car-0", sw.round, contract::ContractParams{});  // no grid in the genesis
  EXPECT_EQ(sums.rounds, 1);
  EXPECT_EQ(sums.grid_rounds, 0);
  EXPECT_EQ(sums.paid, 0);  // nothing to set against the grid, so nothing summed
  EXPECT_EQ(sums.grid_cost, 0);
}

// On a McAfee chain (contract C-4.9) the buyer of a reduced trade pays b_q, the seller's price
// plus the spread the RSU keeps: what it paid is the escrow's amount, not the price alone.
TEST(AccountSavings, AMcAfeeBuyerPaysTheSpreadTheRsuKeeps) {
  SavingsWorld sw;
  sw.params.mechanism = {market::ChainMechanismKind::kMcAfee, 0, 0, 100, 250};
  auction::RoundParams p = World::Params();
  p.grid = sw.tariff;
  p.mechanism = sw.params.mechanism;
  // Bids 350 (capped at the option 320) and 210; asks 120 (raised to the feed-in floor 147) and
  // 200: McAfee reduces (p0 = (100 + 250) / 2 < a_q = 200); car-1 pays 210, car-3 receives 200.
  auto built = auction::BuildRound(
      p, {sw.w.Buyer(0, 1, World::kT0 + 10, 210), sw.w.Buyer(1, 1, World::kT0 + 10, 350)},
      {sw.w.Seller(2, 1, World::kT0 + 10, 200), sw.w.Seller(3, 1, World::kT0 + 10, 120)});
  ASSERT_TRUE(built.ok());
  const chain::Tx round = sw.w.SignRound(std::move(built).value().round, 1);
  const auto& body = std::get<chain::TradingRound>(round.body);
  ASSERT_EQ(body.trades.size(), 1u);
  const int64_t x = body.trades[0].volume_wh;
  EXPECT_EQ(body.trades[0].price, 200);
  AccountSavings buyer, seller;
  AddRound(buyer, "car-1", round, sw.params);
  AddRound(seller, "car-3", round, sw.params);
  EXPECT_EQ(buyer.paid, chain::Payment(200, x) + chain::Payment(10, x));
  EXPECT_EQ(seller.earned, chain::Payment(200, x));
}

}  // namespace
}  // namespace v2v::explorer
