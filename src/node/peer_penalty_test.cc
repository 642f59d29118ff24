// A peer earns points for a block invalid by the rules, and never for a failure of our own
// store: the decision is taken from the import result's kind, not from its text.
#include "node/peer_penalty.h"

#include <gtest/gtest.h>

#include "consensus/poa/engine.h"
#include "devnet/block_generator.h"
#include "node/ledger.h"

namespace v2v::node {
namespace {

// The in-memory store with failures injected on demand.
class FailingKvStore final : public store::KvStore {
 public:
  Result<std::optional<Bytes>> Get(std::string_view key) const override {
    if (fail_reads) return Status::IoError("injected: read failed");
    return inner_->Get(key);
  }
  Status Write(const store::WriteBatch& batch, bool sync) override {
    if (fail_writes) return Status::IoError("injected: disk full");
    return inner_->Write(batch, sync);
  }
  Status Scan(std::string_view prefix,
              const std::function<bool(std::string_view, ByteSpan)>& fn) const override {
    return inner_->Scan(prefix, fn);
  }
  bool fail_reads = false;
  bool fail_writes = false;

 private:
  std::unique_ptr<store::KvStore> inner_ = store::NewMemKvStore();
};

class PeerPenalty : public ::testing::Test {
 protected:
  PeerPenalty() {
    auto kv = std::make_unique<FailingKvStore>();
    kv_ = kv.get();
    ledger_ = std::move(Ledger::Init(std::move(kv), sim_.genesis())).value();
  }
  chain::Block Next() { return std::move(sim_.NextBlock(*ledger_, rng_)).value(); }

  devnet::BlockGenerator sim_;
  base::Rng rng_{7};
  FailingKvStore* kv_ = nullptr;  // owned by ledger_
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(PeerPenalty, OurOwnStorageFailureIsNotThePeersFault) {
  const chain::Block block = Next();
  const Hash32 head = ledger_->head_hash();
  kv_->fail_writes = true;
  auto r = ledger_->Import(block, block.header.timestamp_s);
  ASSERT_TRUE(r.error());
  EXPECT_EQ(r.error_status().code(), StatusCode::kIoError);
  EXPECT_EQ(BlockPenalty(r), 0);
  EXPECT_EQ(ledger_->head_hash(), head);
  kv_->fail_writes = false;
  kv_->fail_reads = true;
  r = ledger_->Import(block, block.header.timestamp_s);
  ASSERT_TRUE(r.error());
  EXPECT_EQ(BlockPenalty(r), 0);
  kv_->fail_reads = false;
  // The same block goes in once the disk is back: it was never marked bad.
  r = ledger_->Import(block, block.header.timestamp_s);
  ASSERT_TRUE(r.ok()) << r.ToStatus().ToString();
  EXPECT_EQ(r->outcome, ImportOutcome::kExtended);
}

TEST_F(PeerPenalty, InvalidBlockIsPenalisedAndAMissingParentIsNot) {
  chain::Block bad = Next();
  bad.header.state_root.bytes[0] ^= 1;
  consensus::poa::Engine::Seal(bad.header, sim_.authority());
  auto r = ledger_->Import(bad, bad.header.timestamp_s);
  EXPECT_EQ(chain::RejectionCode(r), chain::Reject::kBadStateRoot);
  EXPECT_EQ(BlockPenalty(r), kPenaltyInvalidBlock);

  chain::Block orphan = Next();
  orphan.header.parent.bytes[0] ^= 1;
  consensus::poa::Engine::Seal(orphan.header, sim_.authority());
  r = ledger_->Import(orphan, orphan.header.timestamp_s);
  ASSERT_TRUE(r.error());
  EXPECT_EQ(r.error_status().code(), StatusCode::kNotFound);
  EXPECT_EQ(BlockPenalty(r), 0);
}

}  // namespace
}  // namespace v2v::node
