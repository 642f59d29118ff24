// The ledger under Clique with three signers: header rules, votes, checkpoints, fork choice,
// reorgs (including a failing branch), reopening after a reorg, and what the mempool does with
// the transactions a reorg abandons (TxAdmission::ReadmitAbandoned).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "chain/testing/fixtures.h"
#include "devnet/block_generator.h"
#include "node/audit.h"
#include "node/ledger.h"
#include "node/tx_admission.h"

namespace v2v::node {
namespace {

using consensus::poa::Snapshot;

class CliqueLedger : public ::testing::Test {
 protected:
  explicit CliqueLedger(uint64_t epoch = 30000) {
    for (uint8_t n : {uint8_t{11}, uint8_t{12}, uint8_t{13}})
      keys_.push_back(chain::testing::FixedKey(n));
    std::sort(keys_.begin(), keys_.end(),
              [](const crypto::PrivateKey& a, const crypto::PrivateKey& b) {
                return a.public_key() < b.public_key();
              });
    genesis_ = sim_.genesis();
    genesis_.authorities.clear();
    for (const auto& k : keys_) genesis_.authorities.push_back(k.public_key());
    genesis_.clique.epoch = epoch;
  }

  std::unique_ptr<Ledger> Fresh() {
    return std::move(Ledger::Init(store::NewMemKvStore(), genesis_)).value();
  }
  // keys_[i] is signer i in sorted order, so the in-turn signer at height h is keys_[h % 3]
  // (while the set is unchanged).
  const crypto::PrivateKey& Key(size_t i) const { return keys_[i]; }

  // An empty block on the head sealed by `key`, `dt` seconds after the head.
  static chain::Block Empty(const Ledger& l, const crypto::PrivateKey& key,
                            std::optional<chain::HeaderVote> vote = std::nullopt, int64_t dt = 1) {
    auto p = l.SealBlock({}, l.head().timestamp_s + dt, key, vote);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return std::move(p->block);
  }
  static int64_t Now(const chain::Block& b) { return b.header.timestamp_s; }

