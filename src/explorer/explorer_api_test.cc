#include "explorer/explorer_api.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "contract/trading_contract.h"
#include "devnet/block_generator.h"
#include "explorer/chain_index.h"
#include "explorer/tx_json.h"
#include "store/kv_store.h"

namespace v2v::explorer {
namespace {

using nlohmann::json;

std::unique_ptr<node::Ledger> Chain(const devnet::BlockGenerator& generator, int blocks,
                                    uint64_t seed) {
  auto ledger = std::move(node::Ledger::Init(store::NewMemKvStore(), generator.genesis())).value();
  base::Rng rng(seed);
  for (int i = 0; i < blocks; ++i) {
    auto block = generator.NextBlock(*ledger, rng);
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    EXPECT_TRUE(ledger->Append(*block).ok());
  }
  return ledger;
}

class ExplorerApi : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = Chain(generator_, 14, 7);
    const node::Ledger* l = ledger_.get();
    RegisterExplorerMethods(d_, {[l]() -> const node::Ledger& { return *l; }, nullptr});
  }
  // The result, or the error object.
  json Call(const std::string& method, const json& params) {
    EXPECT_TRUE(params.is_array()) << params;
    json req = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    json res = json::parse(d_.Handle(req.dump()));
    return res.contains("result") ? res["result"] : res["error"];
  }
  // Every (height, index) touching `id`, newest first, by a scan of the chain.
  std::vector<std::pair<uint64_t, uint32_t>> Scan(const std::string& id) {
    std::vector<std::pair<uint64_t, uint32_t>> out;
    std::map<Hash32, std::pair<std::string, std::string>> escrows;
    for (uint64_t h = 0; h <= ledger_->head().height; ++h) {
      auto b = ledger_->BlockAt(h).value();
      for (uint32_t i = 0; i < b.txs.size(); ++i) {
        if (const auto* r = std::get_if<chain::TradingRound>(&b.txs[i].body))
          for (uint32_t t = 0; t < r->trades.size(); ++t)
            escrows[contract::EscrowId(chain::TxHash(b.txs[i]), t)] = {
                r->buyers[r->trades[t].buyer].sender, r->sellers[r->trades[t].seller].sender};
        auto who = TouchedAccounts(b.txs[i], escrows);
        if (std::find(who.begin(), who.end(), id) != who.end()) out.insert(out.begin(), {h, i});
      }
    }
    return out;
  }

  devnet::BlockGenerator generator_;
  std::unique_ptr<node::Ledger> ledger_;
  rpc::Dispatcher d_;
};

TEST_F(ExplorerApi, BlocksArePagedAndBounded) {
  json page = Call("chain_getBlocks", {10, 10});
  ASSERT_TRUE(page.is_array());
  ASSERT_EQ(page.size(), 5u);  // 10..14
  EXPECT_EQ(page[0]["height"], 10);
  EXPECT_EQ(page[4]["hash"], ledger_->head_hash().Hex());
  const chain::Block last = ledger_->BlockAt(14).value();
  EXPECT_EQ(page[4]["tx_count"], last.txs.size());
  EXPECT_EQ(page[4]["sealer_name"], "rsu-1");
  EXPECT_EQ(Call("chain_getBlocks", {0, 101})["code"], rpc::kInvalidParams);
  json block = Call("chain_getBlock", {ledger_->head_hash().Hex()});
  EXPECT_EQ(block["height"], 14);
  EXPECT_EQ(block["canonical"], true);
  EXPECT_EQ(Call("chain_getBlock", {"99"})["code"], rpc::kNotFound);
}

