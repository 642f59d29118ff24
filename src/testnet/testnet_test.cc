#include "testnet/testnet.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "node/config.h"
#include "node/genesis_json.h"
#include "node/ledger.h"
#include "store/kv_store.h"

namespace v2v::testnet {
namespace {

namespace fs = std::filesystem;

class TestnetLayout : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("v2v_testnet_unit_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

mode_t Mode(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

TEST_F(TestnetLayout, CreateWritesCaGenesisConfigsAndTestnetJson) {
  Options o;
  o.dir = dir_.string();
  o.nodes = 3;
  o.vehicles = 2;
  o.spare = 1;
  o.period_s = 2;
  o.epoch = 10;
  auto t = Create(o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->nodes.size(), 3u);
  for (const char* f : {"ca/ca.pem", "ca/ca.key", "genesis.json", "testnet.json", "node-0/cert.pem",
                        "node-2/key.pem", "vehicles/car-1/key.pem", "spare/rsu-3/cert.pem"}) {
    EXPECT_TRUE(fs::exists(dir_ / f)) << f;
  }
  EXPECT_EQ(Mode(dir_ / "node-1/key.pem"), 0600u);
  EXPECT_EQ(Mode(dir_ / "vehicles/car-0/key.pem"), 0600u);

  // The genesis loads into a ledger: every X.509 certificate is valid at genesis time.
  auto g = node::ReadGenesisJsonFile((dir_ / "genesis.json").string());
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->authorities.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(g->authorities[i].Hex(), t->nodes[i].key);
  EXPECT_EQ(g->accounts.size(), 3u + 1u + 2u);
  auto ledger = node::Ledger::Init(store::NewMemKvStore(), *g);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  const auto& accounts = (*ledger)->state().accounts;
  for (const char* id : {"rsu-0", "rsu-2", "rsu-3", "car-0", "car-1"})
    EXPECT_TRUE(accounts.count(id)) << id;
  EXPECT_EQ(accounts.at("car-1").energy_wh, o.vehicle_energy_wh);
  EXPECT_EQ(accounts.at("car-1").balance, o.vehicle_balance);
  std::ifstream gin(dir_ / "genesis.json");
  const auto j = nlohmann::json::parse(gin);
  EXPECT_EQ(j["clique"]["epoch"], 10);
  EXPECT_EQ(j["clique"]["period_s"], 2);

  // Configs: every key of docs/spec/node.md N1; node i dials nodes 0..i-1.
  for (size_t i = 0; i < 3; ++i) {
    toml::table cfg = toml::parse_file(t->nodes[i].config);
    EXPECT_EQ(cfg["name"].value_or(std::string()), "rsu-" + std::to_string(i));
    EXPECT_EQ(cfg["data_dir"].value_or(std::string()), t->NodeDir(i) + "/data");
    EXPECT_EQ(cfg["genesis"].value_or(std::string()), (dir_ / "genesis.json").string());
    EXPECT_EQ(cfg["ca"].value_or(std::string()), (dir_ / "ca/ca.pem").string());
    EXPECT_EQ(cfg["key"].value_or(std::string()), t->NodeDir(i) + "/key.pem");
    EXPECT_EQ(cfg["p2p_listen"].value_or(std::string()), t->nodes[i].p2p);
    EXPECT_EQ("http://" + cfg["rpc_listen"].value_or(std::string()), t->nodes[i].rpc);
    EXPECT_TRUE(cfg["seal"].value_or(false));
    EXPECT_EQ(cfg["log_level"].value_or(std::string()), "info");
    EXPECT_EQ(cfg["max_block_txs"].value_or(int64_t{0}), 20000);
    const toml::array* peers = cfg["peers"].as_array();
    ASSERT_NE(peers, nullptr);
    ASSERT_EQ(peers->size(), i);
    for (size_t k = 0; k < i; ++k) EXPECT_EQ((*peers)[k].value_or(std::string()), t->nodes[k].p2p);
    // And the node's own parser accepts it.
    auto parsed = node::LoadNodeConfig(t->nodes[i].config);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->peers.size(), i);
    EXPECT_EQ(parsed->p2p_listen.ToString(), t->nodes[i].p2p);
    // Its vehicles all connect from 127.0.0.1: the per-address quota is the whole cap.
    EXPECT_EQ(parsed->limits.vehicle_max_connections_per_address,
              parsed->limits.vehicle_max_connections);
  }
  // Ports are distinct.
  std::set<std::string> addrs;
  for (const auto& n : t->nodes) {
    addrs.insert(n.p2p);
    addrs.insert(n.rpc.substr(7));
  }
  EXPECT_EQ(addrs.size(), 6u);

  // testnet.json round-trips.
  auto loaded = Load(dir_.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(ToJson(*loaded), ToJson(*t));
  EXPECT_EQ(loaded->period_s, 2u);
  EXPECT_EQ(loaded->spare.size(), 1u);
  EXPECT_EQ(loaded->vehicles[1].name, "car-1");
  auto key = ReadKey(loaded->NodeDir(1) + "/key.pem");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key().Hex(), loaded->nodes[1].key);

  // Nothing runs: stop is a no-op; a second create refuses the non-empty directory.
  EXPECT_TRUE(Stop(dir_.string()).ok());
  EXPECT_EQ(Create(o).status().code(), StatusCode::kInvalidArgument);
}

// Nodes on addresses of their own (one network namespace each, tests/hosts): each listens on its
// address, the others dial it there, and its RPC accepts that address as a Host.
TEST_F(TestnetLayout, NodesListenOnTheAddressesGiven) {
  Options o;
  o.dir = dir_.string();
  o.nodes = 2;
  o.vehicles = 0;
  o.addresses = {"10.213.0.11", "10.213.0.12"};
  auto t = Create(o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->nodes[0].p2p.rfind("10.213.0.11:", 0), 0u) << t->nodes[0].p2p;
  EXPECT_EQ(t->nodes[1].rpc.rfind("http://10.213.0.12:", 0), 0u) << t->nodes[1].rpc;
  EXPECT_EQ(t->nodes[1].vehicle_api.rfind("wss://10.213.0.12:", 0), 0u);
  auto parsed = node::LoadNodeConfig(t->nodes[1].config);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->p2p_listen.ToString(), t->nodes[1].p2p);
  ASSERT_EQ(parsed->peers.size(), 1u);
  EXPECT_EQ(parsed->peers[0].ToString(), t->nodes[0].p2p);
  toml::table cfg = toml::parse_file(t->nodes[1].config);
  const toml::array* vhosts = cfg["rpc_vhosts"].as_array();
  ASSERT_NE(vhosts, nullptr);
  EXPECT_EQ(vhosts->back().value_or(std::string()), "10.213.0.12");
  // On 127.0.0.1 (the default) the node's default virtual hosts apply.
  o.dir = (dir_ / "lo").string();
  o.addresses.clear();
  auto lo = Create(o);
  ASSERT_TRUE(lo.ok()) << lo.status().ToString();
  EXPECT_EQ(toml::parse_file(lo->nodes[1].config)["rpc_vhosts"].as_array(), nullptr);
}

TEST_F(TestnetLayout, BadAddressesAreRefusedBeforeAnythingIsWritten) {
  Options o;
  o.dir = dir_.string();
  o.nodes = 2;
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"10.0.0.1"}, {"10.0.0.1", "rsu-1"}, {"10.0.0.1", "0.0.0.0"}, {"10.0.0.1", "fd00::1"}}) {
    o.addresses = bad;
    auto t = Create(o);
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << bad.back();
    EXPECT_NE(t.status().message().find("--addresses"), std::string::npos) << t.status().ToString();
    EXPECT_FALSE(fs::exists(dir_)) << bad.back();
  }
}

TEST_F(TestnetLayout, BadOptionsAndFailedStartsAreClearErrors) {
  Options o;
  o.dir = dir_.string();
  o.nodes = 0;
  EXPECT_EQ(Create(o).status().code(), StatusCode::kInvalidArgument);
  o.nodes = 1;
  o.vehicles = 0;
  auto t = Create(o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // A binary that does not exist: the spawn itself fails.
  Status s = Spawn(*t, 0, "/nonexistent/v2v");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot start rsu-0"), std::string::npos) << s.ToString();
  // A binary that exits at once: the wait names the node and its log.
  s = Launch(*t, "/bin/false", std::chrono::seconds(5));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("rsu-0"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("node-0/node.log"), std::string::npos) << s.ToString();
  EXPECT_EQ(Restart(dir_.string(), 5, "/bin/false").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Load((dir_ / "nope").string()).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace v2v::testnet