  devnet::BlockGenerator sim_;
  std::vector<crypto::PrivateKey> keys_;
  contract::Genesis genesis_;
};

TEST_F(CliqueLedger, GenesisIsACheckpointListingTheAuthorities) {
  auto l = Fresh();
  EXPECT_EQ(l->head().difficulty, 1u);
  EXPECT_EQ(l->total_difficulty(), 1u);
  EXPECT_EQ(l->head().checkpoint_signers, l->snapshot().signers());
  EXPECT_EQ(l->snapshot().signers().size(), 3u);
}

TEST_F(CliqueLedger, InTurnTwoOutOfTurnOne) {
  auto l = Fresh();
  chain::Block b1 = Empty(*l, Key(1));  // height 1: in turn
  EXPECT_EQ(b1.header.difficulty, 2u);
  auto r = l->Import(b1, Now(b1));
  ASSERT_TRUE(r.ok()) << r.ToStatus().ToString();
  EXPECT_EQ(r->outcome, ImportOutcome::kExtended);
  chain::Block b2 = Empty(*l, Key(0));  // height 2: Key(2) is in turn
  EXPECT_EQ(b2.header.difficulty, 1u);
  ASSERT_TRUE(l->Import(b2, Now(b2)).ok());
  EXPECT_EQ(l->total_difficulty(), 1u + 2u + 1u);
  EXPECT_EQ(l->Import(b2, Now(b2))->outcome, ImportOutcome::kKnown);
  EXPECT_TRUE(l->HasBlock(chain::BlockHash(b2.header)));
  // Key(0) sealed height 2: it may not seal height 3 (floor(3/2)+1 = 2 consecutive blocks).
  auto p = l->SealBlock({}, l->head().timestamp_s + 1, Key(0), std::nullopt);
  EXPECT_EQ(p.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(l->SealBlock({}, l->head().timestamp_s + 1, chain::testing::FixedKey(77), std::nullopt)
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(CliqueLedger, HeaderRuleViolationsAreRefusedWithTheirCode) {
  auto l = Fresh();
  base::Rng rng(1);
  ASSERT_TRUE(l->Append(*sim_.NextBlock(*l, rng, &Key(1))).ok());  // height 1 by Key(1)
  const chain::Block good = *sim_.NextBlock(*l, rng, &Key(2));     // height 2, in turn
  const Hash32 head = l->head_hash();
  const chain::State state = l->state();
  const uint64_t td = l->total_difficulty();
  const Snapshot snap = l->snapshot();
  auto expect_refused = [&](const chain::Block& b, chain::Reject code, int64_t now) {
    auto r = l->Import(b, now);
    ASSERT_TRUE(r.invalid()) << chain::RejectName(code) << ": " << r.ToStatus().ToString();
    EXPECT_EQ(r.rejection().code, code) << r.rejection().ToString();
    EXPECT_EQ(l->head_hash(), head);
    EXPECT_EQ(l->state(), state);
    EXPECT_EQ(l->total_difficulty(), td);
    EXPECT_EQ(l->snapshot(), snap);
    EXPECT_FALSE(l->HasBlock(chain::BlockHash(b.header)));
  };
  chain::Block b = good;
  b.header.difficulty = 1;  // Key(2) is in turn at height 2
  consensus::poa::Engine::Seal(b.header, Key(2));
  expect_refused(b, chain::Reject::kWrongDifficulty, Now(b));
  b = good;
  b.header.difficulty = 7;
  consensus::poa::Engine::Seal(b.header, Key(2));
  expect_refused(b, chain::Reject::kWrongDifficulty, Now(b));
  b = good;
  consensus::poa::Engine::Seal(b.header, chain::testing::FixedKey(77));
  expect_refused(b, chain::Reject::kUnauthorizedSigner, Now(b));
  b = good;
  b.header.difficulty = 1;
  consensus::poa::Engine::Seal(b.header, Key(1));  // sealed height 1
  expect_refused(b, chain::Reject::kRecentlySigned, Now(b));
  b = good;
  b.header.timestamp_s = l->head().timestamp_s;  // period is 1 s
  consensus::poa::Engine::Seal(b.header, Key(2));
  expect_refused(b, chain::Reject::kInvalidTimestamp, Now(b));
  // The future window is the period (1 s here, consensus::poa::AllowedFutureS): 2 s ahead is out.
  expect_refused(good, chain::Reject::kFutureBlock, Now(good) - 2);
  b = good;
  b.header.seal.bytes[5] ^= 1;
  expect_refused(b, chain::Reject::kBadSeal, Now(b));
  b = good;
  b.header.vote = chain::HeaderVote{Key(0).public_key(), true};  // not sealed over
  expect_refused(b, chain::Reject::kBadSeal, Now(b));
  b = good;
  b.header.checkpoint_signers = snap.signers();  // height 2 is not a checkpoint
  consensus::poa::Engine::Seal(b.header, Key(2));
  expect_refused(b, chain::Reject::kCheckpointSignersOffEpoch, Now(b));
  b = good;
  b.header.state_root.bytes[0] ^= 1;
  consensus::poa::Engine::Seal(b.header, Key(2));
  expect_refused(b, chain::Reject::kBadStateRoot, Now(b));
  b = good;
  b.header.parent.bytes[0] ^= 1;
  consensus::poa::Engine::Seal(b.header, Key(2));
  auto unknown = l->Import(b, Now(b));
  ASSERT_TRUE(unknown.error());  // not a verdict on the block: we lack its parent
  EXPECT_EQ(unknown.error_status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.error_status().message().rfind("unknown parent ", 0), 0u);
  // The genuine block still goes in, even stamped 1 s ahead of our clock (the edge of the window).
  EXPECT_EQ(l->Import(good, Now(good) - 1)->outcome, ImportOutcome::kExtended);
  // Append: the same rules without the future check.
  EXPECT_TRUE(l->Append(*sim_.NextBlock(*l, rng, &Key(0))).ok());
}

TEST_F(CliqueLedger, VotesAddAndRemoveASigner) {
  auto l = Fresh();
  const crypto::PrivateKey d = chain::testing::FixedKey(14);
  const chain::HeaderVote add{d.public_key(), true}, drop{d.public_key(), false};
  // Seals `vote` by `key`, first sealing fillers by other signers while `key` signed recently.
  auto cast = [&](const crypto::PrivateKey& key, std::optional<chain::HeaderVote> vote) {
    while (l->snapshot().RecentlySigned(key.public_key())) {
      bool sealed = false;
      for (const auto& other : keys_) {
        if (&other == &key || l->snapshot().RecentlySigned(other.public_key())) continue;
        ASSERT_TRUE(l->Append(Empty(*l, other)).ok());
        sealed = true;
        break;
      }
      ASSERT_TRUE(sealed);
    }
    chain::Block b = Empty(*l, key, vote);
    ASSERT_EQ(b.header.vote, vote);
    ASSERT_TRUE(l->Append(b).ok());
  };
  cast(Key(0), add);
  EXPECT_FALSE(l->snapshot().IsSigner(d.public_key()));
  EXPECT_EQ(l->snapshot().TallyFor(d.public_key(), true), 1);
  cast(Key(1), add);  // 2 > 3/2: passes
  EXPECT_TRUE(l->snapshot().IsSigner(d.public_key()));
  EXPECT_EQ(l->snapshot().signers().size(), 4u);
  EXPECT_EQ(l->SnapshotAfter(l->head_hash())->signers().size(), 4u);
  // The new signer seals.
  cast(d, std::nullopt);
  // Removal needs 3 of 4.
  cast(Key(0), drop);
  cast(Key(1), drop);
  EXPECT_TRUE(l->snapshot().IsSigner(d.public_key()));
  cast(Key(2), drop);
  EXPECT_FALSE(l->snapshot().IsSigner(d.public_key()));
  EXPECT_EQ(l->snapshot().signers().size(), 3u);
  EXPECT_EQ(l->SealBlock({}, l->head().timestamp_s + 1, d, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
}

class CliqueCheckpoint : public CliqueLedger {
 protected:
  CliqueCheckpoint() : CliqueLedger(/*epoch=*/4) {}
};

TEST_F(CliqueCheckpoint, CheckpointListsSignersAndDropsVotes) {
  auto l = Fresh();
  const crypto::PublicKey d = chain::testing::FixedKey(14).public_key();
  ASSERT_TRUE(l->Append(Empty(*l, Key(1), chain::HeaderVote{d, true})).ok());  // height 1
  ASSERT_TRUE(l->Append(Empty(*l, Key(2))).ok());                              // height 2
  ASSERT_TRUE(l->Append(Empty(*l, Key(0))).ok());                              // height 3
  EXPECT_EQ(l->snapshot().TallyFor(d, true), 1);
  const chain::Block cp = Empty(*l, Key(1), chain::HeaderVote{d, true});  // height 4
  EXPECT_FALSE(cp.header.vote);  // SealBlock leaves the vote out at a checkpoint
  EXPECT_EQ(cp.header.checkpoint_signers, l->snapshot().signers());
  chain::Block bad = cp;
  bad.header.checkpoint_signers.pop_back();
  consensus::poa::Engine::Seal(bad.header, Key(1));
  EXPECT_EQ(chain::RejectionCode(l->Append(bad)), chain::Reject::kMismatchingCheckpointSigners);
  bad = cp;
  bad.header.vote = chain::HeaderVote{d, true};
  consensus::poa::Engine::Seal(bad.header, Key(1));
  EXPECT_EQ(chain::RejectionCode(l->Append(bad)), chain::Reject::kInvalidCheckpointVote);
  bad = cp;
  bad.header.checkpoint_signers.clear();
  consensus::poa::Engine::Seal(bad.header, Key(1));
  EXPECT_EQ(chain::RejectionCode(l->Append(bad)), chain::Reject::kMismatchingCheckpointSigners);
  ASSERT_TRUE(l->Append(cp).ok());
  EXPECT_EQ(l->snapshot().TallyFor(d, true), 0);  // pending votes dropped [R2]
}

// Fork choice and reorgs, on RocksDB so the ledger can be reopened afterwards.
TEST_F(CliqueLedger, ForkChoiceReorgsAndReopen) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("v2v_clique_fork_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto l =
      std::move(Ledger::Init(std::move(store::OpenRocksKvStore(dir.string())).value(), genesis_))
          .value();
  auto f = Fresh();  // builds branch B
  auto g = Fresh();  // builds branch A
  base::Rng rng(7), rng_a(8), rng_b(9);
  auto next = [&](Ledger& on, base::Rng& r, size_t key) {
    auto b = sim_.NextBlock(on, r, &Key(key));
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return std::move(b).value();
  };
  // Common prefix: heights 1, 2 in turn.
  for (size_t k : {size_t{1}, size_t{2}}) {
    const chain::Block b = next(*l, rng, k);
    for (Ledger* x : {l.get(), f.get(), g.get()}) ASSERT_TRUE(x->Append(b).ok());
  }
  EXPECT_EQ(l->total_difficulty(), 5u);
  // Branch A (g): out of turn at 3 and 4: td 7.
  const chain::Block a1 = next(*g, rng_a, 1);
  ASSERT_TRUE(g->Append(a1).ok());
  const chain::Block a2 = next(*g, rng_a, 0);
  ASSERT_TRUE(g->Append(a2).ok());
  EXPECT_EQ(g->total_difficulty(), 7u);
  // A lighter side block at 3 (out of turn, td 6), built on f without being applied there.
  const chain::Block c1 = next(*f, rng_b, 1);
  // Branch B (f): in turn at 3, 4, 5: td 9, 11, 13.
  const chain::Block b1 = next(*f, rng_b, 0);
  ASSERT_TRUE(f->Append(b1).ok());
  const chain::State state_b1 = f->state();
  const chain::Block b2 = next(*f, rng_b, 1);
  ASSERT_TRUE(f->Append(b2).ok());

  ASSERT_EQ(l->Import(a1, Now(a1))->outcome, ImportOutcome::kExtended);
  ASSERT_EQ(l->Import(a2, Now(a2))->outcome, ImportOutcome::kExtended);
  EXPECT_EQ(l->state(), g->state());
  // c1: td 6 < 7.
  auto r = l->Import(c1, Now(c1));
  ASSERT_TRUE(r.ok()) << r.ToStatus().ToString();
  EXPECT_EQ(r->outcome, ImportOutcome::kSide);
  EXPECT_EQ(l->head_hash(), g->head_hash());
  EXPECT_TRUE(l->HasBlock(chain::BlockHash(c1.header)));
  EXPECT_EQ(l->BlockByHash(chain::BlockHash(c1.header))->header, c1.header);
  // b1: td 7 = head's, lower height (3 < 4): the tie-break of PreferTip moves the head.
  r = l->Import(b1, Now(b1));
  ASSERT_TRUE(r.ok()) << r.ToStatus().ToString();
  EXPECT_EQ(r->outcome, ImportOutcome::kReorged);
  EXPECT_EQ(r->reorg_depth, 2u);
  EXPECT_EQ(l->head_hash(), chain::BlockHash(b1.header));
  EXPECT_EQ(l->state(), state_b1);
  EXPECT_EQ(l->BlockAt(3)->header, b1.header);
  EXPECT_FALSE(l->BlockAt(4).ok());
  r = l->Import(b2, Now(b2));
  ASSERT_EQ(r->outcome, ImportOutcome::kExtended);
  EXPECT_EQ(l->state(), f->state());
  EXPECT_EQ(chain::StateRoot(l->state()), f->head().state_root);
  EXPECT_EQ(l->total_difficulty(), f->total_difficulty());
  EXPECT_EQ(l->snapshot(), f->snapshot());

  // Back to A: a3 (in turn at 5, td 9 = B's 9, higher height: side), a4 (td 11: reorg).
  const chain::Block a3 = next(*g, rng_a, 2);
  ASSERT_TRUE(g->Append(a3).ok());
  const chain::Block a4 = next(*g, rng_a, 0);
  ASSERT_TRUE(g->Append(a4).ok());
  EXPECT_EQ(l->Import(a3, Now(a3))->outcome, ImportOutcome::kSide);
  EXPECT_EQ(l->head_hash(), f->head_hash());
  r = l->Import(a4, Now(a4));
  ASSERT_TRUE(r.ok()) << r.ToStatus().ToString();
  EXPECT_EQ(r->outcome, ImportOutcome::kReorged);
  EXPECT_EQ(r->reorg_depth, 2u);
  EXPECT_EQ(l->head_hash(), g->head_hash());
  EXPECT_EQ(l->state(), g->state());
  EXPECT_EQ(l->total_difficulty(), g->total_difficulty());
  EXPECT_EQ(l->snapshot(), g->snapshot());
  // A fresh ledger replaying branch A reaches the same state.
  auto replay = Fresh();
  for (uint64_t h = 1; h <= 6; ++h) ASSERT_TRUE(replay->Append(*l->BlockAt(h)).ok());
  EXPECT_EQ(replay->state(), l->state());
  EXPECT_EQ(replay->head_hash(), l->head_hash());

  // A heavier branch whose new block fails execution: nothing changes.
  const Hash32 head = l->head_hash();
  const chain::State state = l->state();
  const uint64_t td = l->total_difficulty();
  chain::Block b3 = next(*f, rng_b, 2);  // in turn at 5: td 11, lower height than a4
  b3.header.state_root.bytes[0] ^= 1;
  consensus::poa::Engine::Seal(b3.header, Key(2));
  r = l->Import(b3, Now(b3));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(chain::RejectionCode(r), chain::Reject::kBadStateRoot) << r.ToStatus().message();
  EXPECT_EQ(l->head_hash(), head);
  EXPECT_EQ(l->state(), state);
  EXPECT_EQ(l->total_difficulty(), td);
  EXPECT_FALSE(l->HasBlock(chain::BlockHash(b3.header)));
  EXPECT_TRUE(l->HasBlock(chain::BlockHash(b2.header)));  // the valid side blocks stay
  r = l->Import(b3, Now(b3));                             // remembered
  EXPECT_EQ(chain::RejectionCode(r), chain::Reject::kBadStateRoot) << r.ToStatus().message();
  // A descendant of the bad block is refused.
  chain::Block child;
  child.header.height = 6;
  child.header.parent = chain::BlockHash(b3.header);
  child.header.timestamp_s = b3.header.timestamp_s + 1;
  child.header.difficulty = 1;
  child.header.tx_root = chain::TxRoot({});
  consensus::poa::Engine::Seal(child.header, Key(0));
  r = l->Import(child, Now(child));
  EXPECT_EQ(chain::RejectionCode(r), chain::Reject::kBadAncestor) << r.ToStatus().message();

  // An invalid block stored as a side block fails once a descendant makes its branch win.
  chain::Block x3 = next(*f, rng_b, 0);  // out of turn at 5: td 10, side
  x3.header.state_root.bytes[1] ^= 1;
  consensus::poa::Engine::Seal(x3.header, Key(0));
  ASSERT_EQ(l->Import(x3, Now(x3))->outcome, ImportOutcome::kSide);
  const Snapshot after_x3 = *l->SnapshotAfter(chain::BlockHash(x3.header));
  chain::Block x4;  // height 6 on x3 by Key(1) (out of turn): td 11 = head's, same height
  x4.header.height = 6;
  x4.header.parent = chain::BlockHash(x3.header);
  x4.header.timestamp_s = x3.header.timestamp_s + 1;
  x4.header.difficulty = after_x3.DifficultyFor(6, Key(1).public_key());
  x4.header.tx_root = chain::TxRoot({});
  x4.header.state_root = x3.header.state_root;
  consensus::poa::Engine::Seal(x4.header, Key(1));
  chain::Block x5 = x4;  // height 7 by Key(2): td 12
  x5.header.height = 7;
  x5.header.parent = chain::BlockHash(x4.header);
  x5.header.timestamp_s += 1;
  x5.header.difficulty = 1;
  consensus::poa::Engine::Seal(x5.header, Key(2));
  auto r4 = l->Import(x4, Now(x4));
  auto r5 = l->Import(x5, Now(x5));
  const bool failed_at_4 = !r4.ok();
  EXPECT_EQ(chain::RejectionCode((failed_at_4 ? r4 : r5)), chain::Reject::kBadStateRoot);
  if (failed_at_4) {
    EXPECT_EQ(chain::RejectionCode(r5), chain::Reject::kBadAncestor);
  }
  EXPECT_EQ(l->head_hash(), head);
  EXPECT_EQ(l->state(), state);
  EXPECT_FALSE(l->HasBlock(chain::BlockHash(x3.header)));
  EXPECT_EQ(chain::RejectionCode(l->Import(x3, Now(x3))), chain::Reject::kBadStateRoot);

  // Reopen: the same head, state, snapshot and total difficulty; the audit is clean.
  const Snapshot snap = l->snapshot();
  l.reset();
  auto kv = std::move(store::OpenRocksKvStore(dir.string())).value();
  auto report = Audit(*kv, DefaultVerifierFactory());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->ToText();
  EXPECT_EQ(report->height, 6u);
  auto reopened = Ledger::Open(std::move(kv));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->head_hash(), head);
  EXPECT_EQ((*reopened)->state(), state);
  EXPECT_EQ((*reopened)->snapshot(), snap);
  EXPECT_EQ((*reopened)->total_difficulty(), td);
  // ... and keeps reorganising: branch B wins again with b3 done right and one more block.
  chain::Block b3ok = next(*f, rng_b, 2);
  ASSERT_TRUE(f->Append(b3ok).ok());
  r = (*reopened)->Import(b3ok, Now(b3ok));  // td 11, height 5 < 6
  ASSERT_TRUE(r.ok()) << r.ToStatus().ToString();
  EXPECT_EQ(r->outcome, ImportOutcome::kReorged);
  EXPECT_EQ((*reopened)->state(), f->state());
  reopened->reset();
  std::filesystem::remove_all(dir);
}

// Branch A (a1, in turn) holds a round of the RSU; branch B (b1 out of turn, b2 in turn) wins. An
// abandoned round that B holds too is neither taken back nor dropped. One B does not hold, whose
// RSU nonce B's own round took, cannot be taken back: it is dropped, so that the gateway that
// signed it hears of it (it re-signs its bids in a new round) rather than waiting on it forever.
TEST_F(CliqueLedger, AReorgDropsTheAbandonedTransactionsTheMempoolCannotTakeBack) {
  for (const bool b_holds_a_round : {true, false}) {
    auto l = Fresh(), a = Fresh(), b = Fresh();
    base::Rng rng_a(8), rng_b(9);
    const chain::Block a1 = std::move(sim_.NextBlock(*a, rng_a, &Key(1))).value();
    ASSERT_EQ(a1.txs.size(), 1u);  // the round (no escrow to settle yet)
    const chain::Block b1 =
        b_holds_a_round
            ? std::move(b->SealBlock(a1.txs, a1.header.timestamp_s + 1, Key(0), std::nullopt))
                  .value()
                  .block
            : std::move(sim_.NextBlock(*b, rng_b, &Key(0))).value();
    ASSERT_TRUE(b->Append(b1).ok());
    const chain::Block b2 = std::move(sim_.NextBlock(*b, rng_b, &Key(2))).value();
    ASSERT_EQ(l->Import(a1, Now(a1))->outcome, ImportOutcome::kExtended);
    ASSERT_EQ(l->Import(b1, Now(b1))->outcome, ImportOutcome::kSide);
    auto r = l->Import(b2, Now(b2));
    ASSERT_EQ(r->outcome, ImportOutcome::kReorged);
    ASSERT_EQ(r->reorg_depth, 1u);

    TxAdmission admission(MempoolOptions{}, std::make_shared<contract::CheckedTxCache>());
    const TxAdmission::Readmitted back =
        admission.ReadmitAbandoned(*l, chain::BlockHash(a1.header), 1, Now(b2) * 1000);
    EXPECT_EQ(back.count, 0u);
    if (b_holds_a_round) {
      EXPECT_TRUE(back.dropped.empty());
    } else {
      ASSERT_EQ(back.dropped.size(), 1u);
      EXPECT_EQ(back.dropped[0].hash, chain::TxHash(a1.txs[0]));
      EXPECT_EQ(back.dropped[0].code, chain::Reject::kStaleNonce);
    }
  }
}

}  // namespace
}  // namespace v2v::node