TEST_F(ExplorerApi, BlockTransactionsAndDecodedRound) {
  const chain::Block b = ledger_->BlockAt(9).value();
  json page = Call("chain_getBlockTransactions", {9, 0, 2});
  EXPECT_EQ(page["total"], b.txs.size());
  json all = json::array();
  for (uint64_t p = 0; p * 2 < b.txs.size(); ++p) {
    const json txs = Call("chain_getBlockTransactions", json::array({"9", p, 2}))["txs"];
    for (const auto& t : txs) all.push_back(t);
  }
  ASSERT_EQ(all.size(), b.txs.size());
  for (size_t i = 0; i < b.txs.size(); ++i) {
    EXPECT_EQ(all[i]["hash"], chain::TxHash(b.txs[i]).Hex());
    json tx = Call("chain_getTransaction", {chain::TxHash(b.txs[i]).Hex()});
    EXPECT_EQ(tx["height"], 9);
    EXPECT_EQ(tx["index"], i);
    EXPECT_EQ(tx["sender"], b.txs[i].sender);
    if (const auto* r = std::get_if<chain::TradingRound>(&b.txs[i].body)) {
      ASSERT_EQ(tx["kind"], "round");
      ASSERT_EQ(tx["body"]["trades"].size(), r->trades.size());
      for (size_t t = 0; t < r->trades.size(); ++t) {
        EXPECT_EQ(tx["body"]["trades"][t]["price"], r->trades[t].price);
        EXPECT_EQ(tx["body"]["trades"][t]["payment"],
                  chain::Payment(r->trades[t].price, r->trades[t].volume_wh));
        EXPECT_EQ(tx["body"]["trades"][t]["buyer"], r->buyers[r->trades[t].buyer].sender);
      }
      ASSERT_EQ(tx["body"]["buyers"].size(), r->buyers.size());
      for (size_t k = 0; k < r->buyers.size(); ++k) {
        EXPECT_EQ(tx["body"]["buyers"][k]["sender"], r->buyers[k].sender);
        EXPECT_EQ(tx["body"]["buyers"][k]["nonce"], r->buyers[k].nonce);
      }
      ASSERT_EQ(tx["body"]["sellers"].size(), r->sellers.size());
      for (size_t k = 0; k < r->sellers.size(); ++k)
        EXPECT_EQ(tx["body"]["sellers"][k]["nonce"], r->sellers[k].nonce);
    }
  }
  EXPECT_EQ(Call("chain_getTransaction", {std::string(64, 'a')})["code"], rpc::kNotFound);
  EXPECT_EQ(Call("chain_getTransaction", {"zz"})["code"], rpc::kInvalidParams);
}

