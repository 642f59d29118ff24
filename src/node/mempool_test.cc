#include "node/mempool.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace v2v::node {
namespace {

chain::Tx MakeTx(const std::string& sender, uint64_t nonce) {
  chain::Tx tx;
  tx.sender = sender;
  tx.nonce = nonce;
  tx.body = chain::Refund{};
  return tx;
}

Hash32 H(const std::string& sender, uint64_t nonce) {
  Hash32 h;
  for (size_t i = 0; i < sender.size() && i < 24; ++i) h.bytes[i] = static_cast<uint8_t>(sender[i]);
  for (int i = 0; i < 8; ++i)
    h.bytes[24 + static_cast<size_t>(i)] = static_cast<uint8_t>(nonce >> (8 * i));
  return h;
}

Status Add(Mempool& m, const chain::Tx& tx, const Hash32& hash, uint64_t committed,
           int64_t now_ms = 0) {
  auto refused = m.Admit(tx, hash, ChainView{committed, false}, now_ms);
  return refused ? refused->ToStatus() : Status::Ok();
}

Status Add(Mempool& m, const std::string& s, uint64_t nonce, uint64_t committed = 0) {
  return Add(m, MakeTx(s, nonce), H(s, nonce), committed);
}

TEST(Mempool, RefusesDuplicatesStaleGapsAndTakenNonces) {
  Mempool m({.max_txs = 10, .max_nonce_gap = 5});
  ASSERT_TRUE(Add(m, "a", 1).ok());
  EXPECT_EQ(Add(m, "a", 1).message().rfind("duplicate", 0), 0u);
  EXPECT_EQ(Add(m, "b", 3, /*committed=*/3).message().rfind("stale_nonce", 0), 0u);
  EXPECT_EQ(Add(m, "b", 9, /*committed=*/3).message().rfind("nonce_gap", 0), 0u);
  chain::Tx other = MakeTx("a", 1);
  other.body = chain::Revoke{};
  Hash32 other_hash = H("zz", 77);
  EXPECT_EQ(Add(m, other, other_hash, 0).message().rfind("nonce_taken", 0), 0u);
  EXPECT_EQ(m.size(), 1u);
}

TEST(Mempool, BoundedAtMaxTxs) {
  Mempool m({.max_txs = 3, .max_nonce_gap = 100});
  for (uint64_t n = 1; n <= 3; ++n) ASSERT_TRUE(Add(m, "a", n).ok());
  EXPECT_EQ(Add(m, "b", 1).message().rfind("mempool_full", 0), 0u);
  EXPECT_EQ(m.size(), 3u);
}

TEST(Mempool, SelectTakesConsecutiveRunsInArrivalOrder) {
  Mempool m;
  ASSERT_TRUE(Add(m, "b", 2).ok());  // not ready until b's nonce 1 arrives
  ASSERT_TRUE(Add(m, "a", 1).ok());
  ASSERT_TRUE(Add(m, "a", 2).ok());
  ASSERT_TRUE(Add(m, "a", 4).ok());  // gap at 3: not ready
  ASSERT_TRUE(Add(m, "c", 6).ok());  // c committed 5: ready
  ASSERT_TRUE(Add(m, "b", 1).ok());
  std::map<std::string, uint64_t> committed{{"c", 5}};
  auto nonce = [&](const std::string& s) { return committed.count(s) ? committed[s] : 0; };
  auto txs = m.Select(nonce, 100);
  std::vector<std::pair<std::string, uint64_t>> got;
  for (const auto& t : txs) got.emplace_back(t.sender, t.nonce);
  const std::vector<std::pair<std::string, uint64_t>> want{
      {"a", 1}, {"a", 2}, {"c", 6}, {"b", 1}, {"b", 2}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(m.Select(nonce, 3).size(), 3u);
  // A byte budget of two transactions: a's run fills it; later runs do not fit.
  const size_t one = chain::EncodeTx(MakeTx("a", 1)).size();
  auto two = m.Select(nonce, 100, 2 * one + 1);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].nonce, 2u);
}

