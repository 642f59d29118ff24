// Contract rule C-4.7: the grid model on chain. A round of an RSU whose area has a tariff is
// screened against it at T_stamp: no beaten bid, and prices on the capped ranges.
#include "contract/grid_screen.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "contract/genesis.h"
#include "contract/testing/contract_env.h"
#include "contract/testing/world.h"

namespace v2v::contract {
namespace {

using chain::Reject;
using testing::World;

constexpr int64_t kGridClose = World::kT0 + 60;

// A flat tariff with no charger and no wait: every buyer's outside option is `import`.
market::GridTariff Flat(int64_t import, int64_t feed_in) {
  market::GridTariff g;
  g.import = {{0, import}};
  g.feed_in = feed_in;
  return g;
}

struct GridEnv : testing::ContractEnv {
  // The contract of a network whose genesis gives rsu-1's area `tariff`.
  TradingContract Under(const market::GridTariff& tariff) const {
    ContractParams p{3600, 600, w.ca.public_key(), 0};
    p.grid = {{"rsu-1", tariff}};
    return TradingContract(verifier, p);
  }
  auction::BuiltRound Build(const std::optional<market::GridTariff>& grid) const {
    auction::RoundParams p = World::Params();
    p.grid = grid;
    auto built = auction::BuildRound(
        p, {w.Buyer(0, 1, World::kT0 + 10), w.Buyer(1, 1, World::kT0 + 10, 350)},
        {w.Seller(2, 1, World::kT0 + 10), w.Seller(3, 1, World::kT0 + 10, 120)});
    EXPECT_TRUE(built.ok());
    return std::move(built).value();
  }
  std::variant<chain::State, chain::Rejection> ApplyUnder(const market::GridTariff& tariff,
                                                          const chain::Tx& round) const {
    return Under(tariff).ApplyBlock(genesis, World::MakeBlock(kGridClose + 5, {round}));
  }
};

TEST(GridOnChain, AGridRoundIsPricedBetweenEveryOutsideOption) {
  GridEnv env;
  const market::GridTariff tariff = Flat(320, 140);  // buyers' option 320, sellers' floor 147
  const auction::BuiltRound built = env.Build(tariff);
  EXPECT_TRUE(built.grid_left_out.empty());
  ASSERT_FALSE(built.round.trades.empty());
  for (const chain::Trade& t : built.round.trades) {
    EXPECT_LE(t.price, 320);
    EXPECT_GE(t.price, 147);  // ceil(140 x 1.05)
  }
  auto applied = env.ApplyUnder(tariff, env.w.SignRound(built.round, 1));
  ASSERT_TRUE(std::holds_alternative<chain::State>(applied))
      << std::get<chain::Rejection>(applied).ToString();
  EXPECT_EQ(std::get<chain::State>(applied).escrows.size(), built.round.trades.size());
}

TEST(GridOnChain, ARoundPricedWithoutTheGridIsRefusedWhereTheGenesisNamesOne) {
  GridEnv env;
  const chain::Tx paper = env.w.SignRound(env.Build(std::nullopt).round, 1);
  // Under the paper's model the same bytes apply (the test world's contract has no grid)...
  EXPECT_TRUE(
      std::holds_alternative<chain::State>(env.Apply(env.genesis, kGridClose + 5, {paper})));
  // ...but under a tariff the prices must come from the capped ranges.
  auto refused = env.ApplyUnder(Flat(320, 140), paper);
  ASSERT_TRUE(std::holds_alternative<chain::Rejection>(refused));
  EXPECT_EQ(std::get<chain::Rejection>(refused).code, Reject::kBadPrice);
  // An area of another RSU does not touch rsu-1's rounds.
  ContractParams other{3600, 600, env.w.ca.public_key(), 0};
  other.grid = {{"rsu-9", Flat(320, 140)}};
  TradingContract elsewhere(env.verifier, other);
  EXPECT_TRUE(std::holds_alternative<chain::State>(
      elsewhere.ApplyBlock(env.genesis, World::MakeBlock(kGridClose + 5, {paper}))));
}

TEST(GridOnChain, BuyersTheGridBeatsAreLeftOutAndARoundHoldingThemIsRefused) {
  GridEnv env;
  const market::GridTariff cheap = Flat(320, 330);  // every buyer's option is below feed-in
  const auction::BuiltRound built = env.Build(cheap);
  ASSERT_EQ(built.grid_left_out.size(), 4u);  // both buyers, then both sellers (no buyer kept)
  EXPECT_TRUE(built.grid_left_out[0].why.buyer);
  EXPECT_EQ(built.grid_left_out[0].why.verdict, market::GridVerdict::kGridCheaper);
  EXPECT_EQ(built.grid_left_out[0].why.option, 320);
  EXPECT_EQ(built.grid_left_out[0].why.bound, 330);
  EXPECT_FALSE(built.grid_left_out[3].why.buyer);
  EXPECT_EQ(built.grid_left_out[3].why.verdict, market::GridVerdict::kFeedInBetter);
  EXPECT_TRUE(built.round.buyers.empty());
  EXPECT_TRUE(built.round.sellers.empty());

  auto refused = env.ApplyUnder(cheap, env.w.SignRound(env.Build(std::nullopt).round, 1));
  ASSERT_TRUE(std::holds_alternative<chain::Rejection>(refused));
  EXPECT_EQ(std::get<chain::Rejection>(refused).code, Reject::kBeatenByGrid);
  EXPECT_NE(std::get<chain::Rejection>(refused).detail.find("grid_cheaper"), std::string::npos);
}

TEST(GridOnChain, SellersFeedingInForMoreAreLeftOutAndTheRestStillTrade) {
  GridEnv env;
  // Buyers' option 320; the floor is ceil(300 x 1.05) = 315 for both sellers (rho 5%): they stay.
  EXPECT_TRUE(env.Build(Flat(320, 300)).grid_left_out.empty());
  // At feed-in 310 the floor is 326 > 320: both sellers feed in instead; the buyers stay.
  const market::GridTariff tariff = Flat(320, 310);
  const auction::BuiltRound built = env.Build(tariff);
  ASSERT_EQ(built.grid_left_out.size(), 2u);
  for (const auction::GridLeftOutBid& x : built.grid_left_out) {
    EXPECT_FALSE(x.why.buyer);
    EXPECT_EQ(x.why.verdict, market::GridVerdict::kFeedInBetter);
    EXPECT_EQ(x.why.option, 326);
    EXPECT_EQ(x.why.bound, 320);
  }
  EXPECT_EQ(built.round.buyers.size(), 2u);
  EXPECT_TRUE(built.round.trades.empty());
  auto applied = env.ApplyUnder(tariff, env.w.SignRound(built.round, 1));
  EXPECT_TRUE(std::holds_alternative<chain::State>(applied));
}

TEST(GridOnChain, TheTariffFollowsTheRoundsTimeOfDay) {
  GridEnv env;
  // kT0 = 1,700,000,000 is 22:13:20 UTC: the evening price applies, not the morning one.
  market::GridTariff tou;
  tou.import = {{0, 200}, {6 * 3600, 900}, {22 * 3600, 320}};
  tou.feed_in = 140;
  const auction::BuiltRound evening = env.Build(tou);
  for (const chain::Trade& t : evening.round.trades) EXPECT_LE(t.price, 320);
  EXPECT_TRUE(
      std::holds_alternative<chain::State>(env.ApplyUnder(tou, env.w.SignRound(evening.round, 1))));
  // The same round under a tariff whose 22:00 price is 900 was priced on other caps: refused.
  market::GridTariff shifted = tou;
  shifted.import = {{0, 200}, {6 * 3600, 320}, {22 * 3600, 900}};
  auto refused = env.ApplyUnder(shifted, env.w.SignRound(evening.round, 1));
  ASSERT_TRUE(std::holds_alternative<chain::Rejection>(refused));
  EXPECT_EQ(std::get<chain::Rejection>(refused).code, Reject::kBadPrice);
}

// The network fee (C-4.7): the buyer's range is capped at its option less the fee, the escrow
// holds the fee with the price, and a meter report pays the fee for what was delivered to the
// RSU that ran the round; a refund returns it all. Money is conserved throughout.
TEST(GridOnChain, TheNetworkFeeIsHeldWithThePriceAndPaidToTheRsuOnDelivery) {
  GridEnv env;
  market::GridTariff tariff = Flat(320, 140);
  tariff.fee = 20;  // every buyer's cap: 300
  const auction::BuiltRound built = env.Build(tariff);
  ASSERT_FALSE(built.round.trades.empty());
  for (const chain::Trade& t : built.round.trades) EXPECT_LE(t.price + 20, 320);
  const TradingContract c = env.Under(tariff);
  auto applied = c.ApplyBlock(env.genesis,
                              World::MakeBlock(kGridClose + 5, {env.w.SignRound(built.round, 1)}));
  ASSERT_TRUE(std::holds_alternative<chain::State>(applied))
      << std::get<chain::Rejection>(applied).ToString();
  const chain::State s = std::get<chain::State>(applied);
  EXPECT_FALSE(CheckConservation(s));
  const auto& [id, e] = *s.escrows.begin();
  EXPECT_EQ(e.fee, 20);
  EXPECT_EQ(e.fee_to, "rsu-1");
  EXPECT_EQ(e.amount, chain::Payment(e.price, e.energy_wh) + chain::Payment(20, e.energy_wh));

  // Half delivered: the seller gets the price and the RSU the fee for half; the rest goes back.
  const int64_t half = e.energy_wh / 2;
  const int seller = std::stoi(e.seller.substr(4)), buyer = std::stoi(e.buyer.substr(4));
  chain::Tx meter;
  meter.sender = e.seller;
  meter.nonce = 2;
  const auto& key = env.w.cars[static_cast<size_t>(buyer)];
  meter.body = chain::MeterReport{id, half, key.public_key(),
                                  key.Sign(chain::MeterSigningBytes(0, id, half))};
  chain::SignTx(meter, env.w.cars[static_cast<size_t>(seller)]);
  auto settled = c.ApplyBlock(s, World::MakeBlock(kGridClose + 50, {meter}));
  ASSERT_TRUE(std::holds_alternative<chain::State>(settled))
      << std::get<chain::Rejection>(settled).ToString();
  const chain::State after = std::get<chain::State>(settled);
  EXPECT_EQ(after.accounts.at("rsu-1").balance,
            s.accounts.at("rsu-1").balance + chain::Payment(20, half));
  EXPECT_EQ(after.accounts.at(e.seller).balance,
            s.accounts.at(e.seller).balance + chain::Payment(e.price, half));
  EXPECT_EQ(after.accounts.at(e.buyer).balance, s.accounts.at(e.buyer).balance + e.amount -
                                                    chain::Payment(e.price, half) -
                                                    chain::Payment(20, half));
  EXPECT_FALSE(CheckConservation(after));
  // A refund after the deadline returns the whole amount, the fee included; the RSU gets nothing.
  const int64_t other_rsu_balance = s.accounts.at("rsu-1").balance;
  const auto& [id2, e2] = *std::next(s.escrows.begin(), s.escrows.size() > 1 ? 1 : 0);
  chain::Tx refund;
  refund.sender = e2.buyer;
  refund.nonce = 2;
  refund.body = chain::Refund{id2};
  chain::SignTx(refund, env.w.cars[static_cast<size_t>(std::stoi(e2.buyer.substr(4)))]);
  auto refunded = c.ApplyBlock(s, World::MakeBlock(e2.deadline_s + 1, {refund}));
  ASSERT_TRUE(std::holds_alternative<chain::State>(refunded))
      << std::get<chain::Rejection>(refunded).ToString();
  const chain::State& back_state = std::get<chain::State>(refunded);
  EXPECT_EQ(back_state.accounts.at(e2.buyer).balance, s.accounts.at(e2.buyer).balance + e2.amount);
  EXPECT_EQ(back_state.accounts.at("rsu-1").balance, other_rsu_balance);
  EXPECT_FALSE(CheckConservation(back_state));
  // The state's bytes carry the fee (they decode to the same state); an escrow without a fee keeps
  // the bytes it had before fees.
  auto back = chain::DecodeEntries(chain::EncodeEntries(s));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->escrows.at(id), e);
  chain::State plain = s;
  plain.escrows.at(id).fee = 0;
  plain.escrows.at(id).fee_to.clear();
  EXPECT_NE(chain::StateRoot(plain), chain::StateRoot(s));
}

TEST(GridGenesis, TheGridSectionRoundTripsAndAGenesisWithoutOneKeepsItsBytes) {
  World w;
  const Bytes plain = EncodeGenesis(w.genesis);
  Genesis g = w.genesis;
  market::GridTariff t = Flat(320, 140);
  t.fee = 15;
  t.chargers = {{0, 0}, {5000, -200}};
  t.detour_wh_per_km = 180;
  t.wait_s = 600;
  t.time_value_per_h = 12'000;
  g.params.grid = {{"", Flat(300, 100)}, {"rsu-1", t}};
  const Bytes with_grid = EncodeGenesis(g);
  ASSERT_GT(with_grid.size(), plain.size());
  EXPECT_TRUE(std::equal(plain.begin(), plain.end(), with_grid.begin()));
  auto decoded = DecodeGenesis(with_grid);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->params.grid, g.params.grid);
  EXPECT_NE(NetworkIdOf(*decoded), NetworkIdOf(w.genesis));
  EXPECT_EQ(*GridTariffOf(decoded->params, "rsu-1"), t);
  EXPECT_EQ(*GridTariffOf(decoded->params, "rsu-7"), Flat(300, 100));  // the "" area
  EXPECT_EQ(GridTariffOf(ContractParams{}, "rsu-1"), nullptr);
}

