// Contract rule C-4.9: a genesis that names a unit mechanism; the RSU's builder and the contract
// compute the same trades, and the contract refuses any other.
#include "contract/unit_round.h"

#include <gtest/gtest.h>

#include "auction/round_builder.h"
#include "chain/state.h"
#include "contract/genesis.h"
#include "contract/testing/world.h"
#include "contract/trading_contract.h"

namespace v2v::contract {
namespace {

using chain::Reject;
using market::ChainMechanism;
using Kind = market::ChainMechanismKind;
using testing::World;

constexpr int64_t kUnitBidAt = World::kT0 + 10;
constexpr int64_t kUnitAfterClose = World::kT0 + 65;  // World::Params(): T_limit 60

struct UnitEnv {
  World w;
  CompactIdentityVerifier verifier = w.Verifier();
  chain::State genesis = w.GenesisStateOrDie();

  static ContractParams Params(const World& w, ChainMechanism m) {
    ContractParams p;
    p.ca_key = w.ca.public_key();
    p.mechanism = m;
    return p;
  }
  chain::TradingRound Build(ChainMechanism m, std::vector<chain::Tx> buyers,
                            std::vector<chain::Tx> sellers) const {
    auction::RoundParams p = World::Params();
    p.mechanism = m;
    auto built = auction::BuildRound(p, std::move(buyers), std::move(sellers));
    EXPECT_TRUE(built.ok());
    return std::move(built).value().round;
  }
  // Buyers car 0 (v 300) and car 1 (v 350); sellers car 2 (c 150) and car 3 (c 120).
  chain::TradingRound TwoByTwo(ChainMechanism m) const {
    return Build(m, {w.Buyer(0, 1, kUnitBidAt), w.Buyer(1, 1, kUnitBidAt, 350)},
                 {w.Seller(2, 1, kUnitBidAt), w.Seller(3, 1, kUnitBidAt, 120)});
  }
  std::variant<chain::State, chain::Rejection> Apply(ChainMechanism m,
                                                     const chain::TradingRound& r) const {
    TradingContract contract(verifier, Params(w, m));
    return contract.ApplyBlock(genesis, World::MakeBlock(kUnitAfterClose, {w.SignRound(r, 1)}));
  }
  Reject Rejects(ChainMechanism m, const chain::TradingRound& r) const {
    auto got = Apply(m, r);
    if (!std::holds_alternative<chain::Rejection>(got)) {
      ADD_FAILURE() << "accepted";
      return Reject::kMalformed;
    }
    return std::get<chain::Rejection>(got).code;
  }
};

const ChainMechanism kHalfKda{Kind::kKDoubleAuction, 500'000, 0};

TEST(UnitRound, TheKDoubleAuctionsRoundIsAcceptedAndEscrowsAtItsPrice) {
  UnitEnv env;
  const chain::TradingRound r = env.TwoByTwo(kHalfKda);
  // Ranked bids 350, 300 and asks 120, 150: both pairs trade at (300 + 150) / 2 = 225, each the
  // buyer's b_max of 5,000 Wh (the sellers have 15,000 Wh above their reserve).
  ASSERT_EQ(r.trades.size(), 2u);
  EXPECT_EQ(r.trades[0].buyer, 0u);
  EXPECT_EQ(r.trades[0].seller, 0u);  // car 0 with car 2
  EXPECT_EQ(r.trades[1].buyer, 1u);
  EXPECT_EQ(r.trades[1].seller, 1u);  // car 1 with car 3
  for (const chain::Trade& t : r.trades) {
    EXPECT_EQ(t.price, 225);
    EXPECT_EQ(t.volume_wh, 5'000);
  }
  auto applied = env.Apply(kHalfKda, r);
  ASSERT_TRUE(std::holds_alternative<chain::State>(applied))
      << std::get<chain::Rejection>(applied).ToString();
  const chain::State& s = std::get<chain::State>(applied);
  ASSERT_EQ(s.escrows.size(), 2u);
  for (const auto& [id, e] : s.escrows) {
    EXPECT_EQ(e.price, 225);
    EXPECT_EQ(e.amount, chain::Payment(225, 5'000));
  }
  EXPECT_EQ(s.accounts.at("car-0").balance, 1'000'000 - chain::Payment(225, 5'000));
}

TEST(UnitRound, TheContractRefusesAnyOtherTradesCitingTheDifference) {
  UnitEnv env;
  const chain::TradingRound good = env.TwoByTwo(kHalfKda);
  chain::TradingRound r = good;
  r.trades[0].price = 226;
  EXPECT_EQ(env.Rejects(kHalfKda, r), Reject::kBadPrice);
  r = good;
  r.trades[1].volume_wh = 4'999;
  EXPECT_EQ(env.Rejects(kHalfKda, r), Reject::kConstraintViolated);
  r = good;
  r.trades[0].seller = 1;  // another matching
  r.trades[1].seller = 0;
  EXPECT_EQ(env.Rejects(kHalfKda, r), Reject::kNotOptimal);
  r = good;
  r.trades.pop_back();
  EXPECT_EQ(env.Rejects(kHalfKda, r), Reject::kNotOptimal);
  r = good;
  r.certificate.buyer_price[0] = 1.0;
  EXPECT_EQ(env.Rejects(kHalfKda, r), Reject::kMalformed);
}

TEST(UnitRound, EachChainRunsOnlyItsOwnMechanism) {
  UnitEnv env;
  // The paper's round (Algorithm 1, with its certificate) on a k-double-auction chain...
  EXPECT_EQ(env.Rejects(kHalfKda, env.TwoByTwo({})), Reject::kMalformed);
  // ...and the k-double auction's round on the paper's chain (its prices are not PriceExact's).
  EXPECT_EQ(env.Rejects({}, env.TwoByTwo(kHalfKda)), Reject::kBadPrice);
  // A round of k = 1/4 on a chain of k = 1/2.
  EXPECT_EQ(env.Rejects(kHalfKda, env.TwoByTwo({Kind::kKDoubleAuction, 250'000, 0})),
            Reject::kBadPrice);
}

TEST(UnitRound, APostedPriceAndSbbaRoundAreAcceptedOnTheirChains) {
  UnitEnv env;
  const ChainMechanism posted{Kind::kPostedPrice, 0, 320};  // only car 1 (v 350) is willing
  const chain::TradingRound p = env.TwoByTwo(posted);
  ASSERT_EQ(p.trades.size(), 1u);
  EXPECT_EQ(p.trades[0].buyer, 1u);
  EXPECT_EQ(p.trades[0].seller, 0u);  // the first willing seller in the round's order: car 2
  EXPECT_EQ(p.trades[0].price, 320);
  EXPECT_TRUE(std::holds_alternative<chain::State>(env.Apply(posted, p)));

  const ChainMechanism sbba{Kind::kSbba, 0, 0};
  const chain::TradingRound s = env.TwoByTwo(sbba);
  // q = 2 and no third ask: one buyer (car 1) trades at b_q = 300 with the seller the round's
  // lottery keeps.
  ASSERT_EQ(s.trades.size(), 1u);
  EXPECT_EQ(s.trades[0].buyer, 1u);
  EXPECT_EQ(s.trades[0].price, 300);
  EXPECT_TRUE(std::holds_alternative<chain::State>(env.Apply(sbba, s)));
  chain::TradingRound other = s;
  other.trades[0].seller = 1 - other.trades[0].seller;  // the other candidate
  EXPECT_EQ(env.Rejects(sbba, other), Reject::kNotOptimal);
}

TEST(UnitRound, McAfeesReducedTradeEscrowsTheSpreadForTheRsu) {
  UnitEnv env;
  const ChainMechanism mcafee{Kind::kMcAfee, 0, 0, 100, 250};
  // Bids 350 (car 1), 210 (car 0); asks 120 (car 3), 200 (car 2): q = 2, and with no third order
  // the genesis's floor 100 and ceiling 250 give p0 = 175 < a_q = 200. So McAfee drops the marginal
  // pair: car 1 buys from car 3, paying b_q = 210 per kWh, car 3 receives a_q = 200, and the RSU
  // keeps the 10 between.
  const chain::TradingRound r =
      env.Build(mcafee, {env.w.Buyer(0, 1, kUnitBidAt, 210), env.w.Buyer(1, 1, kUnitBidAt, 350)},
                {env.w.Seller(2, 1, kUnitBidAt, 200), env.w.Seller(3, 1, kUnitBidAt, 120)});
  ASSERT_EQ(r.trades.size(), 1u);
  EXPECT_EQ(r.trades[0].buyer, 1u);
  EXPECT_EQ(r.trades[0].seller, 1u);
  EXPECT_EQ(r.trades[0].price, 200);  // what the seller receives
  auto applied = env.Apply(mcafee, r);
  ASSERT_TRUE(std::holds_alternative<chain::State>(applied))
      << std::get<chain::Rejection>(applied).ToString();
  const chain::State& s = std::get<chain::State>(applied);
  ASSERT_EQ(s.escrows.size(), 1u);
  const chain::Escrow& e = s.escrows.begin()->second;
  EXPECT_EQ(e.price, 200);
  EXPECT_EQ(e.fee, 10);  // the spread, paid to the RSU per kWh delivered
  EXPECT_EQ(e.fee_to, "rsu-1");
  EXPECT_EQ(e.amount, chain::Payment(200, 5'000) + chain::Payment(10, 5'000));
  EXPECT_EQ(s.accounts.at("car-1").balance, 1'000'000 - chain::Payment(210, 5'000));
  // The same round on a k-double-auction chain, which trades both pairs: not its matching.
  EXPECT_EQ(env.Rejects(kHalfKda, r), Reject::kNotOptimal);
}

TEST(UnitRound, AMatchMovesWhatThePairCanAndLapsesOutOfRangeOrBelowBMin) {
  EXPECT_EQ(MaxDeliveredWh(20'000, 50'000), 19'047);  // 19,047 + ceil(952.35) = 20,000
  EXPECT_EQ(MaxDeliveredWh(20'000, 0), 20'000);
  EXPECT_EQ(MaxDeliveredWh(0, 50'000), 0);
  EXPECT_EQ(MaxDeliveredWh(-5, 50'000), 0);

  UnitEnv env;
  chain::Tx far = env.w.Seller(3, 1, kUnitBidAt, 120);
  std::get<chain::SellerBid>(far.body).x_m = 5'000;  // beyond the 1,000 m radius
  chain::SignTx(far, env.w.cars[3]);
  chain::TradingRound r =
      env.Build(kHalfKda, {env.w.Buyer(0, 1, kUnitBidAt), env.w.Buyer(1, 1, kUnitBidAt, 350)},
                {env.w.Seller(2, 1, kUnitBidAt), far});
  ASSERT_EQ(r.trades.size(), 1u);  // car 1's match (car 3, far away) lapses; nobody takes its place
  EXPECT_EQ(r.trades[0].buyer, 0u);
  EXPECT_TRUE(std::holds_alternative<chain::State>(env.Apply(kHalfKda, r)));

  chain::Tx poor = env.w.Seller(3, 1, kUnitBidAt, 120);
  std::get<chain::SellerBid>(poor.body).s_t_wh = 5'900;  // 900 Wh above its reserve: below b_min
  chain::SignTx(poor, env.w.cars[3]);
  r = env.Build(kHalfKda, {env.w.Buyer(1, 1, kUnitBidAt, 350)}, {poor});
  EXPECT_TRUE(r.trades.empty());
}

TEST(UnitRound, TheGenesisCarriesTheMechanismAndOnlyWhenItIsNotThePapers) {
  World w;
  const Bytes paper = EncodeGenesis(w.genesis);
  Genesis g = w.genesis;
  g.params.mechanism = kHalfKda;
  const Bytes kda = EncodeGenesis(g);
  ASSERT_GT(kda.size(), paper.size());
  EXPECT_TRUE(std::equal(paper.begin(), paper.end(), kda.begin()));  // a tail after the paper's
  auto back = DecodeGenesis(kda);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->params.mechanism, kHalfKda);
  EXPECT_NE(NetworkIdOf(g), NetworkIdOf(w.genesis));
  EXPECT_EQ(DecodeGenesis(paper)->params.mechanism, ChainMechanism{});

  Bytes bad = kda;
  bad[paper.size() + 4] = 0;  // the kind byte (after zero areas): the default is never written
  EXPECT_FALSE(DecodeGenesis(bad).ok());
  bad = kda;
  bad[bad.size() - 3] = 0xff;  // k_ppm (big-endian) far above 1,000,000
  EXPECT_FALSE(DecodeGenesis(bad).ok());
  bad = paper;
  for (int i = 0; i < 4; ++i) bad.push_back(0);  // zero areas and no mechanism
  EXPECT_FALSE(DecodeGenesis(bad).ok());
}

}  // namespace
}  // namespace v2v::contract