// Whatever the chain holds is on it: a head change's prune that reports nothing dropped.
const OnChain kAllOnChain = [](const Hash32&) { return true; };

TEST(Mempool, PruneDropsCommittedAndRemoveDropsSuccessors) {
  Mempool m;
  for (uint64_t n = 1; n <= 4; ++n) ASSERT_TRUE(Add(m, "a", n).ok());
  ASSERT_TRUE(Add(m, "b", 1).ok());
  EXPECT_TRUE(m.Prune([](const std::string& s) { return s == "a" ? uint64_t{2} : uint64_t{0}; },
                      kAllOnChain)
                  .empty());
  EXPECT_EQ(m.size(), 3u);
  EXPECT_FALSE(m.Contains(H("a", 2)));
  EXPECT_TRUE(m.Contains(H("a", 3)));
  const auto drops = m.RemoveWithSuccessors(H("a", 3), chain::Reject::kUnknownEscrow);
  ASSERT_EQ(drops.size(), 2u);
  EXPECT_EQ(drops[0].hash, H("a", 3));
  EXPECT_EQ(drops[0].code, chain::Reject::kUnknownEscrow);
  EXPECT_EQ(drops[1].hash, H("a", 4));
  EXPECT_EQ(drops[1].code, chain::Reject::kPredecessorDropped);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_TRUE(m.Contains(H("b", 1)));
  EXPECT_TRUE(m.RemoveWithSuccessors(H("a", 3), chain::Reject::kUnknownEscrow).empty());
}

TEST(Mempool, RefusalsAreTypedCodes) {
  Mempool m({.max_txs = 10, .max_nonce_gap = 5});
  ASSERT_FALSE(m.Admit(MakeTx("a", 1), H("a", 1), {}, 0));
  auto dup = m.Admit(MakeTx("a", 1), H("a", 1), {}, 0);
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->code, MempoolReject::kDuplicate);
  auto stale = m.Admit(MakeTx("b", 2), H("b", 2), ChainView{2, false}, 0);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->code, MempoolReject::kStaleNonce);
  EXPECT_EQ(stale->ToString().rfind("stale_nonce: ", 0), 0u);
}

// A transaction whose effect the head state already holds is refused as `known` before any
// other check; the node then neither admits nor gossips it.
TEST(Mempool, KnownTransactionsAreRefused) {
  chain::State head;
  Hash32 cert;
  cert.bytes[0] = 7;
  chain::Tx revoke = MakeTx("ca", 1);
  revoke.body = chain::Revoke{cert};
  EXPECT_FALSE(AlreadyApplied(revoke, head));
  head.revoked.insert(cert);
  EXPECT_TRUE(AlreadyApplied(revoke, head));
  EXPECT_FALSE(AlreadyApplied(MakeTx("ca", 1), head));  // not a revocation

  Mempool m;
  auto r = m.Admit(revoke, H("ca", 1), ChainView{0, AlreadyApplied(revoke, head)}, 0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, MempoolReject::kKnown);
  EXPECT_EQ(r->ToString(), "known: already on the chain");
  EXPECT_EQ(m.size(), 0u);
  head.revoked.clear();
  EXPECT_FALSE(m.Admit(revoke, H("ca", 1), ChainView{0, AlreadyApplied(revoke, head)}, 0));

  // Once the head holds its effect, a CA transaction leaves the pool (its sender, without an
  // account, stays at committed nonce 0), so the CA's next one is not nonce_taken. It is the head
  // state that says so, not which blocks a prune was told of (a lagged feed says "all").
  ASSERT_TRUE(m.Contains(H("ca", 1)));  // admitted just above
  const auto none = [](const std::string&) { return uint64_t{0}; };
  const auto applied = [&head](const chain::Tx& t) { return AlreadyApplied(t, head); };
  EXPECT_TRUE(m.Prune(none, kAllOnChain, applied).empty());
  EXPECT_TRUE(m.Contains(H("ca", 1)));
  head.revoked.insert(cert);
  EXPECT_TRUE(m.Prune(none, kAllOnChain, applied).empty());
  EXPECT_FALSE(m.Contains(H("ca", 1)));
}