TEST(GridGenesis, ABadGridSectionIsRefused) {
  World w;
  Bytes zero_areas = EncodeGenesis(w.genesis);
  zero_areas.insert(zero_areas.end(), {0, 0, 0, 0});
  EXPECT_FALSE(DecodeGenesis(zero_areas).ok());

  Genesis g = w.genesis;
  g.params.grid = {{"rsu-1", Flat(320, 140)}};
  g.params.grid[0].tariff.import = {{0, 300}, {0, 400}};  // an overlap
  auto overlap = DecodeGenesis(EncodeGenesis(g));
  ASSERT_FALSE(overlap.ok());
  EXPECT_NE(overlap.status().message().find("import[1].start_s"), std::string::npos);

  g.params.grid = {{"rsu-2", Flat(1, 1)}, {"rsu-1", Flat(1, 1)}};  // unsorted
  EXPECT_FALSE(DecodeGenesis(EncodeGenesis(g)).ok());
  EXPECT_FALSE(ValidateGridAreas(g.params.grid).ok());
  g.params.grid = {{"rsu-1", Flat(-5, 1)}};  // a negative price
  EXPECT_NE(ValidateGridAreas(g.params.grid).message().find("rsu-1"), std::string::npos);
}

}  // namespace
}  // namespace v2v::contract
