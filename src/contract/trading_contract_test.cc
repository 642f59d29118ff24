#include "contract/trading_contract.h"

#include <gtest/gtest.h>

#include "contract/testing/world.h"

namespace v2v::contract {
namespace {

using chain::Reject;
using testing::World;

struct Env {
  World w;
  CompactIdentityVerifier verifier = w.Verifier();
  TradingContract contract{verifier, ContractParams{3600, 600, w.ca.public_key()}};
  chain::State genesis = w.GenesisStateOrDie();

  std::variant<chain::State, chain::Rejection> Apply(const chain::State& s, int64_t time,
                                                     std::vector<chain::Tx> txs) const {
    return contract.ApplyBlock(s, World::MakeBlock(time, std::move(txs)));
  }
  chain::State Ok(const chain::State& s, int64_t time, std::vector<chain::Tx> txs) const {
    auto r = Apply(s, time, std::move(txs));
    if (auto* rej = std::get_if<chain::Rejection>(&r)) ADD_FAILURE() << rej->ToString();
    return std::get<chain::State>(std::move(r));
  }
  Reject Rejects(const chain::State& s, int64_t time, std::vector<chain::Tx> txs) const {
    auto r = Apply(s, time, std::move(txs));
    if (!std::holds_alternative<chain::Rejection>(r)) {
      ADD_FAILURE() << "accepted";
      return Reject::kMalformed;
    }
    return std::get<chain::Rejection>(r).code;
  }
  chain::Tx Meter(const chain::State& s, const Hash32& id, int64_t wh, uint64_t nonce) const {
    const chain::Escrow& e = s.escrows.at(id);
    const int seller = std::stoi(e.seller.substr(4)), buyer = std::stoi(e.buyer.substr(4));
    chain::Tx tx;
    tx.sender = e.seller;
    tx.nonce = nonce;
    const auto& key = w.cars[static_cast<size_t>(buyer)];
    chain::MeterReport m{id, wh, key.public_key(), key.Sign(chain::MeterSigningBytes(id, wh))};
    tx.body = m;
    chain::SignTx(tx, w.cars[static_cast<size_t>(seller)]);
    return tx;
  }
};

constexpr int64_t kClose = World::kT0 + 60;

TEST(TradingContract, RoundEscrowsPaymentAndEnergy) {
  Env env;
  const chain::Tx round = env.w.Round();
  const chain::State s = env.Ok(env.genesis, kClose + 5, {round});
  const auto& trades = std::get<chain::TradingRound>(round.body).trades;
  ASSERT_EQ(s.escrows.size(), trades.size());
  EXPECT_FALSE(CheckConservation(s));
  EXPECT_LT(s.accounts.at("car-0").balance, 1'000'000);
  EXPECT_EQ(s.accounts.at("rsu-1").nonce, 1u);
  EXPECT_NE(env.contract.Commit(s), env.contract.Commit(env.genesis));
}

TEST(TradingContract, MeterReportSettlesAndRefundCancels) {
  Env env;
  const chain::Tx round = env.w.Round();
  chain::State s = env.Ok(env.genesis, kClose + 5, {round});
  ASSERT_GE(s.escrows.size(), 2u);
  const Hash32 first = s.escrows.begin()->first;
  const Hash32 second = std::next(s.escrows.begin())->first;
  const chain::Escrow e = s.escrows.at(first);
  const int64_t seller_balance = s.accounts.at(e.seller).balance;
  // Half delivered: the buyer pays for half, the rest comes back.
  chain::State settled = env.Ok(s, kClose + 100, {env.Meter(s, first, e.energy_wh / 2, 2)});
  EXPECT_EQ(settled.accounts.at(e.seller).balance,
            seller_balance + chain::Payment(e.price, e.energy_wh / 2));
  EXPECT_FALSE(settled.escrows.contains(first));
  EXPECT_FALSE(CheckConservation(settled));
  // Over-delivery and a replayed report are rejected.
  EXPECT_EQ(env.Rejects(s, kClose + 100, {env.Meter(s, first, e.energy_wh + 1, 2)}),
            Reject::kOverDelivery);
  EXPECT_EQ(env.Rejects(settled, kClose + 100, {env.Meter(s, first, 1, 3)}),
            Reject::kUnknownEscrow);
  // Refund only after the deadline.
  const chain::Escrow e2 = s.escrows.at(second);
  chain::Tx refund;
  refund.sender = e2.buyer;
  refund.nonce = 2;
  refund.body = chain::Refund{second};
  chain::SignTx(refund, env.w.cars[static_cast<size_t>(std::stoi(e2.buyer.substr(4)))]);
  EXPECT_EQ(env.Rejects(settled, e2.deadline_s, {refund}), Reject::kDeadlineNotReached);
  chain::State refunded = env.Ok(settled, e2.deadline_s + 1, {refund});
  EXPECT_FALSE(refunded.escrows.contains(second));
  EXPECT_FALSE(CheckConservation(refunded));
}

TEST(TradingContract, RejectionsLeaveStateUnchanged) {
  Env env;
  const chain::State before = env.genesis;
  // The window has not closed yet.
  EXPECT_EQ(env.Rejects(before, kClose - 1, {env.w.Round()}), Reject::kWindowNotClosed);
  // Replay: the same round twice.
  const chain::Tx round = env.w.Round();
  EXPECT_EQ(env.Rejects(before, kClose + 1, {round, round}), Reject::kBadNonce);
  // A bad signature.
  chain::Tx bad = round;
  bad.signature.bytes[3] ^= 1;
  EXPECT_EQ(env.Rejects(before, kClose + 1, {bad}), Reject::kBadSignature);
  // A bid outside the window.
  auto built = BuildRound(World::Params(), {env.w.Buyer(0, 1, kClose + 1)},
                          {env.w.Seller(2, 1, World::kT0 + 1)});
  EXPECT_EQ(env.Rejects(before, kClose + 5, {env.w.SignRound(built->round, 1)}),
            Reject::kBidOutsideWindow);
  // One vehicle on both sides.
  auto both = BuildRound(World::Params(), {env.w.Buyer(0, 1, World::kT0 + 1)},
                         {env.w.Seller(0, 2, World::kT0 + 1)});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(env.Rejects(before, kClose + 5, {env.w.SignRound(both->round, 1)}), Reject::kDuplicate);
  EXPECT_EQ(env.genesis, before);
}

TEST(TradingContract, Overspend) {
  Env env;
  env.w.genesis.accounts[1].balance = 10;  // car-0 is poor
  env.genesis = env.w.GenesisStateOrDie();
  EXPECT_EQ(env.Rejects(env.genesis, kClose + 1, {env.w.Round()}), Reject::kOverspend);
}

TEST(TradingContract, CertificatesAtBlockTime) {
  Env env;
  chain::Tx reg;
  reg.sender = "car-new";
  reg.nonce = 1;
  const auto key = chain::testing::FixedKey(50);
  reg.body = chain::Register{crypto::Role::kVehicle, env.w.Cert("car-new", crypto::Role::kVehicle,
                                                                key, World::kT0, World::kT0 + 10)};
  chain::SignTx(reg, key);
  EXPECT_EQ(env.Rejects(env.genesis, World::kT0 + 11, {reg}), Reject::kCertExpired);
  EXPECT_EQ(env.Rejects(env.genesis, World::kT0 - 1, {reg}), Reject::kCertNotYetValid);
  chain::State s = env.Ok(env.genesis, World::kT0 + 5, {reg});
  EXPECT_EQ(env.Rejects(s, World::kT0 + 6, {reg}), Reject::kAlreadyRegistered);
  chain::Tx wrong = reg;
  std::get<chain::Register>(wrong.body).role = crypto::Role::kRsu;
  chain::SignTx(wrong, key);
  EXPECT_EQ(env.Rejects(env.genesis, World::kT0 + 5, {wrong}), Reject::kWrongRole);
  // A revoked RSU certificate stops its rounds.
  World w2;
  w2.revoked.insert(env.genesis.accounts.at("rsu-1").cert_hash);
  CompactIdentityVerifier v2 = w2.Verifier();
  TradingContract c2(v2, ContractParams{});
  auto r = c2.ApplyBlock(env.genesis, World::MakeBlock(kClose + 1, {env.w.Round()}));
  ASSERT_TRUE(std::holds_alternative<chain::Rejection>(r));
  EXPECT_EQ(std::get<chain::Rejection>(r).code, Reject::kCertRevoked);
}

TEST(Conservation, DetectsCreatedOrDestroyedUnits) {
  Env env;
  chain::State s = env.Ok(env.genesis, kClose + 5, {env.w.Round()});
  ASSERT_FALSE(CheckConservation(s));
  chain::State more_money = s;
  more_money.accounts.at("car-1").balance += 1;
  EXPECT_EQ(CheckConservation(more_money)->code, Reject::kConservation);
  chain::State less_energy = s;
  less_energy.escrows.begin()->second.loss_wh -= 1;
  EXPECT_EQ(CheckConservation(less_energy)->code, Reject::kConservation);
  chain::State negative = s;
  negative.accounts.at("car-1").balance = -1;
  negative.accounts.at("car-2").balance += 1 + s.accounts.at("car-1").balance;
  EXPECT_EQ(CheckConservation(negative)->code, Reject::kConservation);
}

TEST(TradingContract, OnChainRevocation) {
  Env env;
  chain::Tx revoke;
  revoke.sender = "ca";
  revoke.nonce = 1;
  revoke.body = chain::Revoke{env.genesis.accounts.at("car-0").cert_hash};
  chain::SignTx(revoke, env.w.ca);
  chain::State s = env.Ok(env.genesis, World::kT0 + 1, {revoke});
  EXPECT_EQ(s.revoked.size(), 1u);
  EXPECT_EQ(env.Rejects(s, World::kT0 + 2, {revoke}), Reject::kDuplicate);
  // car-0 is a buyer in the round: its bid is now refused.
  EXPECT_EQ(env.Rejects(s, kClose + 1, {env.w.Round()}), Reject::kCertRevoked);
  chain::Tx forged = revoke;
  chain::SignTx(forged, env.w.rsu);
  EXPECT_EQ(env.Rejects(env.genesis, World::kT0 + 1, {forged}), Reject::kKeyMismatch);
  auto back = chain::DecodeEntries(chain::EncodeEntries(s));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, s);
}

}  // namespace
}  // namespace v2v::contract