// A Recertify is known once its account holds its certificate, or once the account has moved on
// from the certificate it replaces, which the contract then retires (revokes): a replay of an old
// one cannot take the CA's pending slot.
TEST(Mempool, ARecertifyIsKnownOnceAppliedOrPast) {
  chain::State head;
  Hash32 replaces;
  replaces.bytes[0] = 5;
  chain::Tx recertify = MakeTx("ca", 1);
  recertify.body = chain::Recertify{"car-1", replaces, Bytes{1, 2, 3}};
  EXPECT_FALSE(AlreadyApplied(recertify, head));  // no such account
  head.accounts["car-1"].certificate = Bytes{9};
  head.accounts["car-1"].cert_hash = replaces;
  EXPECT_FALSE(AlreadyApplied(recertify, head));  // it holds the certificate replaced
  head.revoked.insert(replaces);
  EXPECT_FALSE(AlreadyApplied(recertify, head));  // revoked first (a leaked key): still to apply
  head.accounts["car-1"].cert_hash.bytes[0] = 6;  // moved on to another certificate
  EXPECT_TRUE(AlreadyApplied(recertify, head));
  head.revoked.clear();
  EXPECT_FALSE(AlreadyApplied(recertify, head));  // `replaces` not retired: it could come back
  head.accounts["car-1"].certificate = Bytes{1, 2, 3};
  EXPECT_TRUE(AlreadyApplied(recertify, head));  // applied
}

TEST(Mempool, BoundsFutureNoncesPerSender) {
  Mempool m({.max_txs = 1000, .max_nonce_gap = 4096, .max_future_per_sender = 3});
  // Nonces 5, 6, 7 wait for 1..4; an 4th waiting one is refused, for this sender only.
  for (uint64_t n = 5; n <= 7; ++n) ASSERT_TRUE(Add(m, "a", n).ok());
  auto r = m.Admit(MakeTx("a", 9), H("a", 9), {}, 0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, MempoolReject::kTooManyFuture);
  EXPECT_NE(r->detail.find("limit 3"), std::string::npos);
  EXPECT_TRUE(Add(m, "b", 5).ok());
  // Ready transactions are never limited by it: 1..4 fill the gap, and then 8 extends the run.
  for (uint64_t n = 1; n <= 4; ++n) ASSERT_TRUE(Add(m, "a", n).ok()) << n;
  EXPECT_TRUE(Add(m, "a", 8).ok());
  // With 1..8 ready, three more may wait again.
  for (uint64_t n = 10; n <= 12; ++n) ASSERT_TRUE(Add(m, "a", n).ok()) << n;
  EXPECT_EQ(m.Admit(MakeTx("a", 13), H("a", 13), {}, 0)->code, MempoolReject::kTooManyFuture);
  // Committed nonces move the run: a committed 8 means nothing of a waits but 10..12.
  EXPECT_EQ(m.Admit(MakeTx("a", 14), H("a", 14), ChainView{8, false}, 0)->code,
            MempoolReject::kTooManyFuture);
  EXPECT_FALSE(m.Admit(MakeTx("a", 9), H("a", 9), ChainView{8, false}, 0));
}

