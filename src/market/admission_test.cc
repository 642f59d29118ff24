#include "market/admission.h"

#include <gtest/gtest.h>

#include <limits>

namespace v2v::market {
namespace {

TEST(AdmissionTest, AllMinimumsFeasibleAdmitsEveryoneWithoutLp) {
  VolumeProblem p;
  p.l1 = 1;
  int s = p.AddSeller(0.1, 22);
  p.AddBuyer(1, 5, 10, {{s, 100}});
  p.AddBuyer(1, 5, 10, {{s, 100}});
  auto a = AdmitBuyers(p, {0, 1});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->admitted, (std::vector<char>{1, 1}));
  EXPECT_EQ(a->lp_solves, 0);
}

TEST(AdmissionTest, PriorityDecidesWhoIsServedWhenSupplyIsShort) {
  VolumeProblem p;
  p.l1 = 1;
  int s = p.AddSeller(0.1, 11);  // delivers 10 kWh
  p.AddBuyer(1, 6, 10, {{s, 100}});
  p.AddBuyer(1, 6, 10, {{s, 100}});
  auto a = AdmitBuyers(p, {1, 0});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->admitted, (std::vector<char>{0, 1}));
}

TEST(AdmissionTest, UnreachableMinimumCostsNobodyTheirPlace) {
  VolumeProblem p;
  p.l1 = 1;
  int s = p.AddSeller(0.0, 10);
  p.AddBuyer(1, 50, 60, {{s, std::numeric_limits<double>::infinity()}});  // first in priority
  p.AddBuyer(1, 8, 10, {{s, std::numeric_limits<double>::infinity()}});
  auto a = AdmitBuyers(p, {0, 1});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->admitted, (std::vector<char>{0, 1}));
}

// Without room to spare the margin makes minimums that add up exactly infeasible.
TEST(AdmissionTest, MinimumsThatFitOnlyExactlyAreNotAllAdmitted) {
  VolumeProblem p;
  p.l1 = 1;
  int s0 = p.AddSeller(0.0, 5), s1 = p.AddSeller(0.0, 5);
  p.AddBuyer(1, 5, 10, {{s0, 10}, {s1, 10}});
  p.AddBuyer(1, 5, 10, {{s0, 10}});
  auto a = AdmitBuyers(p, {0, 1});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->admitted, (std::vector<char>{1, 0}));  // 5 + 5 = 10 leaves no margin
  p.supply = {5.1, 5.1};
  a = AdmitBuyers(p, {0, 1});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->admitted, (std::vector<char>{1, 1}));
}

// The greedy pass serves buyer 0 (the most constrained) from S0 first and leaves too little for
// buyer 1; the LP finds the split (3 from S0, 1 from S1) that meets both minimums.
TEST(AdmissionTest, LpFindsAssignmentGreedyMisses) {
  VolumeProblem p;
  p.l1 = 1;
  int s0 = p.AddSeller(0.0, 10), s1 = p.AddSeller(0.0, 10);
  p.AddBuyer(1, 4, 10, {{s0, 4}, {s1, 1}});
  p.AddBuyer(1, 6.5, 10, {{s0, 100}});
  auto a = AdmitBuyers(p, {0, 1});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->admitted, (std::vector<char>{1, 1}));
  EXPECT_GT(a->lp_solves, 0);
}

// Same, with buyers who need nothing and an unreachable buyer ahead of them: the LP's rows must
// follow the candidates, not the buyers' indices.
TEST(AdmissionTest, LpRowsFollowCandidatesNotBuyerIndices) {
  VolumeProblem p;
  p.l1 = 1;
  int s0 = p.AddSeller(0.0, 10), s1 = p.AddSeller(0.0, 10);
  p.AddBuyer(1, 0, 10, {{s0, 100}});   // needs nothing
  p.AddBuyer(1, 50, 60, {{s1, 100}});  // cannot be met alone
  p.AddBuyer(1, 0, 10, {{s1, 100}});   // needs nothing
  p.AddBuyer(1, 4, 10, {{s0, 4}, {s1, 1}});
  p.AddBuyer(1, 6.5, 10, {{s0, 100}});
  p.AddBuyer(1, 9, 10, {{s0, 100}});  // does not fit with the two before it
  auto a = AdmitBuyers(p, {0, 1, 2, 3, 4, 5});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->admitted, (std::vector<char>{1, 0, 1, 1, 1, 0}));
  EXPECT_GT(a->lp_solves, 1);  // the all-candidates LP failed, then buyer by buyer
}

TEST(AdmissionTest, LossesCountAgainstSupply) {
  VolumeProblem p;
  p.l1 = 1;
  int s = p.AddSeller(0.25, 10);  // delivers at most 8 kWh
  p.AddBuyer(1, 8.5, 9, {{s, 100}});
  auto a = AdmitBuyers(p, {0});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->admitted[0], 0);
}

}  // namespace
}  // namespace v2v::market
