#include "chain/tx_check.h"

#include <gtest/gtest.h>

#include "chain/testing/fixtures.h"

namespace v2v::chain {
namespace {

TEST(TxCheck, AcceptsValidBid) {
  EXPECT_FALSE(CheckTxStateless(testing::SampleBuyerTx(testing::FixedKey(1))).has_value());
}

TEST(TxCheck, RejectsBadSignature) {
  Tx tx = testing::SampleBuyerTx(testing::FixedKey(1));
  tx.signature.bytes[0] ^= 1;
  auto r = CheckTxStateless(tx);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, Reject::kBadSignature);
}

TEST(TxCheck, RejectsFieldsOutOfRange) {
  auto key = testing::FixedKey(1);
  Tx tx = testing::SampleBuyerTx(key);
  std::get<BuyerBid>(tx.body).b_min_wh = 9000;  // above b_max
  SignTx(tx, key);
  auto r = CheckTxStateless(tx);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, Reject::kMalformed);
  tx = testing::SampleBuyerTx(key, "bad id!");
  EXPECT_EQ(CheckTxStateless(tx)->code, Reject::kMalformed);
}

// The car's stated limits (contract C-4.8): 0 is "not stated"; a stated one out of range is
// malformed, the field named.
TEST(TxCheck, CarLimitsOutOfRangeNameTheirField) {
  auto key = testing::FixedKey(1);
  auto buyer_with = [&](int64_t power_w, int64_t departure_s) {
    Tx tx = testing::SampleBuyerTx(key);
    auto& b = std::get<BuyerBid>(tx.body);
    b.max_power_w = power_w;
    b.departure_s = departure_s == 0 ? 0 : b.timestamp_s + departure_s;
    SignTx(tx, key);
    return CheckTxStateless(tx);
  };
  EXPECT_FALSE(buyer_with(11'000, 3600).has_value());
  EXPECT_FALSE(buyer_with(kMaxPowerW, kMaxStayS).has_value());
  EXPECT_NE(buyer_with(kMaxPowerW + 1, 0)->detail.find("max_power_w"), std::string::npos);
  EXPECT_NE(buyer_with(-5, 0)->detail.find("max_power_w"), std::string::npos);
  EXPECT_NE(buyer_with(0, -1)->detail.find("departure_s"), std::string::npos);  // in the past
  EXPECT_NE(buyer_with(0, kMaxStayS + 1)->detail.find("departure_s"), std::string::npos);

  Tx tx = testing::SampleSellerTx(key);
  auto& s = std::get<SellerBid>(tx.body);
  s.target_wh = s.s_t_wh + 1;
  SignTx(tx, key);
  auto r = CheckTxStateless(tx);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, Reject::kMalformed);
  EXPECT_NE(r->detail.find("target_wh"), std::string::npos);
}

TEST(TxCheck, RejectsUnsortedBidsAndBadTrades) {
  auto key = testing::FixedKey(1);
  Tx round;
  round.sender = "rsu-1";
  round.nonce = 1;
  TradingRound r;
  r.t_limit_s = 60;
  r.l1_micro = 1;
  r.buyers = {testing::SampleBuyerTx(key, "b"), testing::SampleBuyerTx(key, "a")};
  r.certificate.buyer_price = r.certificate.mu_min = r.certificate.mu_max = {0, 0};
  round.body = r;
  SignTx(round, key);
  EXPECT_EQ(CheckTxStateless(round)->code, Reject::kDuplicate);
  std::swap(r.buyers[0], r.buyers[1]);
  r.trades.push_back(Trade{0, 0, 10, 10});  // no seller 0
  round.body = r;
  SignTx(round, key);
  EXPECT_EQ(CheckTxStateless(round)->code, Reject::kMalformed);
}

}  // namespace
}  // namespace v2v::chain
