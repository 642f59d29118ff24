// One failed round transaction must not stop an RSU's market: the round book hears the node's
// verdict (RoundBook::OnTxDropped), rebuilds the round without the bad bid and re-signs the later
// rounds at once; and a bid whose nonce a pending round uses is left out or refused.
#include <gtest/gtest.h>

#include "auction/round_builder.h"
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
        rsu2_(Options("rsu-2"), chain::testing::FixedKey(102), node_, sink2_) {
    node_.Tell(&rsu1_);
    node_.Tell(&rsu2_);
  }
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
  // Round 1's parameters (window [kStart, kStart + 10]) with the gateway's auction defaults.
  static auction::RoundParams RoundOneParams() {
    auction::RoundParams p;
    p.round = 1;
    p.t_stamp_s = kStart;
    p.t_limit_s = 10;
    const AuctionParams a;
    p.v_min = a.v_min;
    p.c_max = a.c_max;
    p.l1_micro = a.l1_micro;
    p.l2_micro = a.l2_micro;
    p.radius_m = a.radius_m;
    return p;
  }
  // rsu-1's round 1 of car-5 buying and car-3 selling with nonce 1, as another node would build,
  // sign and seal it.
  chain::Tx ForeignRound() const {
    auto built =
        auction::BuildRound(RoundOneParams(), {Buy(5, "rsu-1", 1, 1)}, {Sell(3, "rsu-1", 1, 2)});
    EXPECT_TRUE(built.ok());
    return w_.SignRound(std::move(built).value().round, 1);
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

// The race the check cannot see: rsu-2 built its round with car-3's nonce 1 before rsu-1's
// round (same nonce) reached it, and another node sealed rsu-1's. The node drops rsu-2's round
// and its later one; rsu-2 rebuilds both at once, without car-3, and both commit.
TEST_F(RoundVerdictTest, ARoundWhoseBidsNonceAnotherRoundTookIsRebuiltAtOnce) {
  Bid(rsu2_, Buy(1, "rsu-2", 1, 0), 0);
  Bid(rsu2_, Sell(2, "rsu-2", 1, 1), 1);
  Bid(rsu2_, Sell(3, "rsu-2", 1, 2), 2);
  rsu2_.Tick((kStart + 12) * kSecondMs);
  Bid(rsu2_, Buy(0, "rsu-2", 2, 13), 13);
  Bid(rsu2_, Sell(4, "rsu-2", 2, 14), 14);
  rsu2_.Tick((kStart + 25) * kSecondMs);
  ASSERT_EQ(node_.pending(), 2u);
  const Hash32 first_tx = rsu2_.Find(1)->round_tx;

  ASSERT_FALSE(node_.ImportBlock(kStart + 26, {ForeignRound()}).has_value());
  EXPECT_EQ(node_.pending(), 2u);  // both signed again
  EXPECT_FALSE(node_.Holds(first_tx));
  const auto left_out = sink2_.Of("car-3", "bid_dropped");
  ASSERT_EQ(left_out.size(), 1u);
  EXPECT_EQ(left_out[0]["reason"], "replayed");
  EXPECT_EQ(rsu2_.Find(1)->rsu_nonce, 1u);
  EXPECT_EQ(rsu2_.Find(2)->rsu_nonce, 2u);

  EXPECT_FALSE(node_.Seal(kStart + 27).has_value());
  rsu2_.OnHead((kStart + 27) * kSecondMs);
  EXPECT_EQ(rsu2_.Find(1)->state, RoundState::kCommitted);
  EXPECT_EQ(rsu2_.Find(2)->state, RoundState::kCommitted);
  const auto schemes = sink2_.Of("car-1", "scheme");
  ASSERT_EQ(schemes.size(), 2u);  // as first built, and as signed again
  EXPECT_EQ(CounterpartyOf(schemes.back()), "car-2");
  EXPECT_EQ(schemes.back()["round_tx"], rsu2_.Find(1)->round_tx.Hex());
  EXPECT_EQ(CounterpartyOf(sink2_.Of("car-0", "scheme").back()), "car-4");
  EXPECT_EQ(rsu2_.NextNonce("rsu-2"), 3u);
}

// rsu-1 signed round 1 with its nonce 1 and, as after a restart of its node, another round with
// the same nonce was sealed elsewhere (ForeignRound). The node drops rsu-1's round as stale
// (kStaleNonce, its own nonce, not a bid's): rsu-1 signs it again with nonce 2, its bids
// unchanged, and it commits, instead of staying built and never on the chain.
TEST_F(RoundVerdictTest, ARoundWhoseRsuNonceAnotherOfItsTransactionsTookIsSignedAgain) {
  Bid(rsu1_, Buy(0, "rsu-1", 1, 0), 0);
  Bid(rsu1_, Sell(2, "rsu-1", 1, 1), 1);
  rsu1_.Tick((kStart + 12) * kSecondMs);
  ASSERT_EQ(node_.pending(), 1u);
  const Hash32 first_tx = rsu1_.Find(1)->round_tx;
  ASSERT_EQ(rsu1_.Find(1)->rsu_nonce, 1u);

  ASSERT_FALSE(node_.ImportBlock(kStart + 13, {ForeignRound()}).has_value());
  EXPECT_FALSE(node_.Holds(first_tx));
  EXPECT_EQ(node_.pending(), 1u);  // signed again
  EXPECT_EQ(rsu1_.Find(1)->state, RoundState::kBuilt);
  EXPECT_EQ(rsu1_.Find(1)->rsu_nonce, 2u);
  EXPECT_NE(rsu1_.Find(1)->round_tx, first_tx);
  EXPECT_TRUE(sink1_.Of("car-2", "bid_dropped").empty());

  EXPECT_FALSE(node_.Seal(kStart + 14).has_value());
  rsu1_.OnHead((kStart + 14) * kSecondMs);
  EXPECT_EQ(rsu1_.Find(1)->state, RoundState::kCommitted);
  EXPECT_EQ(CounterpartyOf(sink1_.Of("car-0", "scheme").back()), "car-2");
  EXPECT_EQ(node_.HeadState().accounts.at("rsu-1").nonce, 2u);
}

// The contract refuses a round for one bidder (its certificate revoked since it bid): the
// producer drops the round and the later one; both are signed again and commit in the next block.
TEST_F(RoundVerdictTest, ARoundTheContractRefusesForOneBidIsRebuiltWithoutIt) {
  Bid(rsu1_, Buy(0, "rsu-1", 1, 0), 0);
  Bid(rsu1_, Sell(2, "rsu-1", 1, 1), 1);
  Bid(rsu1_, Sell(3, "rsu-1", 1, 2), 2);
  rsu1_.Tick((kStart + 12) * kSecondMs);
  Bid(rsu1_, Buy(1, "rsu-1", 2, 13), 13);
  Bid(rsu1_, Sell(4, "rsu-1", 2, 14), 14);
  rsu1_.Tick((kStart + 25) * kSecondMs);
  node_.MutableState().revoked.insert(node_.HeadState().accounts.at("car-3").cert_hash);

  const auto refused = node_.Seal(kStart + 26);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->code, chain::Reject::kCertRevoked);
  ASSERT_EQ(node_.pending(), 2u);
  EXPECT_EQ(sink1_.Of("car-3", "bid_dropped").at(0)["reason"], "certificate_revoked");

  EXPECT_FALSE(node_.Seal(kStart + 27).has_value());
  rsu1_.OnHead((kStart + 27) * kSecondMs);
  EXPECT_EQ(rsu1_.Find(1)->state, RoundState::kCommitted);
  EXPECT_EQ(rsu1_.Find(2)->state, RoundState::kCommitted);
  EXPECT_EQ(CounterpartyOf(sink1_.Of("car-0", "scheme").back()), "car-2");
}

