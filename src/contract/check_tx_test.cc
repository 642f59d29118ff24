// CheckTx and FillBlock: the block's own rules asked about one transaction at a time
// (docs/spec/contract.md; tx_verdict.h). C-4.1 stays as strict for a block; only the verdict for
// a transaction that time alone will make valid changes, from a rejection to "not yet".
#include <gtest/gtest.h>

#include "contract/testing/world.h"
#include "contract/time_rules.h"
#include "contract/trading_contract.h"
#include "crypto/hash.h"

namespace v2v::contract {
namespace {

using chain::Reject;
using testing::World;

constexpr int64_t kWindowEnd = World::kT0 + 60;  // World::Params(): T_stamp kT0, T_limit 60 s

struct Checker {
  World w;
  CompactIdentityVerifier verifier = w.Verifier();
  ContractParams params{3600, 600, w.ca.public_key()};
  TradingContract contract{verifier, params};
  chain::State genesis = w.GenesisStateOrDie();

  TxVerdict At(const chain::State& s, const chain::Tx& tx, int64_t time_s,
               NonceRule nonces = NonceRule::kNext) const {
    return contract.CheckTx(s, tx, {time_s, nonces, /*stateless_checked=*/false});
  }
  chain::State Apply(const chain::State& s, int64_t time_s, std::vector<chain::Tx> txs) const {
    auto r = contract.ApplyBlock(s, World::MakeBlock(time_s, std::move(txs)));
    if (auto* rej = std::get_if<chain::Rejection>(&r)) ADD_FAILURE() << rej->ToString();
    return std::get<chain::State>(std::move(r));
  }
  // A second round of rsu-1 (nonce 2), window [kT0 + 100, kT0 + 160], bids of cars 0 and 2 with
  // their nonce 2.
  chain::Tx LaterRound() const {
    auction::RoundParams p = World::Params();
    p.round = 2;
    p.t_stamp_s = World::kT0 + 100;
    auto built = auction::BuildRound(p, {w.Buyer(0, 2, World::kT0 + 110)},
                                     {w.Seller(2, 2, World::kT0 + 110)});
    EXPECT_TRUE(built.ok());
    chain::TradingRound r = std::move(built).value().round;
    for (chain::Tx& bid : r.buyers) std::get<chain::BuyerBid>(bid.body).round = 2;
    for (chain::Tx& bid : r.sellers) std::get<chain::SellerBid>(bid.body).round = 2;
    for (auto* bids : {&r.buyers, &r.sellers}) {
      for (chain::Tx& bid : *bids) {
        chain::SignTx(bid, w.cars[static_cast<size_t>(std::stoi(bid.sender.substr(4)))]);
      }
    }
    return w.SignRound(std::move(r), 2);
  }
  // A refund of no escrow from an unknown sender: the contract refuses it (unknown_escrow).
  static chain::Tx Hopeless() {
    chain::Tx tx;
    tx.sender = "nobody";
    tx.nonce = 1;
    tx.body = chain::Refund{};
    chain::SignTx(tx, chain::testing::FixedKey(9));
    return tx;
  }
};

Reject VerdictCode(const TxVerdict& v) {
  const chain::Rejection* r = RejectionOf(v);
  EXPECT_NE(r, nullptr) << "not a rejection";
  return r == nullptr ? Reject::kMalformed : r->code;
}

TEST(CheckTx, ARoundWhoseWindowIsOpenIsNotYetUntilItClosesThenAccepted) {
  Checker c;
  const chain::Tx round = c.w.Round();
  for (int64_t t : {World::kT0 + 10, kWindowEnd - 1}) {
    const TxVerdict v = c.At(c.genesis, round, t);
    const NotYet* wait = NotYetOf(v);
    ASSERT_NE(wait, nullptr) << "at " << t;
    EXPECT_EQ(wait->earliest_block_time_s, kWindowEnd);
    EXPECT_EQ(wait->why.code, Reject::kWindowNotClosed);
  }
  // The mempool's lock time is the same time, read without executing the round.
  EXPECT_EQ(EarliestBlockTime(c.genesis, round), kWindowEnd);
  EXPECT_TRUE(IsAccepted(c.At(c.genesis, round, kWindowEnd)));
  EXPECT_TRUE(IsAccepted(c.At(c.genesis, round, kWindowEnd + c.params.max_round_age_s)));
  // Too late is final: no later block can take it.
  EXPECT_EQ(VerdictCode(c.At(c.genesis, round, kWindowEnd + c.params.max_round_age_s + 1)),
            Reject::kWindowNotClosed);
  // C-4.1 is as strict as ever for a block: one stamped before the window's end is refused.
  auto early = c.contract.ApplyBlock(c.genesis, World::MakeBlock(kWindowEnd - 1, {round}));
  ASSERT_TRUE(std::holds_alternative<chain::Rejection>(early));
  EXPECT_EQ(std::get<chain::Rejection>(early).code, Reject::kWindowNotClosed);
}

TEST(CheckTx, NotYetOnlyWhenEveryOtherRulePassesAtTheEarliestTime) {
  Checker c;
  auto built = auction::BuildRound(World::Params(), {c.w.Buyer(0, 1, kWindowEnd + 1)},
                                   {c.w.Seller(2, 1, World::kT0 + 1)});
  ASSERT_TRUE(built.ok());
  const chain::Tx outside = c.w.SignRound(built->round, 1);  // a bid stamped after the window
  EXPECT_EQ(VerdictCode(c.At(c.genesis, outside, World::kT0 + 5)), Reject::kBidOutsideWindow);
}

TEST(CheckTx, ARefundBeforeItsDeadlineIsNotYet) {
  Checker c;
  const chain::State s = c.Apply(c.genesis, kWindowEnd + 5, {c.w.Round()});
  ASSERT_FALSE(s.escrows.empty());
  const auto& [id, e] = *s.escrows.begin();
  chain::Tx refund;
  refund.sender = e.buyer;
  refund.nonce = 2;
  refund.body = chain::Refund{id};
  chain::SignTx(refund, c.w.cars[static_cast<size_t>(std::stoi(e.buyer.substr(4)))]);
  const TxVerdict before = c.At(s, refund, e.deadline_s);
  ASSERT_NE(NotYetOf(before), nullptr);
  EXPECT_EQ(NotYetOf(before)->earliest_block_time_s, e.deadline_s + 1);
  EXPECT_EQ(NotYetOf(before)->why.code, Reject::kDeadlineNotReached);
  EXPECT_TRUE(IsAccepted(c.At(s, refund, e.deadline_s + 1)));
  EXPECT_EQ(EarliestBlockTime(s, refund), e.deadline_s + 1);
  EXPECT_EQ(EarliestBlockTime(c.genesis, refund), 0);  // no such escrow: CheckTx rejects it
  EXPECT_EQ(EarliestBlockTime(s, c.w.Buyer(0, 1, World::kT0 + 1)), 0);
}

TEST(CheckTx, ChangesNothingAndJudgesTheNonceByTheRuleAsked) {
  Checker c;
  const chain::State before = c.genesis;
  const chain::Tx second = c.w.Round(/*rsu_nonce=*/2);  // rsu-1's committed nonce is 0
  EXPECT_EQ(VerdictCode(c.At(c.genesis, second, kWindowEnd)), Reject::kBadNonce);
  EXPECT_TRUE(IsAccepted(c.At(c.genesis, second, kWindowEnd, NonceRule::kAfterCommitted)));
  chain::Tx forged = c.w.Round();
  forged.signature.bytes[7] ^= 1;
  EXPECT_EQ(VerdictCode(c.At(c.genesis, forged, kWindowEnd)), Reject::kBadSignature);
  EXPECT_EQ(c.genesis, before);
}

// The producer's block: one refused transaction is dropped once, the rest are taken, a round whose
// window is open waits (with its earliest block time) and its sender's later one is left alone.
// C-3.0: bytes signed for another network (another genesis) are refused with their own code,
// whether the round itself or one bid inside it names the other network, and a block holding
// such a round is refused whole.
TEST(CheckTx, ATransactionOrNestedBidSignedForAnotherNetworkIsRefused) {
  Checker c;
  ASSERT_TRUE(IsAccepted(c.At(c.genesis, c.w.Round(), kWindowEnd)));

  chain::Tx round = c.w.Round();
  round.network = 7;
  chain::SignTx(round, c.w.rsu);
  TxVerdict v = c.At(c.genesis, round, kWindowEnd);
  const chain::Rejection* r = RejectionOf(v);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->code, Reject::kWrongNetwork);
  EXPECT_NE(r->detail.find("0000000000000007"), std::string::npos) << r->detail;