TEST_F(ExplorerApi, AccountHistoryPagesWithACursorAndMatchesAScan) {
  const std::string id = ledger_->state().accounts.rbegin()->first;  // a vehicle
  const auto expected = Scan(id);
  ASSERT_GT(expected.size(), 3u);
  std::vector<std::pair<uint64_t, uint32_t>> got;
  json cursor = nullptr;
  for (int pages = 0; pages < 100; ++pages) {
    json page = Call("state_getAccountHistory", {id, cursor, 3});
    for (const auto& t : page["txs"])
      got.emplace_back(t["height"].get<uint64_t>(), t["index"].get<uint32_t>());
    cursor = page["next"];
    if (cursor.is_null()) break;
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(Call("state_getAccountHistory", {id, "bad", 3})["code"], rpc::kInvalidParams);
  EXPECT_EQ(Call("state_getAccountHistory", {id, "99999999999999999999999:1", 3})["code"],
            rpc::kInvalidParams);
  EXPECT_EQ(Call("state_getAccountHistory", {id, nullptr, 0})["code"], rpc::kInvalidParams);
}

// state_getAccountSavings counts the account's rounds with a trade; this devnet's genesis has no
// grid tariff, so none of them is set against the grid (savings_test.cc covers the sums).
TEST_F(ExplorerApi, AccountSavingsCountsTheAccountsRounds) {
  std::string id;  // the buyer of the chain's first trade
  for (uint64_t h = 1; h <= ledger_->head().height && id.empty(); ++h) {
    const chain::Block block = ledger_->BlockAt(h).value();
    for (const chain::Tx& tx : block.txs) {
      const auto* r = std::get_if<chain::TradingRound>(&tx.body);
      if (r != nullptr && !r->trades.empty()) {
        id = r->buyers[r->trades[0].buyer].sender;
        break;
      }
    }
  }
  ASSERT_FALSE(id.empty());
  int64_t rounds = 0;
  for (const auto& [h, i] : Scan(id)) {
    const auto b = ledger_->BlockAt(h).value();
    const auto* r = std::get_if<chain::TradingRound>(&b.txs[i].body);
    if (r == nullptr) continue;
    bool traded = false;
    for (const chain::Trade& t : r->trades) {
      traded = traded || r->buyers[t.buyer].sender == id || r->sellers[t.seller].sender == id;
    }
    rounds += traded ? 1 : 0;
  }
  ASSERT_GT(rounds, 0);
  const json s = Call("state_getAccountSavings", {id});
  EXPECT_EQ(s["rounds"], rounds);
  EXPECT_EQ(s["grid_rounds"], 0);
  EXPECT_EQ(s["paid"], 0);
  EXPECT_EQ(s["earned"], 0);
  EXPECT_EQ(s["grid_cost"], 0);
  EXPECT_EQ(s["complete"], true);
  EXPECT_EQ(Call("state_getAccountSavings", json::array())["code"], rpc::kInvalidParams);
}

TEST_F(ExplorerApi, EscrowsCertificateAndMarketRounds) {
  ASSERT_FALSE(ledger_->state().escrows.empty());
  const auto& [eid, escrow] = *ledger_->state().escrows.begin();
  json open = Call("state_getEscrows", json::array({escrow.buyer}));
  bool found = false;
  for (auto& e : open) found = found || e["id"] == eid.Hex();
  EXPECT_TRUE(found);
  EXPECT_EQ(Call("state_getCertificate", json::array({escrow.buyer}))["revoked"], false);

  json rounds = Call("market_rounds", {1, 14, true});
  ASSERT_EQ(rounds.size(), 14u);  // one round a block
  int64_t volume = 0;
  const chain::Block last = ledger_->BlockAt(14).value();
  for (const auto& t : last.txs)
    if (const auto* r = std::get_if<chain::TradingRound>(&t.body))
      for (const auto& tr : r->trades) volume += tr.volume_wh;
  EXPECT_EQ(rounds[13]["volume_wh"], volume);
  EXPECT_EQ(rounds[13]["trade_list"].size(), rounds[13]["trades"].get<size_t>());
  EXPECT_EQ(Call("market_rounds", {0, 1000})["code"], rpc::kInvalidParams);
}

TEST_F(ExplorerApi, CliqueStatusHasGethsShape) {
  json s = Call("clique_status", json::array());
  EXPECT_EQ(s["numBlocks"], 14);
  EXPECT_DOUBLE_EQ(s["inturnPercent"].get<double>(), 100.0);  // one authority: always in turn
  EXPECT_EQ(s["sealerActivity"][generator_.authority().public_key().Hex()], 14);
  EXPECT_EQ(Call("clique_status", json::array({5}))["numBlocks"], 5);
}

TEST(ChainIndex, FollowsAnotherBranchFromTheCommonAncestor) {
  devnet::BlockGenerator generator;
  auto a = Chain(generator, 6, 1), b = Chain(generator, 4, 2);
  ChainIndex index;
  ASSERT_TRUE(index.Sync(*a).ok());
  const Hash32 only_a = chain::TxHash(a->BlockAt(3)->txs.back());
  ASSERT_TRUE(index.Find(only_a).has_value());
  ASSERT_TRUE(index.Sync(*b).ok());  // same genesis, other blocks: like a reorg to height 4
  EXPECT_EQ(index.indexed_height(), 4u);
  EXPECT_FALSE(index.Find(only_a).has_value());
  const Hash32 in_b = chain::TxHash(b->BlockAt(4)->txs.back());
  ASSERT_TRUE(index.Find(in_b).has_value());
  EXPECT_EQ(index.Find(in_b)->height, 4u);
}

std::unique_ptr<node::Ledger> FeedLedger(const devnet::BlockGenerator& generator,
                                         node::ChainFeed* feed) {
  node::LedgerOptions o;
  o.events = feed;
  return std::move(node::Ledger::Init(store::NewMemKvStore(), generator.genesis(), std::move(o)))
      .value();
}

void Extend(const devnet::BlockGenerator& generator, node::Ledger& ledger, int blocks,
            base::Rng& rng) {
  for (int i = 0; i < blocks; ++i) {
    auto block = generator.NextBlock(ledger, rng);
    ASSERT_TRUE(block.ok()) << block.status().ToString();
    ASSERT_TRUE(ledger.Import(*block, block->header.timestamp_s).ok());
  }
}

// Built once from the store; then the blocks come from the feed, a reorg too, and the index
// answers as one built from the store would.
TEST(ChainIndex, FollowsTheFeedWithoutReadingTheStore) {
  devnet::BlockGenerator generator;
  node::ChainFeed feed;
  auto ledger = FeedLedger(generator, &feed);
  base::Rng rng(1);
  Extend(generator, *ledger, 3, rng);
  ChainIndex index;
  index.Follow(feed);
  ASSERT_TRUE(index.Sync(*ledger).ok());
  EXPECT_EQ(index.blocks_read(), 4u);  // genesis and three blocks, once
  Extend(generator, *ledger, 3, rng);
  feed.Deliver();  // as the node does after a head change: the index takes the blocks now
  EXPECT_EQ(index.indexed_height(), 6u);
  ASSERT_TRUE(index.Sync(*ledger).ok());
  EXPECT_EQ(index.indexed_height(), 6u);
  EXPECT_EQ(index.blocks_read(), 4u);
  const Hash32 only_a = chain::TxHash(ledger->BlockAt(5)->txs.back());
  ASSERT_TRUE(index.Find(only_a).has_value());

  // A heavier branch from height 2 (another generator stream) up to height 8: the feed removes
  // blocks 6 to 3 and applies the branch's 3 to 8.
  auto other = FeedLedger(generator, nullptr);
  base::Rng same(1);
  Extend(generator, *other, 2, same);
  base::Rng fork(99);
  Extend(generator, *other, 6, fork);
  for (uint64_t h = 3; h <= 8; ++h) {
    auto b = other->BlockAt(h);
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(ledger->Import(*b, b->header.timestamp_s).ok());
  }
  ASSERT_EQ(ledger->head_hash(), other->head_hash());
  ASSERT_TRUE(index.Sync(*ledger).ok());
  EXPECT_EQ(index.blocks_read(), 4u);
  EXPECT_EQ(index.indexed_height(), 8u);
  EXPECT_FALSE(index.Find(only_a).has_value());
  ChainIndex from_store;
  ASSERT_TRUE(from_store.Sync(*ledger).ok());
  for (uint64_t h = 0; h <= 8; ++h) {
    const chain::Block block = ledger->BlockAt(h).value();
    for (const chain::Tx& tx : block.txs) {
      ASSERT_TRUE(index.Find(chain::TxHash(tx)).has_value());
      EXPECT_EQ(*index.Find(chain::TxHash(tx)), *from_store.Find(chain::TxHash(tx)));
    }
  }
  for (const auto& [id, account] : ledger->state().accounts) {
    EXPECT_EQ(index.History(id, std::nullopt, 1000), from_store.History(id, std::nullopt, 1000))
        << id;
  }
}

// A subscription that fell behind (a queue of 2, five blocks) is drained and the store brings
// the index to the head.
TEST(ChainIndex, AfterTheFeedLaggedItReadsTheStore) {
  devnet::BlockGenerator generator;
  node::ChainFeed feed;
  auto ledger = FeedLedger(generator, &feed);
  base::Rng rng(4);
  ChainIndex index;
  index.Follow(feed, 2);
  ASSERT_TRUE(index.Sync(*ledger).ok());
  EXPECT_EQ(index.blocks_read(), 1u);
  Extend(generator, *ledger, 5, rng);
  ASSERT_TRUE(index.Sync(*ledger).ok());
  EXPECT_EQ(index.indexed_height(), 5u);
  EXPECT_EQ(index.blocks_read(), 6u);  // the five from the store
  Extend(generator, *ledger, 1, rng);  // and the feed again
  ASSERT_TRUE(index.Sync(*ledger).ok());
  EXPECT_EQ(index.indexed_height(), 6u);
  EXPECT_EQ(index.blocks_read(), 6u);
}

// A Recertify (sent by the CA) is in the history of the account it gives a new certificate, and
// reads as one.
TEST(ChainIndex, ARecertifyTouchesTheAccountItNames) {
  chain::Tx tx;
  tx.sender = "ca";
  tx.nonce = 1;
  tx.body = chain::Recertify{"car-3", Hash32{}, Bytes{1, 2, 3}};
  EXPECT_EQ(TouchedAccounts(tx, {}), (std::vector<std::string>{"ca", "car-3"}));
  const auto summary = TxSummaryJson(tx);
  EXPECT_EQ(summary["kind"], "recertify");
  EXPECT_EQ(summary["account"], "car-3");
  EXPECT_EQ(TxDetailJson(tx)["body"]["replaces"], Hash32{}.Hex());
}

}  // namespace
}  // namespace v2v::explorer