// A round refused for no bid's fault (recorded too late) is dropped; the later round, dropped
// with it, is signed again with the freed nonce and commits without waiting to age out.
TEST_F(RoundVerdictTest, ARoundNoBidExplainsIsDroppedAndTheNextIsSignedAgain) {
  Bid(rsu1_, Buy(0, "rsu-1", 1, 0), 0);
  Bid(rsu1_, Sell(2, "rsu-1", 1, 1), 1);
  rsu1_.Tick((kStart + 12) * kSecondMs);
  Bid(rsu1_, Buy(1, "rsu-1", 2, 13), 13);
  Bid(rsu1_, Sell(3, "rsu-1", 2, 14), 14);
  rsu1_.Tick((kStart + 25) * kSecondMs);
  const int64_t late = kStart + 10 + node_.ContractParams().max_round_age_s + 1;

  const auto refused = node_.Seal(late);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->code, chain::Reject::kWindowNotClosed);
  EXPECT_EQ(rsu1_.Find(1)->state, RoundState::kDropped);
  EXPECT_EQ(sink1_.Of("car-0", "dropped").size(), 1u);
  ASSERT_EQ(node_.pending(), 1u);
  EXPECT_EQ(rsu1_.Find(2)->rsu_nonce, 1u);

  EXPECT_FALSE(node_.Seal(late + 1).has_value());
  rsu1_.OnHead((late + 1) * kSecondMs);
  EXPECT_EQ(rsu1_.Find(2)->state, RoundState::kCommitted);
  EXPECT_EQ(rsu1_.NextNonce("car-0"), 1u);  // its dropped bid's nonce is free
}