  round = c.w.Round();
  auto& body = std::get<chain::TradingRound>(round.body);
  body.sellers[1].network = 7;
  chain::SignTx(body.sellers[1], c.w.cars[3]);
  chain::SignTx(round, c.w.rsu);
  v = c.At(c.genesis, round, kWindowEnd);
  r = RejectionOf(v);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->code, Reject::kWrongNetwork);
  EXPECT_NE(r->detail.find("car-3"), std::string::npos) << r->detail;
  EXPECT_TRUE(std::holds_alternative<chain::Rejection>(
      c.contract.ApplyBlock(c.genesis, World::MakeBlock(kWindowEnd, {round}))));

  // The same bytes are good on the network they were signed for.
  ContractParams there = c.params;
  there.network = 7;
  chain::Tx other = c.w.Round();
  other.network = 7;
  for (auto* bids : {&std::get<chain::TradingRound>(other.body).buyers,
                     &std::get<chain::TradingRound>(other.body).sellers}) {
    for (chain::Tx& bid : *bids) {
      bid.network = 7;
      chain::SignTx(bid, c.w.cars[static_cast<size_t>(std::stoi(bid.sender.substr(4)))]);
    }
  }
  chain::SignTx(other, c.w.rsu);
  const TradingContract elsewhere(c.verifier, there);
  EXPECT_TRUE(
      IsAccepted(elsewhere.CheckTx(c.genesis, other, {kWindowEnd, NonceRule::kNext, false})));
  v = c.At(c.genesis, other, kWindowEnd);
  ASSERT_NE(RejectionOf(v), nullptr);
  EXPECT_EQ(RejectionOf(v)->code, Reject::kWrongNetwork);
}

