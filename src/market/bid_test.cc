#include "market/bid.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace v2v::market {
namespace {

Auctioneer A() {
  return {/*v_min=*/0.4, /*c_max=*/1.0, /*l1=*/0.5, /*l2=*/0.1, 1000, std::nullopt};
}
BuyerBid B() { return {"B1", 0.8, 0.5, 1.0, 5, 20, 3, 0, 0, {}, {}, {}}; }
SellerBid S() { return {"S1", 0.6, 0.5, 0.9, 40, 10, 0.05, 10, 0, {}, {}, {}}; }

TEST(BidTest, ValidBidsPass) {
  EXPECT_TRUE(ValidateBuyer(A(), B()).ok());
  EXPECT_TRUE(ValidateSeller(A(), S()).ok());
}

TEST(BidTest, BuyerBelowAuctioneerFloorIsRejectedNamingTheBound) {
  BuyerBid b = B();
  b.v_min = 0.3;
  Status s = ValidateBuyer(A(), b);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("buyer B1"), std::string::npos);
  EXPECT_NE(s.message().find("v^min"), std::string::npos);
  b.v_min = 0.4;  // equal to v^min is allowed (only the strict violation fails)
  EXPECT_TRUE(ValidateBuyer(A(), b).ok());
}

TEST(BidTest, ValueOutsideOwnRangeIsRejected) {
  BuyerBid b = B();
  b.v = 1.1;
  Status s = ValidateBuyer(A(), b);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("[v_min, v_max]"), std::string::npos);
  SellerBid sl = S();
  sl.c = 0.45;
  EXPECT_NE(ValidateSeller(A(), sl).message().find("[c_min, c_max]"), std::string::npos);
}

TEST(BidTest, SellerAboveAuctioneerCeilingIsRejected) {
  SellerBid s = S();
  s.c_max = 1.01;
  Status st = ValidateSeller(A(), s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("c^max"), std::string::npos);
  s.c_max = 1.0;
  EXPECT_TRUE(ValidateSeller(A(), s).ok());
}

TEST(BidTest, OtherBoundsAreRejected) {
  BuyerBid b = B();
  b.b_min = 30;
  EXPECT_NE(ValidateBuyer(A(), b).message().find("b_min"), std::string::npos);
  b = B();
  b.w = 5.5;
  EXPECT_NE(ValidateBuyer(A(), b).message().find("willingness"), std::string::npos);
  SellerBid s = S();
  s.s_r = 50;
  EXPECT_NE(ValidateSeller(A(), s).message().find("reserve"), std::string::npos);
}

TEST(BidTest, StructureErrorsNameTheField) {
  Market m{A(), {B()}, {S()}};
  EXPECT_TRUE(ValidateMarketStructure(m).ok());
  Market nan = m;
  nan.buyers[0].v_max = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(ValidateMarketStructure(nan).message(), "buyers[0].v_max: must be a finite number");
  Market neg = m;
  neg.buyers[0].b_min = -1;
  EXPECT_NE(ValidateMarketStructure(neg).message().find("buyers[0].b_min"), std::string::npos);
  Market dup = m;
  dup.sellers[0].id = "B1";
  EXPECT_NE(ValidateMarketStructure(dup).message().find("duplicate id"), std::string::npos);
  Market l1 = m;
  l1.auctioneer.l1 = 0;
  EXPECT_NE(ValidateMarketStructure(l1).message().find("auctioneer.l1"), std::string::npos);
}

}  // namespace
}  // namespace v2v::market