TEST(Mempool, ExpiresTransactionsPendingTooLong) {
  Mempool m(
      {.max_txs = 100, .max_nonce_gap = 100, .max_future_per_sender = 64, .tx_lifetime_ms = 1000});
  ASSERT_TRUE(Add(m, MakeTx("a", 1), H("a", 1), 0, /*now_ms=*/100).ok());
  ASSERT_TRUE(Add(m, MakeTx("a", 2), H("a", 2), 0, 600).ok());
  ASSERT_TRUE(Add(m, MakeTx("b", 3), H("b", 3), 0, 900).ok());
  ASSERT_TRUE(Add(m, MakeTx("b", 4), H("b", 4), 0, 950).ok());
  EXPECT_TRUE(m.Expire(1099).empty());
  // a/1 was admitted 1000 ms ago; a/2 could never apply without it.
  const auto first = m.Expire(1100);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].code, chain::Reject::kExpired);
  EXPECT_EQ(first[1].hash, H("a", 2));
  EXPECT_EQ(first[1].code, chain::Reject::kPredecessorDropped);
  EXPECT_TRUE(m.Contains(H("b", 3)));
  EXPECT_EQ(m.Expire(1900).size(), 2u);
  EXPECT_EQ(m.size(), 0u);
  // What expired may be admitted again, and expires from its new admission time.
  ASSERT_TRUE(Add(m, MakeTx("a", 1), H("a", 1), 0, 5000).ok());
  EXPECT_TRUE(m.Expire(5999).empty());
  EXPECT_EQ(m.Select([](const std::string&) { return uint64_t{0}; }, 10).size(), 1u);
  // Removing a transaction otherwise also removes it from the expiry order.
  EXPECT_EQ(m.RemoveWithSuccessors(H("a", 1), chain::Reject::kUnknownEscrow).size(), 1u);
  EXPECT_TRUE(m.Expire(100000).empty());
}

// A trading round carrying vehicle v's bid with nonce n (`bids`: (vehicle, nonce) pairs).
chain::Tx RoundCarrying(const std::string& rsu, uint64_t nonce,
                        const std::vector<std::pair<std::string, uint64_t>>& bids) {
  chain::TradingRound r;
  for (const auto& [vehicle, n] : bids) {
    chain::Tx bid = MakeTx(vehicle, n);
    bid.body = chain::BuyerBid{};
    r.buyers.push_back(bid);
  }
  chain::Tx tx = MakeTx(rsu, nonce);
  tx.body = std::move(r);
  return tx;
}

// A round carrying a vehicle's bid goes in a block after the round carrying its previous bid, even
// when it arrived first (a reorg gave the earlier one back to the mempool); a round whose bid
// follows no pending or committed nonce still goes last, for the contract to refuse.
TEST(Mempool, SelectTakesACarriedBidAfterTheVehiclesPreviousNonce) {
  Mempool m;
  const auto committed = [](const std::string&) { return uint64_t{0}; };
  ASSERT_TRUE(Add(m, RoundCarrying("rsu-b", 1, {{"v", 2}}), H("rsu-b", 1), 0).ok());
  ASSERT_TRUE(Add(m, RoundCarrying("rsu-c", 1, {{"w", 3}}), H("rsu-c", 1), 0).ok());
  ASSERT_TRUE(Add(m, RoundCarrying("rsu-a", 1, {{"v", 1}}), H("rsu-a", 1), 0).ok());
  const auto txs = m.Select(committed, 100);
  ASSERT_EQ(txs.size(), 3u);
  EXPECT_EQ(txs[0].sender, "rsu-a");
  EXPECT_EQ(txs[1].sender, "rsu-b");
  EXPECT_EQ(txs[2].sender, "rsu-c");
  EXPECT_EQ(m.Select(committed, 1)[0].sender, "rsu-a");
}

// A vehicle's nonce is used by one pending transaction at most, counting the bids inside rounds.
TEST(Mempool, ABidsNonceIsUsedByOneRoundAtMost) {
  Mempool m;
  ASSERT_TRUE(Add(m, RoundCarrying("rsu-a", 1, {{"v", 1}, {"w", 1}}), H("rsu-a", 1), 0).ok());
  EXPECT_EQ(m.NonceUser("v", 1).value_or(Hash32{}), H("rsu-a", 1));
  EXPECT_EQ(m.NonceUser("rsu-a", 1).value_or(Hash32{}), H("rsu-a", 1));
  EXPECT_FALSE(m.NonceUser("v", 2).has_value());
  // Another RSU's round with v's nonce 1, and v's own transaction with it: taken.
  auto other = m.Admit(RoundCarrying("rsu-b", 1, {{"v", 1}}), H("rsu-b", 1), {}, 0);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->code, MempoolReject::kNonceTaken);
  EXPECT_EQ(m.Admit(MakeTx("v", 1), H("v", 1), {}, 0)->code, MempoolReject::kNonceTaken);
  // v's nonce 2 is free; a round whose bid the head state already holds is stale.
  EXPECT_TRUE(Add(m, RoundCarrying("rsu-b", 1, {{"v", 2}}), H("rsu-b", 1), 0).ok());
  EXPECT_EQ(m.Admit(RoundCarrying("rsu-c", 1, {{"x", 1}}), H("rsu-c", 1),
                    ChainView{0, false, /*bid_stale=*/true}, 0)
                ->code,
            MempoolReject::kStaleNonce);
  EXPECT_EQ(m.size(), 2u);
}

