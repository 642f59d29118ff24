#include "node/genesis_json.h"

#include <gtest/gtest.h>

#include "contract/genesis.h"
#include "devnet/block_generator.h"

namespace v2v::node {
namespace {

Result<contract::Genesis> Parse(const nlohmann::json& j) {
  const std::string text = j.dump();
  return ParseGenesisJson(AsBytes(text));
}

TEST(GenesisJson, RoundTripsIncludingClique) {
  contract::Genesis g = devnet::BlockGenerator().genesis();
  g.clique.epoch = 7;
  g.clique.period_s = 3;
  g.params.shortfall_penalty_per_kwh = 120;
  const nlohmann::json j = GenesisToJson(g);
  EXPECT_EQ(j["shortfall_penalty_per_kwh"], 120);
  EXPECT_EQ(j["clique"]["epoch"], 7);
  EXPECT_EQ(j["clique"]["period_s"], 3);
  auto back = Parse(j);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(contract::EncodeGenesis(*back), contract::EncodeGenesis(g));
  // Without "clique" the defaults apply.
  nlohmann::json old = j;
  old.erase("clique");
  auto d = Parse(old);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->clique, contract::CliqueParams{});
  // The flat form.
  old["clique_epoch"] = 9;
  old["clique_period_s"] = 0;
  auto flat = Parse(old);
  ASSERT_TRUE(flat.ok()) << flat.status().ToString();
  EXPECT_EQ(flat->clique.epoch, 9u);
  EXPECT_EQ(flat->clique.period_s, 0u);
  old["clique"] = j["clique"];
  EXPECT_FALSE(Parse(old).ok());
}

// The network id (C-3.0) is derived from the genesis: the first 8 bytes of its hash, which is the
// genesis block's parent; decoding sets it in the contract parameters; any change to the genesis
// (here one more second of period) names another network.
TEST(GenesisJson, TheNetworkIdIsDerivedFromTheGenesis) {
  contract::Genesis g = devnet::BlockGenerator().genesis();
  const chain::NetworkId id = contract::NetworkIdOf(g);
  const Hash32 parent = contract::GenesisHeader(g, chain::State{}).parent;
  chain::NetworkId from_parent = 0;
  for (size_t i = 0; i < 8; ++i) from_parent = (from_parent << 8) | parent.bytes[i];
  EXPECT_EQ(id, from_parent);
  auto decoded = contract::DecodeGenesis(contract::EncodeGenesis(g));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->params.network, id);
  EXPECT_EQ(contract::ContractParamsOf(g).network, id);
  EXPECT_EQ(contract::ContractParamsOf(g).ca_key, g.ca_key);
  g.clique.period_s += 1;
  EXPECT_NE(contract::NetworkIdOf(g), id);
}