// cluster-sim seed 424311: one block makes a bid in each of two built rounds stale, and the node
// drops both in one batch, the later round's drop told first. The later round must not be signed
// again above the earlier one's nonce: the earlier round, left with no bid, is dropped for good,
// and a nonce gap below the later one would keep it from every block until it expired.
TEST_F(RoundVerdictTest, TwoRoundsDroppedInOneBatchLeaveNoNonceGap) {
  Bid(rsu1_, Buy(4, "rsu-1", 1, 0), 0);
  Bid(rsu1_, Sell(3, "rsu-1", 1, 1), 1);
  rsu1_.Tick((kStart + 12) * kSecondMs);
  Bid(rsu1_, Buy(1, "rsu-1", 2, 13), 13);
  Bid(rsu1_, Sell(2, "rsu-1", 2, 14), 14);
  rsu1_.Tick((kStart + 25) * kSecondMs);
  ASSERT_EQ(node_.pending(), 2u);
  ASSERT_EQ(rsu1_.Find(2)->rsu_nonce, 2u);

  // rsu-2's round takes the nonces of car-4 and car-3 (all of round 1) and car-2 (round 2's
  // seller). The mempool finds the stale bids by vehicle: car-2's round (2) is dropped first.
  auto built = auction::BuildRound(RoundOneParams(), {Buy(4, "rsu-2", 1, 1)},
                                   {Sell(2, "rsu-2", 1, 2), Sell(3, "rsu-2", 1, 3)});
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  chain::Tx foreign;
  foreign.sender = "rsu-2";
  foreign.nonce = 1;
  foreign.body = std::move(built).value().round;
  chain::SignTx(foreign, chain::testing::FixedKey(102));
  ASSERT_FALSE(node_.ImportBlock(kStart + 26, {foreign}).has_value());

  EXPECT_EQ(rsu1_.Find(1)->state, RoundState::kDropped);
  EXPECT_EQ(sink1_.Of("car-4", "bid_dropped").size(), 1u);  // its nonce is on the chain
  ASSERT_EQ(rsu1_.Find(2)->state, RoundState::kBuilt);
  EXPECT_EQ(rsu1_.Find(2)->rsu_nonce, 1u) << "signed again with the nonce round 1 freed";
  EXPECT_EQ(rsu1_.Find(2)->sellers.size(), 0u);  // car-2 left out
  ASSERT_EQ(node_.pending(), 1u);
  EXPECT_TRUE(node_.Holds(rsu1_.Find(2)->round_tx));

  EXPECT_FALSE(node_.Seal(kStart + 27).has_value());
  rsu1_.OnHead((kStart + 27) * kSecondMs);
  EXPECT_EQ(rsu1_.Find(2)->state, RoundState::kCommitted);
  EXPECT_EQ(rsu1_.RoundsInFlight(), 0u);
}

// What the gateway checked is noted at the node (NodePort::NoteChecked), so the node does not
// verify those signatures again when the round carrying them reaches its mempool; a bid that fails
// the check is refused and noted as nothing.
TEST_F(RoundVerdictTest, TheBidsTheGatewayCheckedAreNotedAtTheNode) {
  const chain::Tx buy = Buy(0, "rsu-1", 1, 0);
  chain::Tx forged = Sell(2, "rsu-1", 1, 1);
  forged.signature.bytes[0] ^= 1;
  Bid(rsu1_, buy, 0);
  const BidResult refused = rsu1_.Offer(forged, (kStart + 1) * kSecondMs);
  ASSERT_TRUE(std::holds_alternative<Refusal>(refused));
  EXPECT_EQ(std::get<Refusal>(refused).reason, Reason::kBadSignature);
  EXPECT_TRUE(node_.Checked(chain::TxHash(buy)));
  EXPECT_FALSE(node_.Checked(chain::TxHash(forged)));
  const chain::Tx sell = Sell(3, "rsu-1", 1, 2);
  Bid(rsu1_, sell, 2);
  EXPECT_TRUE(node_.Checked(chain::TxHash(sell)));
  rsu1_.Tick((kStart + 10) * kSecondMs);
  ASSERT_EQ(node_.pending(), 1u) << "the round, admitted with its noted bids";
}

}  // namespace
}  // namespace v2v::gateway
