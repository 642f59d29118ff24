// One bad bid must not sink the others' trades: a bid whose nonce a pending round uses is
// refused on arrival, or left out of its round at build time.
#include <gtest/gtest.h>

#include "gateway/round_book.h"
#include "gateway/testing_fake_node.h"

namespace v2v::gateway {
namespace {

using contract::testing::World;
using testing::FakeNode;
using testing::RecordingSink;

constexpr int64_t kStart = World::kT0;
constexpr int64_t kSecondMs = 1000;

// Six vehicles and a second RSU, rsu-2.
World TwoRsuWorld() {
  World w(6);
  w.genesis.accounts.push_back({crypto::Role::kRsu,
                                w.Cert("rsu-2", crypto::Role::kRsu, chain::testing::FixedKey(102)),
                                0, 0});
  return w;
}

class RoundVerdictTest : public ::testing::Test {
 protected:
  RoundVerdictTest()
      : node_(w_),
        rsu1_(Options("rsu-1"), chain::testing::FixedKey(101), node_, sink1_),
        rsu2_(Options("rsu-2"), chain::testing::FixedKey(102), node_, sink2_) {}
  static RoundBookOptions Options(const std::string& rsu) {
    RoundBookOptions o;
    o.rsu = rsu;
    o.t_limit_s = 10;
    return o;
  }
  chain::Tx Buy(int car, const std::string& rsu, uint64_t round, int64_t at) const {
    chain::Tx tx;
    tx.sender = World::CarId(car);
    tx.nonce = 1;
    tx.body = chain::BuyerBid{rsu, round, 300, 200, 400, 1000, 5000, 3000, 0, 0, kStart + at};
    chain::SignTx(tx, w_.cars[static_cast<size_t>(car)]);
    return tx;
  }
  chain::Tx Sell(int car, const std::string& rsu, uint64_t round, int64_t at,
                 uint64_t nonce = 1) const {
    chain::Tx tx;
    tx.sender = World::CarId(car);
    tx.nonce = nonce;
    tx.body =
        chain::SellerBid{rsu, round, 150, 100, 200, 20'000, 5'000, 50'000, 100, 0, kStart + at};
    chain::SignTx(tx, w_.cars[static_cast<size_t>(car)]);
    return tx;
  }
  // Accepts `bid` at `book` at kStart + at seconds.
  static void Bid(RoundBook& book, const chain::Tx& bid, int64_t at) {
    const bool buyer = std::holds_alternative<chain::BuyerBid>(bid.body);
    const BidResult r = buyer ? book.Request(bid, (kStart + at) * kSecondMs)
                              : book.Offer(bid, (kStart + at) * kSecondMs);
    ASSERT_TRUE(std::holds_alternative<BidAnswer>(r))
        << bid.sender << ": " << std::get<Refusal>(r).detail;
  }
  static std::string CounterpartyOf(const nlohmann::json& scheme) {
    const nlohmann::json& trades = scheme.at("trades");
    return trades.empty() ? "" : trades.at(0).at("counterparty").get<std::string>();
  }

  World w_ = TwoRsuWorld();
  FakeNode node_;
  RecordingSink sink1_, sink2_;
  RoundBook rsu1_, rsu2_;
};

// car-3 offers nonce 1 at both RSUs before either round is built (the API cannot know). rsu-1
// builds first; rsu-2 finds the nonce used by rsu-1's pending round and leaves car-3 out, so
// its honest pair trades.
TEST_F(RoundVerdictTest, TheLaterRoundLeavesOutABidWhoseNonceAPendingRoundUses) {
  Bid(rsu1_, Buy(0, "rsu-1", 1, 0), 0);
  Bid(rsu1_, Sell(3, "rsu-1", 1, 1), 1);
  Bid(rsu2_, Buy(1, "rsu-2", 1, 0), 0);
  Bid(rsu2_, Sell(2, "rsu-2", 1, 1), 1);
  Bid(rsu2_, Sell(3, "rsu-2", 1, 2), 2);
  rsu1_.Tick((kStart + 12) * kSecondMs);
  rsu2_.Tick((kStart + 12) * kSecondMs);
  ASSERT_EQ(node_.pending(), 2u);
  const auto left_out = sink2_.Of("car-3", "bid_dropped");
  ASSERT_EQ(left_out.size(), 1u);
  EXPECT_EQ(left_out[0]["reason"], "nonce_taken");
  EXPECT_EQ(rsu2_.Find(1)->sellers.size(), 1u);

  EXPECT_FALSE(node_.Seal(kStart + 13).has_value());  // both rounds apply
  rsu1_.OnHead((kStart + 13) * kSecondMs);
  rsu2_.OnHead((kStart + 13) * kSecondMs);
  EXPECT_EQ(rsu1_.Find(1)->state, RoundState::kCommitted);
  EXPECT_EQ(rsu2_.Find(1)->state, RoundState::kCommitted);
  EXPECT_EQ(CounterpartyOf(sink2_.Of("car-1", "scheme").back()), "car-2");
  EXPECT_EQ(CounterpartyOf(sink1_.Of("car-0", "scheme").back()), "car-3");
  EXPECT_EQ(node_.HeadState().accounts.at("car-3").nonce, 1u);
}

// Once rsu-1's round carrying car-3's nonce 1 is pending, rsu-2 refuses that nonce on arrival.
TEST_F(RoundVerdictTest, ABidWhoseNonceAPendingRoundUsesIsRefused) {
  Bid(rsu1_, Buy(0, "rsu-1", 1, 0), 0);
  Bid(rsu1_, Sell(3, "rsu-1", 1, 1), 1);
  rsu1_.Tick((kStart + 12) * kSecondMs);
  ASSERT_EQ(node_.pending(), 1u);
  Bid(rsu2_, Buy(1, "rsu-2", 1, 11), 11);
  const BidResult r = rsu2_.Offer(Sell(3, "rsu-2", 1, 13), (kStart + 13) * kSecondMs);
  ASSERT_TRUE(std::holds_alternative<Refusal>(r));
  EXPECT_EQ(std::get<Refusal>(r).reason, Reason::kNonceTaken);
  EXPECT_EQ(std::get<Refusal>(r).expected_nonce.value_or(0), 2u);
  Bid(rsu2_, Sell(3, "rsu-2", 1, 13, /*nonce=*/2), 13);  // the next one follows it
}

}  // namespace
}  // namespace v2v::gateway
