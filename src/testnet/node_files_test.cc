#include "testnet/node_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "node/config.h"

namespace v2v::testnet {
namespace {

namespace fs = std::filesystem;

NodeConfigFile Sample() {
  NodeConfigFile c;
  c.comment = "rsu-1 of a test";
  c.name = "rsu-1";
  c.data_dir = "/var/lib/v2v/rsu-1/data";
  c.genesis = "/etc/v2v/rsu-1/genesis.json";
  c.ca = "/etc/v2v/rsu-1/ca.pem";
  c.cert = "/etc/v2v/rsu-1/cert.pem";
  c.key = "/etc/v2v/rsu-1/key.pem";
  c.p2p_listen = ":::30303";
  c.rpc_listen = ":::8545";
  c.vehicle_listen = ":::8546";
  c.peers = {"10.0.0.1:30303", "fd00::3:30310"};
  return c;
}

// What the node's own loader reads back is what was written.
TEST(NodeConfigToml, TheNodesParserReadsBackEveryKey) {
  NodeConfigFile c = Sample();
  c.admin_socket = "/run/rsu-1.sock";
  c.rpc_vhosts = {"localhost", "[fd00::2]"};
  c.mempool_max_txs = 1000;
  c.max_block_txs = 50;
  c.log_level = "debug";
  c.vehicle_t_limit_s = 7;
  c.vehicle_max_connections_per_address = 500;
  const std::string text = NodeConfigToml(c);
  EXPECT_EQ(text.rfind("# rsu-1 of a test\n", 0), 0u) << text;
  auto parsed = node::ParseNodeConfig(text, "/elsewhere");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  EXPECT_EQ(parsed->name, "rsu-1");
  EXPECT_EQ(parsed->data_dir, c.data_dir);
  EXPECT_EQ(parsed->genesis, c.genesis);
  EXPECT_EQ(parsed->ca, c.ca);
  EXPECT_EQ(parsed->cert, c.cert);
  EXPECT_EQ(parsed->key, c.key);
  EXPECT_EQ(parsed->p2p_listen, (node::HostPort{"::", 30303}));
  EXPECT_EQ(parsed->rpc_listen, (node::HostPort{"::", 8545}));
  EXPECT_EQ(parsed->vehicle_listen, (node::HostPort{"::", 8546}));
  EXPECT_EQ(parsed->peers, (std::vector<node::HostPort>{{"10.0.0.1", 30303}, {"fd00::3", 30310}}));
  EXPECT_TRUE(parsed->seal);
  EXPECT_EQ(parsed->admin_socket, "/run/rsu-1.sock");
  EXPECT_EQ(parsed->rpc_vhosts, (std::vector<std::string>{"localhost", "[fd00::2]"}));
  EXPECT_EQ(parsed->mempool_max_txs, 1000);
  EXPECT_EQ(parsed->max_block_txs, 50);
  EXPECT_EQ(parsed->log_level, "debug");
  EXPECT_EQ(parsed->vehicle_t_limit_s, 7);
  EXPECT_EQ(parsed->limits.vehicle_max_connections_per_address, 500);
}

TEST(NodeConfigToml, UnsetOptionalKeysAreLeftToTheNodesDefaults) {
  const std::string text = NodeConfigToml(Sample());
  for (const char* key : {"admin_socket", "rpc_vhosts", "vehicle_max_connections_per_address"})
    EXPECT_EQ(text.find(key), std::string::npos) << key << " in\n" << text;
  auto parsed = node::ParseNodeConfig(text, "");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const node::NodeConfig defaults;
  EXPECT_EQ(parsed->admin_socket, "/var/lib/v2v/rsu-1/data/admin.sock");
  EXPECT_EQ(parsed->limits.vehicle_max_connections_per_address,
            defaults.limits.vehicle_max_connections_per_address);
  EXPECT_EQ(parsed->mempool_max_txs, defaults.mempool_max_txs);
  EXPECT_EQ(parsed->max_block_txs, defaults.max_block_txs);
}

TEST(CreateEmptyDir, RefusesANonEmptyDirectoryOrAFileAndNamesTheFlag) {
  const fs::path dir = fs::temp_directory_path() / ("v2v_node_files_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto made = CreateEmptyDir((dir / "a/b").string(), "--out", 0750);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(*made, (dir / "a/b").string());
  struct stat st {};
  ASSERT_EQ(::stat(made->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
  EXPECT_TRUE(CreateEmptyDir(*made, "--out", 0750).ok()) << "an empty directory is fine";
  std::ofstream(dir / "a/b/x") << "x";
  for (const fs::path& p : {dir / "a/b", dir / "a/b/x"}) {
    auto again = CreateEmptyDir(p.string(), "--out", 0750);
    EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument) << p;
    EXPECT_EQ(again.status().message(),
              "--out " + p.string() + ": exists and is not an empty directory");
  }
  EXPECT_EQ(CreateEmptyDir("", "--out", 0750).status().message(), "--out: required");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace v2v::testnet