TEST(FillBlock, DropsTheRefusedOnceTakesTheRestAndLeavesTheNotYetWaiting) {
  Checker c;
  const chain::Tx bad = Checker::Hopeless();
  const chain::Tx round = c.w.Round();
  const chain::Tx later = c.LaterRound();              // window open until kT0 + 160
  const chain::Tx after = c.w.Round(/*rsu_nonce=*/3);  // rsu-1's next: behind `later`
  const int64_t time = kWindowEnd + 5;
  BlockFill fill = c.contract.FillBlock(c.genesis, {bad, round, later, after}, time);
  ASSERT_EQ(fill.txs.size(), 1u);
  EXPECT_EQ(chain::TxHash(fill.txs[0]), chain::TxHash(round));
  ASSERT_EQ(fill.dropped.size(), 1u);
  EXPECT_EQ(chain::TxHash(fill.dropped[0].first), chain::TxHash(bad));
  EXPECT_EQ(fill.dropped[0].second.code, Reject::kUnknownEscrow);
  EXPECT_EQ(fill.dropped[0].second.tx_index, 0);
  ASSERT_EQ(fill.waiting.size(), 1u);
  EXPECT_EQ(fill.waiting[0].first, chain::TxHash(later));
  EXPECT_EQ(fill.waiting[0].second, World::kT0 + 160);
  // The state is exactly the block of what was taken.
  EXPECT_EQ(fill.state_after, c.Apply(c.genesis, time, {round}));
  // So are the effects (C-7): one per transaction taken, as executing that block reports them.
  auto executed = c.contract.Execute(c.genesis, World::MakeBlock(time, {round}));
  ASSERT_TRUE(std::holds_alternative<Executed>(executed));
  EXPECT_EQ(fill.effects, std::get<Executed>(executed).effects);
  ASSERT_EQ(fill.effects.size(), 1u);
  EXPECT_FALSE(fill.effects[0].escrows.empty());
  // In a block stamped at its time, the waiting round goes in after the first.
  BlockFill next = c.contract.FillBlock(fill.state_after, {later}, World::kT0 + 160);
  EXPECT_EQ(next.txs.size(), 1u);
  EXPECT_TRUE(next.dropped.empty());
  EXPECT_TRUE(next.waiting.empty());
}

// A transaction refused halfway (nonces bumped, escrows made, then a buyer short of money) leaves
// no trace: the next one runs on the state as it was.
TEST(FillBlock, ATransactionRefusedHalfwayLeavesNoTrace) {
  Checker c;
  const chain::Tx round = c.w.Round();
  const auto& trades = std::get<chain::TradingRound>(round.body).trades;
  ASSERT_GE(trades.size(), 2u);
  chain::State poor = c.genesis;
  const auto& r = std::get<chain::TradingRound>(round.body);
  // The buyer's money moves to its seller's account (a seller needs energy, not money): the
  // totals stay conserved, which FillBlock asserts.
  chain::Account& buyer = poor.accounts.at(r.buyers[trades.back().buyer].sender);
  poor.accounts.at(r.sellers[trades.back().seller].sender).balance += buyer.balance;
  buyer.balance = 0;
  chain::Tx revoke;  // independent of the round: the CA revokes some certificate
  revoke.sender = "ca";
  revoke.nonce = 1;
  revoke.body = chain::Revoke{crypto::Sha256(AsBytes("some certificate"))};
  chain::SignTx(revoke, c.w.ca);
  EXPECT_EQ(VerdictCode(c.At(poor, round, kWindowEnd)), Reject::kOverspend);
  BlockFill fill = c.contract.FillBlock(poor, {round, revoke}, kWindowEnd);
  ASSERT_EQ(fill.dropped.size(), 1u);
  EXPECT_EQ(fill.dropped[0].second.code, Reject::kOverspend);
  ASSERT_EQ(fill.txs.size(), 1u);
  EXPECT_EQ(fill.state_after, c.Apply(poor, kWindowEnd, {revoke}));
  // Nor in the effects: the revocation's, which are none (the round's escrows are not kept).
  EXPECT_EQ(fill.effects, std::vector<TxEffects>(1));
}

}  // namespace
}  // namespace v2v::contract