TEST(GenesisJson, RefusesBadInput) {
  const nlohmann::json j = GenesisToJson(devnet::BlockGenerator().genesis());
  EXPECT_EQ(ParseGenesisJson(AsBytes("not json")).status().code(), StatusCode::kInvalidArgument);
  auto bad = [&](auto edit, const std::string& needle) {
    nlohmann::json k = j;
    edit(k);
    auto r = Parse(k);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  bad([](nlohmann::json& k) { k["clique"]["epoch"] = 0; }, "clique.epoch");
  bad([](nlohmann::json& k) { k["clique"]["epoch"] = -5; }, "clique.epoch");
  bad([](nlohmann::json& k) { k["clique"]["period"] = 1; }, "unknown key \"period\"");
  bad([](nlohmann::json& k) { k["clique"] = 3; }, "clique");
  bad([](nlohmann::json& k) { k["authorities"][0] = "zz"; }, "authorities");
  bad([](nlohmann::json& k) { k["accounts"][0]["role"] = "bus"; }, "role");
  bad([](nlohmann::json& k) { k.erase("timestamp"); }, "timestamp");
  // A float or an unsigned integer past int64 is refused, not converted (a float past int64
  // would be undefined behaviour to convert).
  bad([](nlohmann::json& k) { k["timestamp"] = 1e30; }, "timestamp: expected an integer");
  bad([](nlohmann::json& k) { k["settle_window_s"] = 1.5; },
      "settle_window_s: expected an integer");
  bad([](nlohmann::json& k) { k["accounts"][0]["balance"] = uint64_t{1} << 63; },
      "balance: expected an integer");
  bad([](nlohmann::json& k) { k["shortfall_penalty_per_kwh"] = -1; }, "shortfall_penalty_per_kwh");
  bad([](nlohmann::json& k) { k["shortfall_penalty_per_kwh"] = int64_t{1} << 40; },
      "shortfall_penalty_per_kwh: must be in [0, 2147483648]");
}

// The grid areas (contract C-4.7): written only when there is a grid, read in any order and
// sorted, and every bad field named (exit 2 at the CLI).
TEST(GenesisJson, TheGridRoundTripsAndBadTariffsNameTheirField) {
  contract::Genesis g = devnet::BlockGenerator().genesis();
  EXPECT_FALSE(GenesisToJson(g).contains("grid"));
  nlohmann::json j = GenesisToJson(g);
  j["grid"] = nlohmann::json::parse(R"([
    {"rsu": "rsu-1", "import": [{"start_s": 0, "price": 300}, {"start_s": 28800, "price": 600}],
     "feed_in": 100, "fee": 5, "chargers": [{"x_m": 0, "y_m": 0}], "detour_wh_per_km": 180, "wait_s": 600,
     "time_value_per_h": 12000},
    {"import": [{"start_s": 0, "price": 250}], "feed_in": 90}])");
  auto parsed = Parse(j);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->params.grid.size(), 2u);
  EXPECT_EQ(parsed->params.grid[0].rsu, "");  // sorted: the default area first
  EXPECT_EQ(parsed->params.grid[1].tariff.import[1].price, 600);
  EXPECT_EQ(parsed->params.grid[1].tariff.speed_mm_per_s, 10'000);  // the default
  EXPECT_EQ(parsed->params.grid[1].tariff.fee, 5);
  EXPECT_EQ(parsed->params.grid[0].tariff.fee, 0);  // the default
  auto again = Parse(GenesisToJson(*parsed));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(contract::EncodeGenesis(*again), contract::EncodeGenesis(*parsed));
  EXPECT_NE(contract::NetworkIdOf(*parsed), contract::NetworkIdOf(g));

  auto bad = [&](auto edit, const std::string& needle) {
    nlohmann::json k = j;
    edit(k["grid"]);
    auto r = Parse(k);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  bad([](nlohmann::json& a) { a[0]["import"][0]["start_s"] = 60; }, "import[0].start_s");
  bad([](nlohmann::json& a) { a[0]["import"][1]["start_s"] = 0; }, "import[1].start_s");
  bad([](nlohmann::json& a) { a[0]["import"][1]["price"] = -3; }, "import[1].price");
  bad([](nlohmann::json& a) { a[0]["import"][1]["price"] = 0.5; }, "price: expected an integer");
  bad([](nlohmann::json& a) { a[0]["feed_in"] = -1; }, "feed_in");
  bad([](nlohmann::json& a) { a[0]["fee"] = -1; }, "fee");
  bad([](nlohmann::json& a) { a[0].erase("feed_in"); }, "missing \"feed_in\"");
  bad([](nlohmann::json& a) { a[0]["speed_mm_per_s"] = 0; }, "speed_mm_per_s");
  bad([](nlohmann::json& a) { a[0]["tarif"] = 1; }, "unknown key \"tarif\"");
  bad([](nlohmann::json& a) { a[1]["rsu"] = "rsu-1"; }, "once each");
  bad([](nlohmann::json& a) { a = 5; }, "expected an array");
}

// The mechanism (contract C-4.9): written only when it is not the paper's scheme, and every bad
// field named.
TEST(GenesisJson, TheMechanismRoundTripsAndBadFieldsAreNamed) {
  contract::Genesis g = devnet::BlockGenerator().genesis();
  EXPECT_FALSE(GenesisToJson(g).contains("mechanism"));
  nlohmann::json j = GenesisToJson(g);
  j["mechanism"] = {{"name", "k-double-auction"}};
  auto parsed = Parse(j);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->params.mechanism,
            (market::ChainMechanism{market::ChainMechanismKind::kKDoubleAuction, 500'000, 0}));
  auto again = Parse(GenesisToJson(*parsed));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(contract::EncodeGenesis(*again), contract::EncodeGenesis(*parsed));
  EXPECT_NE(contract::NetworkIdOf(*parsed), contract::NetworkIdOf(g));
  j["mechanism"] = {{"name", "posted-price"}, {"posted_price", 280}};
  ASSERT_TRUE(Parse(j).ok());
  EXPECT_EQ(Parse(j)->params.mechanism.posted_price, 280);
  j["mechanism"] = {{"name", "mcafee"}, {"value_floor", 100}, {"cost_ceiling", 300}};
  ASSERT_TRUE(Parse(j).ok());
  EXPECT_EQ(Parse(j)->params.mechanism.cost_ceiling, 300);
  EXPECT_EQ(contract::EncodeGenesis(*Parse(GenesisToJson(*Parse(j)))),
            contract::EncodeGenesis(*Parse(j)));

  auto bad = [&](const nlohmann::json& m, const std::string& needle) {
    nlohmann::json k = j;
    k["mechanism"] = m;
    auto r = Parse(k);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  bad({{"name", "vcg"}}, "\"vcg\" is not one a chain runs");
  bad({{"name", "mcafee"}, {"value_floor", 100}}, "missing \"cost_ceiling\"");
  bad({{"name", "mcafee"}, {"value_floor", -1}, {"cost_ceiling", 300}}, "value_floor");
  bad({{"name", "mcafee"}, {"posted_price", 5}}, "mcafee does not read \"posted_price\"");
  bad({{"name", "k-double-auction"}, {"k_ppm", 1'000'001}}, "k_ppm");
  bad({{"name", "k-double-auction"}, {"k_ppm", 0.5}}, "k_ppm: expected an integer");
  bad({{"name", "sbba"}, {"k_ppm", 5}}, "sbba does not read \"k_ppm\"");
  bad({{"name", "posted-price"}}, "posted_price");
  bad({{"name", "posted-price"}, {"posted_price", 0}}, "posted_price");
  bad({{"nom", "sbba"}}, "name");
  bad(5, "expected an object");
}

}  // namespace
}  // namespace v2v::node