// After a head where v's nonce 1 is on the chain (another round took it), the round carrying
// v's nonce 1 can never apply: Prune drops it and the RSU's later round, and says why.
TEST(Mempool, PruneDropsARoundWhoseBidIsStale) {
  Mempool m;
  ASSERT_TRUE(Add(m, RoundCarrying("rsu-a", 1, {{"v", 1}}), H("rsu-a", 1), 0).ok());
  ASSERT_TRUE(Add(m, RoundCarrying("rsu-a", 2, {{"w", 1}}), H("rsu-a", 2), 0).ok());
  ASSERT_TRUE(Add(m, RoundCarrying("rsu-b", 1, {{"x", 1}}), H("rsu-b", 1), 0).ok());
  const auto drops = m.Prune(
      [](const std::string& s) { return s == "v" ? uint64_t{1} : uint64_t{0}; }, kAllOnChain);
  ASSERT_EQ(drops.size(), 2u);
  EXPECT_EQ(drops[0].hash, H("rsu-a", 1));
  EXPECT_EQ(drops[0].code, chain::Reject::kStaleNonce);
  EXPECT_EQ(drops[1].hash, H("rsu-a", 2));
  EXPECT_EQ(drops[1].code, chain::Reject::kPredecessorDropped);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_FALSE(m.NonceUser("w", 1).has_value());  // its bids' nonces are free again
  EXPECT_TRUE(Add(m, RoundCarrying("rsu-a", 1, {{"w", 1}}), H("rsu-a", 9), 0).ok());
}

// A pending transaction whose nonce the chain holds was taken, or replaced by another with that
// nonce (a round an RSU signed before it restarted, found on the chain when it caught up): the
// first is forgotten, the second is dropped kStaleNonce so that its sender learns it and signs
// again. Its sender's later nonces stay pending.
TEST(Mempool, PruneReportsATransactionAnotherWithItsNonceReplaced) {
  Mempool m;
  for (uint64_t n = 1; n <= 3; ++n) ASSERT_TRUE(Add(m, "rsu", n).ok());
  ASSERT_TRUE(Add(m, "car", 1).ok());
  const OnChain held = [](const Hash32& h) { return h == H("car", 1) || h == H("rsu", 1); };
  const auto drops =
      m.Prune([](const std::string& s) { return s == "rsu" ? uint64_t{2} : uint64_t{1}; }, held);
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0].hash, H("rsu", 2));
  EXPECT_EQ(drops[0].code, chain::Reject::kStaleNonce);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_TRUE(m.Contains(H("rsu", 3)));
}

