#include "chain/tx.h"

#include <gtest/gtest.h>

#include "chain/testing/fixtures.h"

namespace v2v::chain {
namespace {

TEST(Tx, RoundTripsEveryKind) {
  auto key = testing::FixedKey(1);
  std::vector<Tx> txs;
  txs.push_back(testing::SampleBuyerTx(key));
  Tx reg;
  reg.sender = "car-1";
  reg.nonce = 1;
  reg.body = Register{crypto::Role::kVehicle, Bytes{1, 2, 3}};
  txs.push_back(reg);
  Tx round;
  round.sender = "rsu-1";
  round.nonce = 3;
  TradingRound r;
  r.buyers.push_back(testing::SampleBuyerTx(key));
  r.trades.push_back(Trade{0, 0, 100, 250});
  r.certificate.buyer_price = {1.5};
  r.certificate.mu_min = {0};
  r.certificate.mu_max = {0};
  round.body = r;
  txs.push_back(round);
  Tx meter;
  meter.sender = "car-2";
  meter.nonce = 9;
  meter.body = MeterReport{Hash32{}, 42, {}, {}};
  txs.push_back(meter);
  Tx refund;
  refund.sender = "car-2";
  refund.nonce = 10;
  refund.body = Refund{Hash32{}};
  txs.push_back(refund);
  for (Tx& tx : txs) {
    SignTx(tx, key);
    Bytes enc = EncodeTx(tx);
    auto back = DecodeTx(enc);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(EncodeTx(*back), enc);
  }
}

// Pins the encoding: a change here breaks every signature and hash on existing chains.
TEST(Tx, GoldenBuyerBid) {
  Tx tx = testing::SampleBuyerTx(testing::FixedKey(1));
  EXPECT_EQ(ToHex(SigningBytes(tx)).substr(0, 40), "067632762e74780102000000056361722d318a88");
  EXPECT_EQ(TxHash(tx).Hex(), "2d720c0a841d42109a2441acdfa7f90cf4f3f8730ab09e2be12414baf6925826");
}

// Pins what a vehicle signs to subscribe to its pushes (docs/spec/encoding.md): tag, RSU, vehicle,
// timestamp; the vehicle client and the gateway must build the same bytes.
TEST(Tx, GoldenSubscribeSigningBytes) {
  EXPECT_EQ(ToHex(SubscribeSigningBytes("rsu-1", "car-0", 1'700'000'000)),
            "0d7632762e73756273637269626501"
            "000000057273752d31"
            "000000056361722d30"
            "000000006553f100");
  EXPECT_NE(SubscribeSigningBytes("rsu-1", "car-0", 1), SubscribeSigningBytes("rsu-2", "car-0", 1));
}

TEST(Tx, RejectsTrailingAndTruncatedBytes) {
  Bytes enc = EncodeTx(testing::SampleBuyerTx(testing::FixedKey(1)));
  Bytes longer = enc;
  longer.push_back(0);
  EXPECT_EQ(DecodeTx(longer).status().code(), StatusCode::kCorruption);
  for (size_t n = 0; n < enc.size(); n += 7) {
    EXPECT_FALSE(DecodeTx(ByteSpan(enc.data(), n)).ok()) << n;
  }
}

TEST(Tx, NestedRoundIsRejected) {
  auto key = testing::FixedKey(1);
  Tx inner;
  inner.sender = "rsu-1";
  inner.nonce = 1;
  inner.body = TradingRound{};
  SignTx(inner, key);
  Tx outer = inner;
  std::get<TradingRound>(outer.body).buyers.push_back(inner);
  SignTx(outer, key);
  EXPECT_FALSE(DecodeTx(EncodeTx(outer)).ok());
}

}  // namespace
}  // namespace v2v::chain
