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
