#include "contract/checked_tx_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "chain/testing/fixtures.h"
#include "contract/trading_contract.h"
#include "crypto/hash.h"

namespace v2v::contract {
namespace {

Hash32 H(uint64_t i) { return crypto::Sha256(AsBytes("tx-" + std::to_string(i))); }

TEST(CheckedTxCache, BoundedFifo) {
  CheckedTxCache cache(3);
  for (uint64_t i = 0; i < 3; ++i) cache.Insert(H(i));
  cache.Insert(H(0));  // already present: keeps its place
  EXPECT_EQ(cache.size(), 3u);
  cache.Insert(H(3));  // evicts the oldest, H(0)
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Contains(H(0)));
  for (uint64_t i = 1; i <= 3; ++i) EXPECT_TRUE(cache.Contains(H(i)));
}

TEST(CheckedTxCache, ConcurrentInsertsAndLookups) {
  CheckedTxCache cache(1000);
  std::vector<std::thread> threads;
  for (uint64_t t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (uint64_t i = 0; i < 2000; ++i) {
        cache.Insert(H(t * 100000 + i));
        (void)cache.Contains(H(i));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(cache.size(), 1000u);
}

TEST(CheckedTxCache, HitsSkipVerificationAndPassesAreRecorded) {
  const chain::Tx good = chain::testing::SampleBuyerTx(chain::testing::FixedKey(1));
  chain::Tx forged = chain::testing::SampleBuyerTx(chain::testing::FixedKey(2));
  forged.signature.bytes[0] ^= 1;  // does not verify
  CheckedTxCache cache;
  // A pass is recorded.
  EXPECT_FALSE(CheckTxsParallel({good}, 1, &cache));
  EXPECT_TRUE(cache.Contains(chain::TxHash(good)));
  // A failure is reported at its index in the block and recorded as nothing.
  auto r = CheckTxsParallel({good, forged}, 1, &cache);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, chain::Reject::kBadSignature);
  EXPECT_EQ(r->tx_index, 1);
  EXPECT_FALSE(cache.Contains(chain::TxHash(forged)));
  // A cached hash is not verified again: planting the forged transaction's hash (which no
  // honest path would do) makes the check skip its signature, proving hits skip verification.
  cache.Insert(chain::TxHash(forged));
  EXPECT_FALSE(CheckTxsParallel({good, forged}, 2, &cache));
  EXPECT_TRUE(CheckTxsParallel({good, forged}, 2, nullptr));
}

// A block's round whose bids passed here on their own (the vehicle gateway's or the peer queue's
// checks) does not verify those bids again; an unchecked forged bid still sinks the round.
TEST(CheckedTxCache, BidsOfABlocksRoundCheckedHereAreNotVerifiedAgain) {
  chain::Tx forged = chain::testing::SampleBuyerTx(chain::testing::FixedKey(2), "b");
  forged.signature.bytes[0] ^= 1;  // does not verify
  chain::TradingRound r;
  r.t_limit_s = 60;
  r.l1_micro = 1;
  r.buyers = {chain::testing::SampleBuyerTx(chain::testing::FixedKey(1), "a"), forged};
  r.certificate.buyer_price = r.certificate.mu_min = r.certificate.mu_max = {0, 0};
  chain::Tx round;
  round.sender = "rsu-1";
  round.nonce = 1;
  round.body = r;
  chain::SignTx(round, chain::testing::FixedKey(9));
  CheckedTxCache cache;
  auto refused = CheckTxsParallel({round}, 2, &cache);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, chain::Reject::kBadSignature);
  EXPECT_FALSE(cache.Contains(chain::TxHash(round)));
  // Planting the forged bid's hash (no honest path would) shows the bid is skipped.
  cache.Insert(chain::TxHash(forged));
  EXPECT_FALSE(CheckTxsParallel({round}, 2, &cache));
  EXPECT_TRUE(cache.Contains(chain::TxHash(round)));
  EXPECT_TRUE(CheckTxsParallel({round}, 2, nullptr)) << "without the cache every bid is verified";
}

}  // namespace
}  // namespace v2v::contract
