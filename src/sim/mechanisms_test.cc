#include "sim/mechanisms.h"

#include <gtest/gtest.h>

#include <cmath>

namespace v2v::sim {
namespace {

constexpr int64_t kDraws = 1000000;
// 3.5 standard errors of a proportion near 1/2 with kDraws draws.
constexpr double kProbTol = 0.0018;
constexpr double kSurplusTol = 0.0012;

const MechanismStats& Find(const std::vector<MechanismStats>& all, Mechanism m) {
  for (const auto& s : all) {
    if (s.mechanism == MechanismName(m)) return s;
  }
  ADD_FAILURE() << "missing " << MechanismName(m);
  return all.front();
}

TEST(MechanismsTest, UnitSquareMatchesClosedForms) {
  const auto all = CompareMechanisms(StandardSettings()[0], kDraws, 20260101);
  // Chatterjee-Samuelson linear equilibrium: trade iff v >= c + 1/4.
  const auto& b = Find(all, Mechanism::kBayesian);
  EXPECT_NEAR(b.trade_probability, 9.0 / 32, kProbTol);
  EXPECT_NEAR(b.surplus_per_pair, 9.0 / 64, kSurplusTol);
  EXPECT_NEAR(b.buyer_surplus_per_pair, 9.0 / 128, kSurplusTol);
  EXPECT_NEAR(b.mean_price, 0.5, 0.002);
  const auto& e = Find(all, Mechanism::kEfficient);
  EXPECT_NEAR(e.trade_probability, 0.5, kProbTol);
  EXPECT_NEAR(e.surplus_per_pair, 1.0 / 6, kSurplusTol);
  EXPECT_NEAR(e.buyer_surplus_per_pair, 1.0 / 6, kSurplusTol);  // VCG: each side gets it all
  EXPECT_NEAR(e.mean_price, 1.0 / 3, 0.002);                    // E[c | c <= v]
  const auto& c = Find(all, Mechanism::kCompleteInfo);
  EXPECT_NEAR(c.surplus_per_pair, 1.0 / 6, kSurplusTol);
  EXPECT_NEAR(c.buyer_surplus_per_pair, 1.0 / 12, kSurplusTol);
  const auto& s = Find(all, Mechanism::kSinglePrice);
  EXPECT_NEAR(s.trade_probability, 0.25, kProbTol);
  EXPECT_NEAR(s.surplus_per_pair, 1.0 / 8, kSurplusTol);
  EXPECT_NEAR(s.buyer_surplus_per_pair, 1.0 / 16, kSurplusTol);
  EXPECT_DOUBLE_EQ(s.mean_price, 0.5);
  // The same draws: efficient and complete-info trade exactly the same pairs.
  EXPECT_EQ(e.trade_probability, c.trade_probability);
  // Nothing beats first-best among the bilateral mechanisms.
  EXPECT_GT(e.surplus_per_pair, b.surplus_per_pair);
  EXPECT_GT(b.surplus_per_pair, s.surplus_per_pair);
}

TEST(MechanismsTest, PaperFig9IsTheUnitSquareScaled) {
  const auto sq = CompareMechanisms(StandardSettings()[0], kDraws, 7);
  const auto f9 = CompareMechanisms(StandardSettings()[1], kDraws, 7);
  for (size_t i = 0; i < sq.size(); ++i) {
    // Values are 0.5 + 0.5 u on the same u draws: trades equal, surplus halves.
    EXPECT_NEAR(f9[i].trade_probability, sq[i].trade_probability, 1e-4) << f9[i].mechanism;
    EXPECT_NEAR(f9[i].surplus_per_pair, 0.5 * sq[i].surplus_per_pair, 1e-4) << f9[i].mechanism;
  }
}

TEST(MechanismsTest, UniformDoubleAuctionClearsAtTheMarginalPair) {
  const Clearing c = ClearUniformDoubleAuction({0.9, 0.5, 0.8, 0.2}, {0.3, 0.85, 0.4, 0.6});
  // Bids 0.9 0.8 0.5 0.2 against asks 0.3 0.4 0.6 0.85: two pairs clear, marginal 0.8 / 0.4.
  EXPECT_EQ(c.trades, 2);
  EXPECT_DOUBLE_EQ(c.price, 0.6);
  EXPECT_DOUBLE_EQ(ClearUniformDoubleAuction({0.9, 0.5, 0.8, 0.2}, {0.3, 0.85, 0.4, 0.6}, 1).price,
                   0.8);
  EXPECT_DOUBLE_EQ(ClearUniformDoubleAuction({0.9, 0.5, 0.8, 0.2}, {0.3, 0.85, 0.4, 0.6}, 0).price,
                   0.4);
  EXPECT_TRUE(std::isnan(ClearUniformDoubleAuction({0.1}, {0.2}).price));
  EXPECT_EQ(ClearUniformDoubleAuction({}, {0.2}).trades, 0);
}

TEST(MechanismsTest, SameSeedSameNumbers) {
  const auto a = CompareMechanisms(StandardSettings()[0], 10000, 99);
  const auto b = CompareMechanisms(StandardSettings()[0], 10000, 99);
  const auto c = CompareMechanisms(StandardSettings()[0], 10000, 100);
  EXPECT_EQ(a[0].surplus_per_pair, b[0].surplus_per_pair);
  EXPECT_NE(a[0].surplus_per_pair, c[0].surplus_per_pair);
}

}  // namespace
}  // namespace v2v::sim
