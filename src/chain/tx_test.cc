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
  Tx revoke;
  revoke.sender = "ca";
  revoke.nonce = 1;
  revoke.body = Revoke{Hash32{}};
  txs.push_back(revoke);
  Tx recertify = revoke;
  Hash32 replaces;
  replaces.bytes[31] = 9;
  recertify.body = Recertify{"rsu-2", replaces, Bytes{4, 5, 6}};
  txs.push_back(recertify);
  for (Tx& tx : txs) {
    SignTx(tx, key);
    Bytes enc = EncodeTx(tx);
    auto back = DecodeTx(enc);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(EncodeTx(*back), enc);
    EXPECT_EQ(back->kind(), tx.kind());
  }
  const Result<Tx> decoded = DecodeTx(EncodeTx(txs.back()));
  ASSERT_TRUE(decoded.ok());
  const auto& back = std::get<Recertify>(decoded->body);
  EXPECT_EQ(back.account, "rsu-2");
  EXPECT_EQ(back.replaces, replaces);
  EXPECT_EQ(back.certificate, (Bytes{4, 5, 6}));
  EXPECT_EQ(txs.back().kind(), TxKind::kRecertify);
}

// The car's limits (contract C-4.8) are a flags byte and the stated values: unstated ones cost
// one byte, stated ones round-trip, and a stated 0 or an unknown flag is not canonical.
TEST(Tx, CarLimitsRoundTripAndAreCanonical) {
  const auto key = testing::FixedKey(2);
  Tx tx = testing::SampleSellerTx(key);
  const size_t plain = EncodeTx(tx).size();
  auto& s = std::get<SellerBid>(tx.body);
  s.max_power_w = 11'000;
  s.target_wh = 8'000;
  SignTx(tx, key);
  const Bytes bytes = EncodeTx(tx);
  EXPECT_EQ(bytes.size(), plain + 16);
  auto back = DecodeTx(bytes);
  ASSERT_TRUE(back.ok()) << back.status().message();
  const auto& d = std::get<SellerBid>(back->body);
  EXPECT_EQ(d.max_power_w, 11'000);
  EXPECT_EQ(d.departure_s, 0);
  EXPECT_EQ(d.target_wh, 8'000);
  EXPECT_EQ(EncodeTx(*back), bytes);
  // The flags byte follows the bid's timestamp; after it come the two stated values and the
  // signature. A flag no seller field has is refused.
  Bytes bad = bytes;
  const size_t flags_at = bytes.size() - 64 - 16 - 1;
  ASSERT_EQ(bad[flags_at], 0b101);  // power and target stated
  bad[flags_at] = 0b1000 | 0b101;   // a flag no seller field has
  EXPECT_FALSE(DecodeTx(bad).ok());
  // A stated value of 0 (the power's eight bytes zeroed) is not canonical: 0 means not stated.
  bad = bytes;
  std::fill(bad.begin() + static_cast<std::ptrdiff_t>(flags_at) + 1,
            bad.begin() + static_cast<std::ptrdiff_t>(flags_at) + 9, 0);
  EXPECT_FALSE(DecodeTx(bad).ok());
}

// Pins the encoding: a change here breaks every signature and hash on existing chains.
TEST(Tx, GoldenBuyerBid) {
  Tx tx = testing::SampleBuyerTx(testing::FixedKey(1));
  tx.network = 0x0123456789abcdef;
  SignTx(tx, testing::FixedKey(1));
  // tag "v2v.tx", version 1, kind 2, network (u64), then the sender "car-1"...
  EXPECT_EQ(ToHex(SigningBytes(tx)).substr(0, 52),
            "067632762e74780102"
            "0123456789abcdef"
            "000000056361722d31");
  EXPECT_EQ(TxHash(tx).Hex(), "8b741c4557996e59071eead2f1feceb44d3d4e21c3dd44e346c1fb8b466c050b");
}

// Pins what a vehicle signs to subscribe to its pushes (docs/spec/encoding.md): tag, RSU, vehicle,
// timestamp; the vehicle client and the gateway must build the same bytes.
TEST(Tx, GoldenSubscribeSigningBytes) {
  EXPECT_EQ(ToHex(SubscribeSigningBytes(0x0123456789abcdef, "rsu-1", "car-0", 1'700'000'000)),
            "0d7632762e73756273637269626501"
            "0123456789abcdef"
            "000000057273752d31"
            "000000056361722d30"
            "000000006553f100");
  EXPECT_NE(SubscribeSigningBytes(0, "rsu-1", "car-0", 1),
            SubscribeSigningBytes(0, "rsu-2", "car-0", 1));
  EXPECT_NE(SubscribeSigningBytes(0, "rsu-1", "car-0", 1),
            SubscribeSigningBytes(1, "rsu-1", "car-0", 1));
}

// A transaction's network is signed: the same body for another network is another message and
// another hash, and it survives decoding. The id prints as 16 hex digits and parses back.
TEST(Tx, TheNetworkIsSignedAndRoundTrips) {
  Tx a = testing::SampleBuyerTx(testing::FixedKey(1));
  Tx b = a;
  b.network = 0xfedcba9876543210;
  SignTx(b, testing::FixedKey(1));
  EXPECT_NE(SigningBytes(a), SigningBytes(b));
  EXPECT_NE(TxHash(a), TxHash(b));
  auto back = DecodeTx(EncodeTx(b));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->network, 0xfedcba9876543210u);
  EXPECT_EQ(NetworkHex(b.network), "fedcba9876543210");
  EXPECT_EQ(NetworkHex(1), "0000000000000001");
  auto parsed = ParseNetworkHex("FEDCBA9876543210");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, b.network);
  EXPECT_FALSE(ParseNetworkHex("fedcba987654321").ok());
  EXPECT_FALSE(ParseNetworkHex("fedcba98765432100").ok());
  EXPECT_FALSE(ParseNetworkHex("fedcba987654321g").ok());
  EXPECT_NE(MeterSigningBytes(0, Hash32{}, 5), MeterSigningBytes(1, Hash32{}, 5));
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
