#include "contract/trading_contract.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "contract/testing/contract_env.h"
#include "contract/testing/world.h"

namespace v2v::contract {
namespace {

using chain::Reject;
using testing::World;

struct Env : testing::ContractEnv {
  chain::Tx Meter(const chain::State& s, const Hash32& id, int64_t wh, uint64_t nonce) const {
    const chain::Escrow& e = s.escrows.at(id);
    const int seller = std::stoi(e.seller.substr(4)), buyer = std::stoi(e.buyer.substr(4));
    chain::Tx tx;
    tx.sender = e.seller;
    tx.nonce = nonce;
    const auto& key = w.cars[static_cast<size_t>(buyer)];
    chain::MeterReport m{id, wh, key.public_key(), key.Sign(chain::MeterSigningBytes(0, id, wh))};
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

// C-5.1: a delivery that falls short costs the seller the genesis penalty per kWh not delivered,
// paid to the buyer, as far as the seller's balance goes; money is moved, never made.
TEST(TradingContract, AShortfallCostsTheSellerThePenaltyUpToItsBalance) {
  Env env;
  const chain::Tx round = env.w.Round();
  const chain::State s = env.Ok(env.genesis, kClose + 5, {round});
  const Hash32 id = s.escrows.begin()->first;
  const chain::Escrow e = s.escrows.at(id);
  ASSERT_GE(e.energy_wh, 1000);
  const int64_t delivered = e.energy_wh / 4, missing = e.energy_wh - delivered;
  const chain::Tx meter = env.Meter(s, id, delivered, 2);
  for (const int64_t rate : {int64_t{0}, int64_t{250}, kMaxShortfallPenalty}) {
    TradingContract c(env.verifier, ContractParams{3600, 600, env.w.ca.public_key(), rate});
    auto r = c.Execute(s, World::MakeBlock(kClose + 100, {meter}));
    ASSERT_TRUE(std::holds_alternative<Executed>(r)) << rate;
    const Executed& x = std::get<Executed>(r);
    const int64_t pay = chain::Payment(e.price, delivered);
    const int64_t seller_had = s.accounts.at(e.seller).balance + pay;
    const int64_t penalty = std::min(seller_had, chain::Payment(rate, missing));
    ASSERT_EQ(x.effects.at(0).settlements.size(), 1u);
    EXPECT_EQ(x.effects[0].settlements[0].penalty, penalty) << rate;
    EXPECT_EQ(x.state.accounts.at(e.seller).balance, seller_had - penalty) << rate;
    EXPECT_EQ(x.state.accounts.at(e.buyer).balance,
              s.accounts.at(e.buyer).balance + e.amount - pay + penalty)
        << rate;
    EXPECT_FALSE(CheckConservation(x.state)) << rate;
    if (rate == kMaxShortfallPenalty) {
      EXPECT_EQ(x.state.accounts.at(e.seller).balance, 0);  // its whole balance, no more
    }
    if (rate == 250) {
      EXPECT_GT(penalty, 0);
    }
  }
  // Full delivery: no penalty whatever the rate.
  TradingContract c(env.verifier, ContractParams{3600, 600, env.w.ca.public_key(), 250});
  auto full = c.Execute(s, World::MakeBlock(kClose + 100, {env.Meter(s, id, e.energy_wh, 2)}));
  ASSERT_TRUE(std::holds_alternative<Executed>(full));
  EXPECT_EQ(std::get<Executed>(full).effects.at(0).settlements.at(0).penalty, 0);
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
  auto built = auction::BuildRound(World::Params(), {env.w.Buyer(0, 1, kClose + 1)},
                                   {env.w.Seller(2, 1, World::kT0 + 1)});
  EXPECT_EQ(env.Rejects(before, kClose + 5, {env.w.SignRound(built->round, 1)}),
            Reject::kBidOutsideWindow);
  // One vehicle on both sides.
  auto both = auction::BuildRound(World::Params(), {env.w.Buyer(0, 1, World::kT0 + 1)},
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

// C-7: Execute reports what each transaction did, exactly as the state changed: the round's
// escrows (ids and terms, the same RoundEscrows predicts before the block), then the metered
// settlement with its payment, and the refund.
TEST(TradingContract, ExecuteReportsEachTransactionsEffects) {
  Env env;
  const chain::Tx round = env.w.Round();
  const chain::Block block = World::MakeBlock(kClose + 5, {round});
  auto executed = env.contract.Execute(env.genesis, block);
  ASSERT_TRUE(std::holds_alternative<Executed>(executed));
  const Executed& x = std::get<Executed>(executed);
  EXPECT_EQ(x.state, std::get<chain::State>(env.contract.ApplyBlock(env.genesis, block)));
  ASSERT_EQ(x.effects.size(), 1u);
  const auto& created = x.effects[0].escrows;
  const auto& body = std::get<chain::TradingRound>(round.body);
  ASSERT_EQ(created.size(), body.trades.size());
  EXPECT_EQ(created, RoundEscrows(body, chain::TxHash(round), kClose + 5 + 3600));
  for (uint32_t k = 0; k < created.size(); ++k) {
    EXPECT_EQ(created[k].escrow, EscrowId(chain::TxHash(round), k));
    EXPECT_EQ(created[k].trade, k);
    EXPECT_EQ(x.state.escrows.at(created[k].escrow), created[k].ToEscrow());
  }
  EXPECT_TRUE(x.effects[0].payments.empty());

  const EscrowCreated& e = created[0];
  const int64_t half = e.energy_wh / 2;
  const chain::Block metered =
      World::MakeBlock(kClose + 100, {env.Meter(x.state, e.escrow, half, 2)});
  auto settled = env.contract.Execute(x.state, metered);
  ASSERT_TRUE(std::holds_alternative<Executed>(settled));
  const Executed& y = std::get<Executed>(settled);
  const Payment pay{e.escrow, e.buyer, e.seller, chain::Payment(e.price, half), half};
  ASSERT_EQ(y.effects.at(0).payments, std::vector<Payment>{pay});
  ASSERT_EQ(y.effects[0].settlements.size(), 1u);
  const Settlement& st = y.effects[0].settlements[0];
  EXPECT_EQ(st.kind, SettlementKind::kMetered);
  EXPECT_EQ(st.paid, pay.amount);
  EXPECT_EQ(st.returned_money, e.amount - pay.amount);
  EXPECT_EQ(st.lost_wh, chain::LossWh(half, e.rho_ppm));
  EXPECT_EQ(y.state.accounts.at(e.seller).balance, x.state.accounts.at(e.seller).balance + st.paid);
  EXPECT_EQ(y.state.accounts.at(e.seller).energy_wh,
            x.state.accounts.at(e.seller).energy_wh + st.returned_wh);
  EXPECT_EQ(y.state.accounts.at(e.buyer).balance,
            x.state.accounts.at(e.buyer).balance + st.returned_money);

  const EscrowCreated& e2 = created[1];
  chain::Tx refund;
  refund.sender = e2.buyer;
  refund.nonce = 2;  // the buyer's bid took nonce 1
  refund.body = chain::Refund{e2.escrow};
  chain::SignTx(refund, env.w.cars[static_cast<size_t>(std::stoi(e2.buyer.substr(4)))]);
  auto refunded = env.contract.Execute(y.state, World::MakeBlock(e2.deadline_s + 1, {refund}));
  ASSERT_TRUE(std::holds_alternative<Executed>(refunded));
  const TxEffects& r = std::get<Executed>(refunded).effects.at(0);
  EXPECT_TRUE(r.payments.empty());
  ASSERT_EQ(r.settlements.size(), 1u);
  EXPECT_EQ(r.settlements[0], (Settlement{e2.escrow, SettlementKind::kRefunded, e2.buyer, e2.seller,
                                          0, 0, 0, e2.amount, e2.energy_wh + e2.loss_wh}));
  // A rejected block reports no effects, only its rejection (the escrow is closed now).
  EXPECT_TRUE(std::holds_alternative<chain::Rejection>(env.contract.Execute(y.state, metered)));
}

// The node's vehicle gateway checks each bid (chain::CheckTxStateless) and notes its hash in the
// node's CheckedTxCache; a round carrying the bid then skips that bid's signature on this node.
// Planting a forged bid's hash (which no honest path would do) proves the skip; the round's own
// signature and the bids the cache does not hold are still verified.
TEST(TradingContract, CheckStatelessSkipsTheSignaturesOfNestedBidsTheCacheHolds) {
  Env env;
  const chain::Tx honest = env.w.Round();
  chain::TradingRound tr = std::get<chain::TradingRound>(honest.body);
  tr.buyers[0].signature.bytes[0] ^= 1;  // the first buyer's bid no longer verifies
  const chain::Tx forged = env.w.SignRound(tr, 1);
  CheckedTxCache cache;
  EXPECT_FALSE(env.contract.CheckStateless(honest, cache));
  ASSERT_TRUE(env.contract.CheckStateless(forged, cache));
  EXPECT_EQ(env.contract.CheckStateless(forged, cache)->code, Reject::kBadSignature);
  cache.Insert(chain::TxHash(tr.buyers[1]));  // another bid: the forged one is still verified
  EXPECT_EQ(env.contract.CheckStateless(forged, cache)->code, Reject::kBadSignature);
  cache.Insert(chain::TxHash(tr.buyers[0]));
  EXPECT_FALSE(env.contract.CheckStateless(forged, cache)) << "a noted bid is not verified again";
  EXPECT_EQ(env.contract.CheckStateless(forged)->code, Reject::kBadSignature) << "no cache";
  chain::Tx resigned = forged;
  resigned.signature.bytes[0] ^= 1;  // the round's own signature is always verified
  EXPECT_EQ(env.contract.CheckStateless(resigned, cache)->code, Reject::kBadSignature);
}

}  // namespace
}  // namespace v2v::contract
