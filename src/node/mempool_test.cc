#include "node/mempool.h"

#include <gtest/gtest.h>

#include <map>

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
  for (int i = 0; i < 8; ++i) h.bytes[24 + static_cast<size_t>(i)] = static_cast<uint8_t>(nonce >> (8 * i));
  return h;
}

// The rejection code, or nullopt when added.
std::optional<chain::Reject> Add(Mempool& m, const std::string& s, uint64_t nonce, uint64_t committed = 0) {
  auto r = m.Add(MakeTx(s, nonce), H(s, nonce), committed);
  return r ? std::optional<chain::Reject>(r->code) : std::nullopt;
}

TEST(Mempool, RefusesDuplicatesStaleGapsAndTakenNonces) {
  Mempool m({.max_txs = 10, .max_nonce_gap = 5});
  ASSERT_EQ(Add(m, "a", 1), std::nullopt);
  EXPECT_EQ(Add(m, "a", 1), chain::Reject::kAlreadyPending);
  EXPECT_EQ(Add(m, "b", 3, /*committed=*/3), chain::Reject::kStaleNonce);
  EXPECT_EQ(Add(m, "b", 9, /*committed=*/3), chain::Reject::kNonceGap);
  chain::Tx other = MakeTx("a", 1);
  other.body = chain::Revoke{};
  Hash32 other_hash = H("zz", 77);
  EXPECT_EQ(m.Add(other, other_hash, 0)->code, chain::Reject::kNonceTaken);
  EXPECT_EQ(m.size(), 1u);
}

TEST(Mempool, BoundedAtMaxTxs) {
  Mempool m({.max_txs = 3, .max_nonce_gap = 100});
  for (uint64_t n = 1; n <= 3; ++n) ASSERT_EQ(Add(m, "a", n), std::nullopt);
  EXPECT_EQ(Add(m, "b", 1), chain::Reject::kMempoolFull);
  EXPECT_EQ(m.size(), 3u);
}

TEST(Mempool, SelectTakesConsecutiveRunsInArrivalOrder) {
  Mempool m;
  ASSERT_EQ(Add(m, "b", 2), std::nullopt);  // not ready until b's nonce 1 arrives
  ASSERT_EQ(Add(m, "a", 1), std::nullopt);
  ASSERT_EQ(Add(m, "a", 2), std::nullopt);
  ASSERT_EQ(Add(m, "a", 4), std::nullopt);  // gap at 3: not ready
  ASSERT_EQ(Add(m, "c", 6), std::nullopt);  // c committed 5: ready
  ASSERT_EQ(Add(m, "b", 1), std::nullopt);
  std::map<std::string, uint64_t> committed{{"c", 5}};
  auto nonce = [&](const std::string& s) { return committed.count(s) ? committed[s] : 0; };
  auto txs = m.Select(nonce, 100);
  std::vector<std::pair<std::string, uint64_t>> got;
  for (const auto& t : txs) got.emplace_back(t.sender, t.nonce);
  const std::vector<std::pair<std::string, uint64_t>> want{{"a", 1}, {"a", 2}, {"c", 6}, {"b", 1}, {"b", 2}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(m.Select(nonce, 3).size(), 3u);
  // A byte budget of two transactions: a's run fills it; later runs do not fit.
  const size_t one = chain::EncodeTx(MakeTx("a", 1)).size();
  auto two = m.Select(nonce, 100, 2 * one + 1);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].nonce, 2u);
}

TEST(Mempool, PruneDropsCommittedAndRemoveDropsSuccessors) {
  Mempool m;
  for (uint64_t n = 1; n <= 4; ++n) ASSERT_EQ(Add(m, "a", n), std::nullopt);
  ASSERT_EQ(Add(m, "b", 1), std::nullopt);
  m.Prune([](const std::string& s) { return s == "a" ? uint64_t{2} : uint64_t{0}; });
  EXPECT_EQ(m.size(), 3u);
  EXPECT_FALSE(m.Contains(H("a", 2)));
  EXPECT_TRUE(m.Contains(H("a", 3)));
  EXPECT_EQ(m.RemoveWithSuccessors(H("a", 3)), 2u);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_TRUE(m.Contains(H("b", 1)));
  EXPECT_EQ(m.RemoveWithSuccessors(H("a", 3)), 0u);
}

}  // namespace
}  // namespace v2v::node
