#include "chain/state.h"

#include <gtest/gtest.h>

namespace v2v::chain {
namespace {

State SampleState() {
  State s;
  Account a;
  a.certificate = {1, 2};
  a.energy_wh = 5000;
  a.balance = 100;
  a.nonce = 2;
  s.accounts["car-1"] = a;
  a.role = crypto::Role::kRsu;
  s.accounts["rsu-1"] = a;
  Escrow e{"car-1", "car-2", 100, 1, 300, 30, 10000, 1700000000};
  Hash32 id;
  id.bytes[0] = 7;
  s.escrows[id] = e;
  s.supply = {10000, 20000, 5};
  return s;
}

TEST(State, EntriesRoundTrip) {
  const State s = SampleState();
  auto back = DecodeEntries(EncodeEntries(s));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s);
}

TEST(State, GoldenRoot) {
  EXPECT_EQ(StateRoot(SampleState()).Hex(),
            "57da08017686cc09edf1bfe9daaadb5f5d61d97255889af7bbb85a833b78e954");
}

TEST(State, RootChangesWithAnyField) {
  State s = SampleState();
  const Hash32 r = StateRoot(s);
  s.accounts["car-1"].nonce++;
  EXPECT_NE(StateRoot(s), r);
}

TEST(State, PaymentRoundsHalfUpAndLossRoundsUp) {
  EXPECT_EQ(Payment(300, 1000), 300);
  EXPECT_EQ(Payment(3, 500), 2);  // 1.5 -> 2
  EXPECT_EQ(Payment(3, 499), 1);  // 1.497 -> 1
  EXPECT_EQ(Payment(int64_t{1} << 31, int64_t{1} << 31), ((int64_t{1} << 62) + 500) / 1000);
  EXPECT_EQ(LossWh(1000, 1), 1);
  EXPECT_EQ(LossWh(1000, 0), 0);
  EXPECT_EQ(LossWh(1000, 50000), 50);
}

}  // namespace
}  // namespace v2v::chain
