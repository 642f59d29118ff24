#include "node/ledger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "chain/testing/fixtures.h"
#include "devnet/block_generator.h"
#include "node/audit.h"
#include "node/export.h"
#include "store/schema.h"

namespace v2v::node {
namespace {

std::unique_ptr<Ledger> Fresh(const devnet::BlockGenerator& sim) {
  return std::move(Ledger::Init(store::NewMemKvStore(), sim.genesis())).value();
}

TEST(Ledger, SimulatedChainAppliesAuditsAndReplays) {
  devnet::BlockGenerator sim;
  auto ledger = Fresh(sim);
  base::Rng rng(1);
  size_t escrows_seen = 0;
  for (int i = 0; i < 12; ++i) {
    auto block = sim.NextBlock(*ledger, rng);
    ASSERT_TRUE(block.ok()) << block.status().ToString();
    ASSERT_TRUE(ledger->Append(*block).ok());
    escrows_seen += ledger->state().escrows.size();
  }
  EXPECT_GT(escrows_seen, 0u);
  EXPECT_EQ(ledger->head().height, 12u);
  auto report = Audit(ledger->kv(), DefaultVerifierFactory());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->ToText();
  EXPECT_GT(report->txs, 12u);
  // Export -> import on a fresh node: same head, same state.
  auto bytes = ExportChain(*ledger);
  ASSERT_TRUE(bytes.ok());
  auto copy = ImportChain(store::NewMemKvStore(), *bytes);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ((*copy)->head_hash(), ledger->head_hash());
  EXPECT_EQ((*copy)->state(), ledger->state());
  auto at5 = ledger->StateAt(5);
  ASSERT_TRUE(at5.ok());
  EXPECT_EQ(chain::StateRoot(*at5), ledger->BlockAt(5)->header.state_root);
}

// Pins the built-in genesis (keys from fixed seeds, certificates, encoding, state root): a change
// here means every existing simulated chain is a different chain.
TEST(Ledger, GoldenGenesisHash) {
  devnet::BlockGenerator sim;
  EXPECT_EQ(Fresh(sim)->head_hash().Hex(),
            "d4d8c8efc225a9819898302dc8ef93b3ca0efac2406f4247e1f12ef769dea8b2");
}

TEST(Ledger, RejectsBadBlocksAndKeepsState) {
  devnet::BlockGenerator sim;
  auto ledger = Fresh(sim);
  base::Rng rng(2);
  auto block = sim.NextBlock(*ledger, rng);
  ASSERT_TRUE(block.ok());
  const Hash32 head = ledger->head_hash();
  chain::Block bad = *block;
  bad.header.state_root.bytes[0] ^= 1;
  consensus::poa::Engine::Seal(bad.header, sim.authority());
  EXPECT_FALSE(ledger->Append(bad).ok());
  bad = *block;
  bad.header.timestamp_s += 1;  // seal no longer verifies
  EXPECT_FALSE(ledger->Append(bad).ok());
  chain::Block foreign = *block;
  consensus::poa::Engine::Seal(foreign.header, chain::testing::FixedKey(77));
  EXPECT_EQ(chain::RejectionCode(ledger->Append(foreign)), chain::Reject::kUnauthorizedSigner);
  EXPECT_EQ(ledger->head_hash(), head);
  EXPECT_TRUE(ledger->Append(*block).ok());
  EXPECT_FALSE(ledger->Append(*block).ok());  // replay of the same block
}

TEST(Ledger, PrecheckedAppendMatchesAppend) {
  devnet::BlockGenerator sim;
  auto a = Fresh(sim);
  auto b = Fresh(sim);
  base::Rng rng(6);
  for (int i = 0; i < 4; ++i) {
    auto block = sim.NextBlock(*a, rng);
    ASSERT_TRUE(block.ok());
    ASSERT_FALSE(b->PrecheckBlock(*block));
    ASSERT_TRUE(b->AppendPrechecked(*block).ok());
    ASSERT_TRUE(a->Append(*block).ok());
  }
  EXPECT_EQ(a->head_hash(), b->head_hash());
  auto block = sim.NextBlock(*a, rng);
  chain::Block bad = *block;
  bad.txs.back().signature.bytes[0] ^= 1;
  bad.header.tx_root = chain::TxRoot(bad.txs);
  consensus::poa::Engine::Seal(bad.header, sim.authority());
  auto r = b->PrecheckBlock(bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, chain::Reject::kBadSignature);
  EXPECT_EQ(r->tx_index, static_cast<int>(bad.txs.size()) - 1);
}

TEST(Export, CorruptionIsDetected) {
  devnet::BlockGenerator sim;
  auto ledger = Fresh(sim);
  base::Rng rng(3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ledger->Append(*sim.NextBlock(*ledger, rng)).ok());
  Bytes bytes = *ExportChain(*ledger);
  for (size_t i = 0; i < bytes.size(); i += bytes.size() / 17 + 1) {
    Bytes bad = bytes;
    bad[i] ^= 0x10;
    EXPECT_FALSE(ImportChain(store::NewMemKvStore(), bad).ok()) << i;
  }
  EXPECT_FALSE(ImportChain(store::NewMemKvStore(), ByteSpan(bytes.data(), bytes.size() - 1)).ok());
}

TEST(Audit, FindsTamperingAndOpenRefusesIt) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("v2v_audit_tamper_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  devnet::BlockGenerator sim;
  {
    auto ledger = std::move(Ledger::Init(std::move(store::OpenRocksKvStore(dir.string())).value(),
                                         sim.genesis()))
                      .value();
    base::Rng rng(4);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(ledger->Append(*sim.NextBlock(*ledger, rng)).ok());
  }
  auto kv = std::move(store::OpenRocksKvStore(dir.string())).value();
  ASSERT_TRUE(Audit(*kv, DefaultVerifierFactory())->ok());
  // Give car-000 one more unit of money behind the ledger's back.
  const std::string key = store::schema::StateKey(chain::AccountKey("car-000"));
  Bytes value = **kv->Get(key);
  value[value.size() - 9] ^= 1;  // inside the balance field
  store::WriteBatch b;
  b.Put(key, value);
  ASSERT_TRUE(kv->Write(b, true).ok());
  auto report = Audit(*kv, DefaultVerifierFactory());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok());
  EXPECT_NE(report->ToText().find("stored state differs"), std::string::npos) << report->ToText();
  auto reopened = Ledger::Open(std::move(kv));
  EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption);
  std::filesystem::remove_all(dir);
}

TEST(Audit, FindsATamperedBlock) {
  devnet::BlockGenerator sim;
  auto kv = store::NewMemKvStore();
  store::KvStore* raw = kv.get();
  auto ledger = std::move(Ledger::Init(std::move(kv), sim.genesis())).value();
  base::Rng rng(5);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ledger->Append(*sim.NextBlock(*ledger, rng)).ok());
  chain::Block b2 = *ledger->BlockAt(2);
  const Hash32 original = chain::BlockHash(b2.header);
  b2.header.timestamp_s += 1;  // the seal no longer verifies
  store::WriteBatch w;
  w.Put(store::schema::BlockKey(original), chain::EncodeBlock(b2));
  ASSERT_TRUE(raw->Write(w, true).ok());
  auto report = Audit(*raw, DefaultVerifierFactory());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok());
  EXPECT_NE(report->ToText().find("block 2: bad_seal"), std::string::npos) << report->ToText();
}

}  // namespace
}  // namespace v2v::node
