// The unit mechanisms a genesis may name (market/chain_mechanism.h): the research mechanisms'
// matching, in integers.
#include "market/chain_mechanism.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <set>

#include "base/random.h"
#include "market/mechanism.h"

namespace v2v::market {
namespace {

using Kind = ChainMechanismKind;

TEST(ChainMechanism, TheKDoublePriceRoundsHalfUpBetweenTheMarginalPair) {
  EXPECT_EQ(KDoublePriceExact(500'000, 301, 100), 201);  // 200.5
  EXPECT_EQ(KDoublePriceExact(500'000, 300, 100), 200);
  EXPECT_EQ(KDoublePriceExact(0, 300, 100), 100);
  EXPECT_EQ(KDoublePriceExact(1'000'000, 300, 100), 300);
  EXPECT_EQ(KDoublePriceExact(250'000, 300, 101), 151);  // 150.75
  const int64_t big = int64_t{1} << 40;
  EXPECT_EQ(KDoublePriceExact(999'999, big, big - 1), big);  // no overflow at the bound
}

TEST(ChainMechanism, TheKDoubleAuctionTradesTheEfficientPairsAtOnePrice) {
  const ChainMechanism m{Kind::kKDoubleAuction, 500'000, 0};
  // Ranked bids 300, 250, 120 and asks 100, 200, 280: two efficient pairs, marginal (250, 200).
  const std::vector<int64_t> values = {120, 300, 250}, costs = {280, 100, 200};
  const auto got = ClearUnitsOnChain(m, values, costs, 1);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].buyer, 1u);
  EXPECT_EQ(got[0].seller, 1u);
  EXPECT_EQ(got[1].buyer, 2u);
  EXPECT_EQ(got[1].seller, 2u);
  for (const UnitMatch& x : got) EXPECT_EQ(x.buyer_pays, 225);
}

TEST(ChainMechanism, ThePostedPricePairsTheWillingInTheirOrder) {
  const ChainMechanism m{Kind::kPostedPrice, 0, 200};
  const std::vector<int64_t> values = {150, 200, 400}, costs = {250, 200, 10};
  const auto got = ClearUnitsOnChain(m, values, costs, 1);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].buyer, 1u);  // 150 < 200 is not willing; 200 is
  EXPECT_EQ(got[0].seller, 1u);
  EXPECT_EQ(got[1].buyer, 2u);
  EXPECT_EQ(got[1].seller, 2u);
  EXPECT_EQ(got[0].buyer_pays, 200);
}

TEST(ChainMechanism, SbbasLotteryIsTheSeedsAndLeavesOneOfTheCandidatesOut) {
  const ChainMechanism m{Kind::kSbba, 0, 0};
  // q = 3; no fourth ask, so the reduced case: two buyers trade at b_q = 200 with two of the
  // three best sellers, the one left out drawn from the seed.
  const std::vector<int64_t> values = {400, 300, 200}, costs = {50, 60, 70};
  std::set<size_t> left_out;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const auto got = ClearUnitsOnChain(m, values, costs, seed);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].buyer_pays, 200);
    size_t sum = 0;
    for (const UnitMatch& x : got) sum += x.seller;
    left_out.insert(3 - sum);  // sellers 0 + 1 + 2 = 3
    EXPECT_EQ(ClearUnitsOnChain(m, values, costs, seed)[1].seller,
              got[1].seller);  // same seed
  }
  EXPECT_EQ(left_out.size(), 3u);  // every candidate is left out for some seed
}

TEST(ChainMechanism, McAfeeTradesAtTheRoundedMidpointOrReducesAndKeepsTheSpread) {
  // q = 2 (bids 300, 250 against asks 100, 200); the next bid 120 and ask 281: p0 = 200.5,
  // between a_q = 200 and b_q = 250, so both pairs trade at 201 (rounded half up).
  auto got = ClearUnitsOnChain({Kind::kMcAfee, 0, 0, 10, 400}, std::vector<int64_t>{120, 300, 250},
                               std::vector<int64_t>{281, 100, 200}, 1);
  ASSERT_EQ(got.size(), 2u);
  for (const UnitMatch& x : got) {
    EXPECT_EQ(x.buyer_pays, 201);
    EXPECT_EQ(x.seller_receives, 201);
  }
  // No third order on either side: the genesis's floor 10 and ceiling 400 stand in for them,
  // p0 = 205, between 200 and 250, so both pairs trade at 205.
  const std::vector<int64_t> bids = {300, 250}, asks = {100, 200};
  got = ClearUnitsOnChain({Kind::kMcAfee, 0, 0, 10, 400}, bids, asks, 1);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].buyer_pays, 205);
  // A ceiling of 600 gives p0 = 305 > b_q: the marginal pair is dropped, the buyer pays b_q = 250
  // and the seller receives a_q = 200; the auctioneer keeps 50 per unit.
  got = ClearUnitsOnChain({Kind::kMcAfee, 0, 0, 10, 600}, bids, asks, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].buyer, 0u);
  EXPECT_EQ(got[0].seller, 0u);
  EXPECT_EQ(got[0].buyer_pays, 250);
  EXPECT_EQ(got[0].seller_receives, 200);
}

TEST(ChainMechanism, ValidationNamesTheField) {
  EXPECT_TRUE(ValidateChainMechanism({Kind::kKDoubleAuction, 0, 0}).ok());
  EXPECT_TRUE(ValidateChainMechanism({Kind::kKDoubleAuction, 1'000'000, 0}).ok());
  EXPECT_NE(ValidateChainMechanism({Kind::kKDoubleAuction, 1'000'001, 0}).message().find("k_ppm"),
            std::string::npos);
  EXPECT_NE(ValidateChainMechanism({Kind::kSbba, 5, 0}).message().find("k_ppm"), std::string::npos);
  EXPECT_NE(ValidateChainMechanism({Kind::kPostedPrice, 0, 0}).message().find("posted_price"),
            std::string::npos);
  EXPECT_FALSE(ValidateChainMechanism({Kind::kSbba, 0, 7}).ok());
  EXPECT_FALSE(ValidateChainMechanism({static_cast<Kind>(9), 0, 0}).ok());
  EXPECT_EQ(ParseChainMechanismKind("sbba"), Kind::kSbba);
  EXPECT_EQ(ParseChainMechanismKind("vcg"), std::nullopt);  // a deficit no one on chain pays
  EXPECT_FALSE(ValidateChainMechanism({Kind::kMcAfee, 1, 0, 0, 0}).ok());
  EXPECT_TRUE(ValidateChainMechanism({Kind::kMcAfee, 0, 0, 100, 300}).ok());
  EXPECT_NE(ValidateChainMechanism({Kind::kMcAfee, 0, 0, -1, 300}).message().find("value_floor"),
            std::string::npos);
  EXPECT_NE(ValidateChainMechanism({Kind::kSbba, 0, 0, 0, 300}).message().find("cost_ceiling"),
            std::string::npos);
  for (Kind k :
       {Kind::kBayesian, Kind::kKDoubleAuction, Kind::kPostedPrice, Kind::kSbba, Kind::kMcAfee}) {
    EXPECT_EQ(ParseChainMechanismKind(ChainMechanismName(k)), k);
  }
}

// On integer orders the chain's clearing is the research mechanism's: the same pairs, and prices
// equal (the posted price, SBBA) or within half a unit (the k-double auction, rounded).
RC_GTEST_PROP(ChainMechanismProperty, MatchesTheResearchMechanismOnIntegerOrders, ()) {
  const auto n_b = *rc::gen::inRange<size_t>(0, 8);
  const auto n_s = *rc::gen::inRange<size_t>(0, 8);
  const auto values =
      *rc::gen::container<std::vector<int64_t>>(n_b, rc::gen::inRange<int64_t>(0, 1000));
  const auto costs =
      *rc::gen::container<std::vector<int64_t>>(n_s, rc::gen::inRange<int64_t>(0, 1000));
  const auto k_ppm = *rc::gen::inRange<int64_t>(0, 1'000'001);
  const auto posted = *rc::gen::inRange<int64_t>(1, 1000);
  const auto seed = *rc::gen::arbitrary<uint64_t>();
  const auto floor = *rc::gen::inRange<int64_t>(0, 500);
  const auto ceiling = *rc::gen::inRange<int64_t>(500, 1500);
  std::vector<double> v(values.begin(), values.end()), c(costs.begin(), costs.end());
  const double k = static_cast<double>(k_ppm) / 1e6;
  const std::vector<std::pair<ChainMechanism, std::unique_ptr<Mechanism>>> cases = [&] {
    std::vector<std::pair<ChainMechanism, std::unique_ptr<Mechanism>>> out;
    out.emplace_back(ChainMechanism{Kind::kKDoubleAuction, k_ppm, 0}, NewKDoubleAuction(k));
    out.emplace_back(ChainMechanism{Kind::kPostedPrice, 0, posted},
                     NewPostedPrice(static_cast<double>(posted)));
    out.emplace_back(ChainMechanism{Kind::kSbba, 0, 0}, NewSbba());
    out.emplace_back(ChainMechanism{Kind::kMcAfee, 0, 0, floor, ceiling},
                     NewMcAfee(static_cast<double>(floor), static_cast<double>(ceiling)));
    return out;
  }();
  for (const auto& [chain, research] : cases) {
    base::Rng rng(seed);
    const Outcome want = research->Clear(UnitOrders(v), UnitOrders(c), rng);
    const auto got = ClearUnitsOnChain(chain, values, costs, seed);
    RC_ASSERT(got.size() == want.trades.size());
    for (size_t t = 0; t < got.size(); ++t) {
      RC_ASSERT(static_cast<int64_t>(got[t].buyer) == want.trades[t].buyer_id);
      RC_ASSERT(static_cast<int64_t>(got[t].seller) == want.trades[t].seller_id);
      RC_ASSERT(std::fabs(static_cast<double>(got[t].buyer_pays) - want.trades[t].buyer_pays) <=
                0.5);
      RC_ASSERT(std::fabs(static_cast<double>(got[t].seller_receives) -
                          want.trades[t].seller_receives) <= 0.5);
      RC_ASSERT(got[t].buyer_pays <= values[got[t].buyer]);       // never above its bid
      RC_ASSERT(got[t].seller_receives >= costs[got[t].seller]);  // never below its ask
      RC_ASSERT(got[t].buyer_pays >= got[t].seller_receives);     // no deficit on chain
    }
  }
}

}  // namespace
}  // namespace v2v::market