// Lock times (the contract's not yet): a round whose window is still open waits across any number
// of blocks, and its sender's later transactions wait behind it; it goes to the first block stamped
// at or after its time and is never dropped for the wait. Defer only raises the time.
TEST(Mempool, ALockedTransactionWaitsForTheFirstBlockStampedAtItsTime) {
  Mempool m;
  const NonceOf none = [](const std::string&) { return uint64_t{0}; };
  ChainView locked{0, false};
  locked.not_before_s = 1000;
  ASSERT_FALSE(m.Admit(MakeTx("rsu", 1), H("rsu", 1), locked, 0).has_value());
  ASSERT_TRUE(Add(m, "rsu", 2).ok());  // behind it
  ASSERT_TRUE(Add(m, "car", 1).ok());
  EXPECT_EQ(m.NotBefore(H("rsu", 1)), 1000);
  EXPECT_EQ(m.NotBefore(H("car", 1)), 0);
  for (int64_t block_time : {990, 998, 999}) {
    const auto txs = m.Select(none, 100, SIZE_MAX, block_time);
    ASSERT_EQ(txs.size(), 1u) << block_time;
    EXPECT_EQ(txs[0].sender, "car");
    EXPECT_EQ(m.size(), 3u);
  }
  const auto at = m.Select(none, 100, SIZE_MAX, 1000);
  ASSERT_EQ(at.size(), 3u);
  EXPECT_EQ(at[0].sender, "rsu");
  EXPECT_EQ(at[1].nonce, 2u);
  m.Defer(H("rsu", 1), 1005);
  m.Defer(H("rsu", 1), 1001);  // never lowered
  m.Defer(H("zz", 1), 1001);   // not pending: ignored
  EXPECT_EQ(m.NotBefore(H("rsu", 1)), 1005);
  EXPECT_EQ(m.NotBefore(H("zz", 1)), std::nullopt);
  EXPECT_EQ(m.Select(none, 100, SIZE_MAX, 1004).size(), 1u);
  EXPECT_EQ(m.Select(none, 100, SIZE_MAX, 1005).size(), 3u);
  EXPECT_TRUE(m.Prune(none, kAllOnChain).empty());  // waiting is no reason to drop
  EXPECT_EQ(m.size(), 3u);
}

std::vector<std::string> Names(const std::vector<chain::Tx>& txs) {
  std::vector<std::string> out;
  for (const chain::Tx& tx : txs) out.push_back(tx.sender + std::to_string(tx.nonce));
  return out;
}

// N4.3: what a block could take now and has waited reannounce_after_ms since it was admitted or
// last announced goes to the peers again; not-ready and locked transactions do not, and each is
// sent again at most once per reannounce_after_ms, the longest unannounced first, within the cap.
TEST(Mempool, ReannouncesWhatABlockCouldTakeAfterItWaited) {
  Mempool m({.reannounce_after_ms = 10'000, .max_reannounced = 10});
  const NonceOf none = [](const std::string&) { return uint64_t{0}; };
  ASSERT_TRUE(Add(m, MakeTx("a", 1), H("a", 1), 0, 0).ok());
  ASSERT_TRUE(Add(m, MakeTx("a", 2), H("a", 2), 0, 0).ok());
  ASSERT_TRUE(Add(m, MakeTx("b", 2), H("b", 2), 0, 0).ok());  // b's nonce 1 is missing
  ChainView locked{0, false};
  locked.not_before_s = 100;
  ASSERT_FALSE(m.Admit(MakeTx("c", 1), H("c", 1), locked, 0).has_value());
  ASSERT_TRUE(Add(m, MakeTx("d", 1), H("d", 1), 0, 5'000).ok());

  EXPECT_TRUE(m.Reannounce(none, 9'999).empty());
  EXPECT_EQ(Names(m.Reannounce(none, 10'000)), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_TRUE(m.Reannounce(none, 14'999).empty()) << "a1 and a2 were just announced";
  EXPECT_EQ(Names(m.Reannounce(none, 15'000)), (std::vector<std::string>{"d1"}));
  EXPECT_EQ(Names(m.Reannounce(none, 20'000)), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(Names(m.Reannounce(none, 100'000)), (std::vector<std::string>{"c1", "d1", "a1", "a2"}))
      << "the lock time passed; the longest unannounced first";
  EXPECT_EQ(m.size(), 5u) << "announcing takes nothing out";

  Mempool capped({.reannounce_after_ms = 1'000, .max_reannounced = 1});
  ASSERT_TRUE(Add(capped, MakeTx("a", 1), H("a", 1), 0, 0).ok());
  ASSERT_TRUE(Add(capped, MakeTx("e", 1), H("e", 1), 0, 0).ok());
  EXPECT_EQ(Names(capped.Reannounce(none, 1'000)), (std::vector<std::string>{"a1"}));
  EXPECT_EQ(Names(capped.Reannounce(none, 1'000)), (std::vector<std::string>{"e1"}));
}

}  // namespace
}  // namespace v2v::node
