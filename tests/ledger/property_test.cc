// Property tests over random blocks: a stream of valid simulated blocks interleaved with
// corrupted variants of them (byte flips inside transactions, dropped, duplicated or reordered
// transactions, altered schemes re-signed by the RSU, earlier timestamps), every variant
// re-sealed by the authority so that it reaches the contract. Properties: every variant is
// rejected and leaves head and state unchanged; money and energy are conserved after every
// block; a second fresh node replaying the accepted blocks reaches the same state root.
#include <gtest/gtest.h>

#include <map>

#include "consensus/poa/engine.h"
#include "contract/trading_contract.h"
#include "devnet/block_generator.h"
#include "node/ledger.h"

namespace v2v {
namespace {

using chain::Block;

void Reseal(Block& b, const crypto::PrivateKey& key) {
  b.header.tx_root = chain::TxRoot(b.txs);
  consensus::poa::Engine::Seal(b.header, key);
}

// A variant of `b` that must be invalid, or nullopt if this kind does not apply to `b`.
std::optional<Block> Mutate(const Block& b, const devnet::BlockGenerator& sim, base::Rng& rng,
                            int kind) {
  Block m = b;
  const size_t n = m.txs.size();
  auto pick = [&] { return static_cast<size_t>(rng.Below(n)); };
  switch (kind) {
    case 0: {  // flip one byte inside one transaction
      if (n == 0) return std::nullopt;
      const size_t i = pick();
      Bytes enc = chain::EncodeTx(m.txs[i]);
      enc[8 + rng.Below(enc.size() - 8)] ^= static_cast<uint8_t>(1 << rng.Below(8));
      auto tx = chain::DecodeTx(enc);
      if (!tx.ok()) return std::nullopt;  // the decoder already refuses it
      m.txs[i] = std::move(tx).value();
      break;
    }
    case 1:  // drop one transaction: the state root no longer matches
      if (n == 0) return std::nullopt;
      m.txs.erase(m.txs.begin() + static_cast<std::ptrdiff_t>(pick()));
      break;
    case 2:  // replay one transaction
      if (n == 0) return std::nullopt;
      m.txs.push_back(m.txs[pick()]);
      break;
    case 3: {  // alter the scheme's volumes and have the RSU sign it
      auto it = std::find_if(m.txs.begin(), m.txs.end(), [](const chain::Tx& t) {
        return t.kind() == chain::TxKind::kTradingRound;
      });
      if (it == m.txs.end()) return std::nullopt;
      auto& round = std::get<chain::TradingRound>(it->body);
      if (round.trades.empty()) return std::nullopt;
      round.trades[pick() % round.trades.size()].volume_wh += rng.Int(1, 3000);
      chain::SignTx(*it, sim.authority());
      break;
    }
    case 4:  // go back in time
      m.header.timestamp_s -= 1000;
      break;
    default:  // a higher height
      m.header.height += 1;
      break;
  }
  Reseal(m, sim.authority());
  if (chain::EncodeBlock(m) == chain::EncodeBlock(b)) return std::nullopt;
  return m;
}

TEST(LedgerProperty, RandomBlocksConserveAndReplayIdentically) {
  std::map<std::string, int> rejections;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const devnet::BlockGenerator sim;
    auto a = std::move(node::Ledger::Init(store::NewMemKvStore(), sim.genesis())).value();
    base::Rng rng(seed);
    std::vector<Block> accepted;
    for (int step = 0; step < 15; ++step) {
      auto block = sim.NextBlock(*a, rng);
      ASSERT_TRUE(block.ok()) << block.status().ToString();
      for (int k = 0; k < 6; ++k) {
        auto bad = Mutate(*block, sim, rng, k);
        if (!bad) continue;
        const Hash32 head = a->head_hash();
        const Hash32 root = chain::StateRoot(a->state());
        auto s = a->Append(*bad);
        ASSERT_TRUE(s.invalid()) << "mutation " << k << " at step " << step << ": "
                                 << s.ToStatus().ToString();
        rejections[std::string(chain::RejectName(s.rejection().code))]++;
        EXPECT_EQ(a->head_hash(), head);
        EXPECT_EQ(chain::StateRoot(a->state()), root);
      }
      ASSERT_TRUE(a->Append(*block).ok());
      EXPECT_FALSE(contract::CheckConservation(a->state()));
      accepted.push_back(std::move(block).value());
    }
    auto b = std::move(node::Ledger::Init(store::NewMemKvStore(), sim.genesis())).value();
    for (const Block& blk : accepted) ASSERT_TRUE(b->Append(blk).ok());
    EXPECT_EQ(chain::StateRoot(b->state()), chain::StateRoot(a->state()));
    EXPECT_EQ(b->head_hash(), a->head_hash());
  }
  for (const auto& [why, count] : rejections)
    std::printf("  rejected %-24s %d\n", why.c_str(), count);
}

}  // namespace
}  // namespace v2v
