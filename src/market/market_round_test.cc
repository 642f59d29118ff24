#include "market/market_round.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "market/market_json.h"

namespace v2v::market {
namespace {

Auctioneer Auc() { return {0.4, 1.0, 0.5, 0.1, 1000, std::nullopt}; }

BuyerBid Buyer(std::string id, double v, double b_min, double b_max, double w, double x, double y) {
  return {std::move(id), v, 0.5, 1.1, b_min, b_max, w, x, y, {}, {}, {}};
}
SellerBid Seller(std::string id, double c, double s_t, double s_r, double rho, double x, double y) {
  return {std::move(id), c, 0.3, 0.9, s_t, s_r, rho, x, y, {}, {}, {}};
}

TEST(MarketRoundTest, EmptyMarket) {
  auto r = RunRound(Market{Auc(), {}, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->pairs.empty());
  EXPECT_EQ(r->welfare, 0.0);
}

TEST(MarketRoundTest, RadiusRejectionsAndNonTradingPairsAreReported) {
  Market m{Auc(),
           {Buyer("b1", 0.9, 0, 10, 3, 0, 0),
            Buyer("b2", 0.55, 0, 10, 3, 0, 10),
            {"bad", 0.9, 0.3, 1.0, 0, 10, 3, 0, 0, {}, {}, {}}},
           {Seller("s1", 0.4, 30, 5, 0.05, 500, 0), Seller("far", 0.4, 30, 5, 0.05, 1500, 0)}};
  auto r = RunRound(m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->pairs.size(), 2u);  // b1-s1 and b2-s1; "far" is out of range
  EXPECT_EQ(r->pairs[0].buyer, "b1");
  EXPECT_TRUE(r->pairs[0].price.trade);
  EXPECT_GT(r->pairs[0].volume, 0);
  EXPECT_EQ(r->pairs[1].buyer, "b2");
  EXPECT_FALSE(r->pairs[1].price.trade);  // 0.55 < 0.4 + 1.1/4 - 0.3/4
  EXPECT_EQ(r->pairs[1].volume, 0);
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_EQ(r->rejected[0].id, "bad");
  EXPECT_NE(r->rejected[0].reason.find("v^min"), std::string::npos);
}

TEST(MarketRoundTest, UnservedBuyersAreReportedByPriority) {
  // One seller with 10 kWh deliverable; two buyers each need 6: the higher v is served.
  Market m{Auc(),
           {Buyer("a", 0.8, 6, 10, 3, 0, 0), Buyer("b", 1.0, 6, 10, 3, 0, 0)},
           {Seller("s", 0.4, 12, 1, 0.1, 0, 0)}};
  m.auctioneer.l1 = 0.01;  // large caps
  auto r = RunRound(m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->unserved, std::vector<std::string>{"a"});
  EXPECT_EQ(r->buyers[0].receives, 0.0);
  EXPECT_GE(r->buyers[1].receives, 6 - 1e-9);
}

TEST(MarketRoundTest, NoCrossingPairTradesNothing) {
  // Every buyer values below every seller's ask: pairs are listed, none trades.
  Market m{Auc(),
           {Buyer("b1", 0.5, 0, 10, 3, 0, 0), Buyer("b2", 0.55, 1, 10, 3, 5, 5)},
           {Seller("s1", 0.9, 30, 5, 0.05, 10, 0)}};
  auto r = RunRound(m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->pairs.size(), 2u);
  for (const PairResult& p : r->pairs) {
    EXPECT_FALSE(p.price.trade);
    EXPECT_EQ(p.volume, 0.0);
  }
  EXPECT_EQ(r->unserved, std::vector<std::string>{"b2"});  // its minimum cannot be met
  EXPECT_EQ(r->welfare, 0.0);
}

TEST(MarketRoundTest, EqualBoundsAreValid) {
  // v_min == v == v_max, c_min == c == c_max and b_min == b_max: a known type and a fixed demand.
  Market m{Auc(),
           {{"b", 0.9, 0.9, 0.9, 4, 4, 2, 0, 0, {}, {}, {}}},
           {{"s", 0.4, 0.4, 0.4, 30, 5, 0.05, 0, 0, {}, {}, {}}}};
  auto r = RunRound(m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->pairs.size(), 1u);
  EXPECT_TRUE(r->pairs[0].price.trade);
  EXPECT_NEAR(r->pairs[0].price.t, (0.9 + 0.4 + 1.8 + 0.8) / 6, 1e-15);
  EXPECT_NEAR(r->buyers[0].receives, 4, 1e-9);
}

TEST(MarketRoundTest, StructuralErrorIsAStatus) {
  Market m{Auc(), {Buyer("x", 0.9, -1, 10, 3, 0, 0)}, {}};
  EXPECT_EQ(RunRound(m).status().code(), StatusCode::kInvalidArgument);
}

// ---- Property tests -------------------------------------------------------------------------

Market GenMarket(bool caps_only) {
  const int nb = *rc::gen::inRange(1, 9);
  const int ns = *rc::gen::inRange(1, 9);
  const uint64_t seed = *rc::gen::arbitrary<uint64_t>();
  std::mt19937_64 rng(seed);
  auto u = [&rng](double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(rng() >> 11) * 0x1.0p-53;
  };
  Market m{Auc(), {}, {}};
  if (caps_only) m.auctioneer.l1 = 200;  // small caps: eq. (18) binds
  for (int i = 0; i < nb; ++i) {
    const double b_min = caps_only ? 0 : (u(0, 1) < 0.5 ? 0 : u(0, 6));
    m.buyers.push_back({"B" + std::to_string(i),
                        u(0.5, 1.1),
                        0.5,
                        1.1,
                        b_min,
                        caps_only ? 1000 : b_min + u(0, 20),
                        caps_only ? 5 : u(0, 5),
                        u(0, 1200),
                        u(0, 1200),
                        {},
                        {},
                        {}});
  }
  for (int j = 0; j < ns; ++j) {
    const double rho = u(0, 1) < 0.15 && !caps_only ? 0.0 : u(0.01, 0.2);
    m.sellers.push_back({"S" + std::to_string(j),
                         u(0.3, 0.9),
                         0.3,
                         0.9,
                         caps_only ? 1000 : u(10, 60),
                         caps_only ? 0 : u(0, 10),
                         rho,
                         u(0, 1200),
                         u(0, 1200),
                         {},
                         {},
                         {}});
  }
  return m;
}

RC_GTEST_PROP(MarketRoundProperty, EveryOutputIsFeasibleCertifiedAndConserving, ()) {
  const Market m = GenMarket(false);
  auto r = RunRound(m);
  if (!r.ok()) RC_LOG() << r.status().ToString() << "\n" << MarketToJson(m);
  RC_ASSERT(r.ok());
  RC_ASSERT(std::abs(r->duality_gap) <= 1e-8);
  std::map<std::string, const BuyerBid*> bb;
  std::map<std::string, const SellerBid*> sb;
  for (const auto& b : m.buyers) bb[b.id] = &b;
  for (const auto& s : m.sellers) sb[s.id] = &s;
  double pays = 0, earns = 0;
  for (const BuyerOutcome& b : r->buyers) {
    const bool unserved = std::count(r->unserved.begin(), r->unserved.end(), b.id) > 0;
    if (unserved) {
      RC_ASSERT(b.receives == 0.0);
    } else {
      RC_ASSERT(b.receives >= bb[b.id]->b_min - 1e-8);
    }
    RC_ASSERT(b.receives <= bb[b.id]->b_max + 1e-8);
    pays += b.pays;
  }
  for (const SellerOutcome& s : r->sellers) {
    RC_ASSERT(s.energy_out <= sb[s.id]->Supply() + 1e-8);
    RC_ASSERT(std::abs(s.energy_out - (1 + sb[s.id]->rho) * s.delivers) <=
              1e-9 * (1 + s.energy_out));
    earns += s.earns;
  }
  RC_ASSERT(std::abs(pays - earns) <= 1e-9 * (1 + pays));  // money is conserved
  for (const PairResult& p : r->pairs) {
    RC_ASSERT(p.volume >= 0.0);
    if (!p.price.trade) RC_ASSERT(p.volume == 0.0);
    const SellerBid& s = *sb[p.seller];
    RC_ASSERT(p.volume <= SupplyCap(p.price.t, s.rho, m.auctioneer.l1, m.auctioneer.l2) + 1e-9);
    RC_ASSERT(p.distance_m <= m.auctioneer.radius_m);
  }
}

RC_GTEST_PROP(MarketRoundProperty, OnlyCapsBindGivesEquation18, ()) {
  const Market m = GenMarket(true);
  auto r = RunRound(m);
  RC_ASSERT(r.ok());
  // Each buyer's marginal utility at its caps must exceed the prices there for the caps alone to
  // bind; check which buyers qualify and require eq. (18) exactly for them.
  std::map<std::string, double> cap_sum;
  std::map<std::string, double> t_max;
  std::map<std::string, const SellerBid*> sb;
  for (const auto& s : m.sellers) sb[s.id] = &s;
  for (const PairResult& p : r->pairs) {
    if (!p.price.trade) continue;
    cap_sum[p.buyer] += SupplyCap(p.price.t, sb[p.seller]->rho, m.auctioneer.l1, m.auctioneer.l2);
    t_max[p.buyer] = std::max(t_max[p.buyer], p.price.t);
  }
  std::map<std::string, double> seller_load;
  for (const PairResult& p : r->pairs) {
    if (p.price.trade) {
      seller_load[p.seller] +=
          SupplyCap(p.price.t, sb[p.seller]->rho, m.auctioneer.l1, m.auctioneer.l2);
    }
  }
  int checked = 0;
  for (const PairResult& p : r->pairs) {
    if (!p.price.trade) continue;
    if (5.0 / (cap_sum[p.buyer] + 1) < t_max[p.buyer]) continue;  // buyer may stop short of caps
    const double u = SupplyCap(p.price.t, sb[p.seller]->rho, m.auctioneer.l1, m.auctioneer.l2);
    RC_ASSERT(std::abs(p.volume - u) <= 1e-7 * (1 + u));
    ++checked;
  }
  RC_CLASSIFY(checked > 0, "pairs checked against eq. (18)");
}

RC_GTEST_PROP(MarketRoundProperty, ResultDoesNotDependOnInputOrder, ()) {
  Market m = GenMarket(false);
  auto a = RunRound(m);
  if (!a.ok()) RC_LOG() << a.status().ToString() << "\n" << MarketToJson(m);
  RC_ASSERT(a.ok());
  std::mt19937_64 rng(*rc::gen::arbitrary<uint64_t>());
  std::shuffle(m.buyers.begin(), m.buyers.end(), rng);
  std::shuffle(m.sellers.begin(), m.sellers.end(), rng);
  auto b = RunRound(m);
  RC_ASSERT(b.ok());
  RC_ASSERT(RoundResultToJson(*a) == RoundResultToJson(*b));
}

// One buyer, several sellers: its volume falls as any seller's loss rate rises, and rises as its
// value v (hence every T) rises.
// A 1e-8 relative duality gap pins volumes to about sqrt(gap * |f| / curvature); 1e-5 kWh
// (0.01 Wh, a hundredth of the ledger's resolution) is what the comparison can honestly ask.
constexpr double kVolumeTol = 1e-5;

RC_GTEST_PROP(MarketRoundProperty, VolumeFallsWithRhoAndRisesWithPrice, ()) {
  Market m = GenMarket(false);
  m.buyers.resize(1);
  m.buyers[0].b_min = 0;
  auto total = [](const RoundResult& r) { return r.buyers.at(0).receives; };
  auto base = RunRound(m);
  RC_ASSERT(base.ok());
  const size_t j = *rc::gen::inRange<size_t>(0, m.sellers.size());
  Market lossier = m;
  lossier.sellers[j].rho =
      std::min(10.0, lossier.sellers[j].rho + *rc::gen::inRange(1, 30) / 100.0);
  auto more_loss = RunRound(lossier);
  RC_ASSERT(more_loss.ok());
  RC_ASSERT(total(*more_loss) <= total(*base) + kVolumeTol);
  Market pricier = m;
  pricier.buyers[0].v = std::min(1.1, pricier.buyers[0].v + *rc::gen::inRange(1, 30) / 100.0);
  auto higher = RunRound(pricier);
  RC_ASSERT(higher.ok());
  RC_ASSERT(total(*higher) >= total(*base) - kVolumeTol);
}

}  // namespace
}  // namespace v2v::market
