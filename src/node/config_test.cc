#include "node/config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace v2v::node {
namespace {

const char* kGood = R"(
name = "rsu-0"
data_dir = "data"
genesis = "/abs/genesis.json"
ca = "../ca/ca.pem"
cert = "cert.pem"
key = "key.pem"
p2p_listen = "127.0.0.1:30300"
rpc_listen = "127.0.0.1:0"
peers = ["127.0.0.1:30301", "localhost:30302"]
seal = false
max_block_txs = 50
)";

TEST(NodeConfig, ParsesAndResolvesRelativePaths) {
  auto c = ParseNodeConfig(kGood, "/net/node-0");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->name, "rsu-0");
  EXPECT_EQ(c->data_dir, "/net/node-0/data");
  EXPECT_EQ(c->genesis, "/abs/genesis.json");
  EXPECT_EQ(c->ca, "/net/ca/ca.pem");
  EXPECT_EQ(c->p2p_listen, (HostPort{"127.0.0.1", 30300}));
  EXPECT_EQ(c->rpc_listen.port, 0);
  ASSERT_EQ(c->peers.size(), 2u);
  EXPECT_EQ(c->peers[1], (HostPort{"localhost", 30302}));
  EXPECT_FALSE(c->seal);
  EXPECT_EQ(c->max_block_txs, 50);
  EXPECT_EQ(c->mempool_max_txs, 200000);                     // default
  EXPECT_EQ(c->vehicle_listen, (HostPort{"127.0.0.1", 0}));  // default: loopback
  EXPECT_EQ(c->vehicle_t_limit_s, 10);
}

std::string ErrorOf(const std::string& text) {
  auto c = ParseNodeConfig(text, "/x");
  return c.ok() ? "" : c.status().message();
}

TEST(NodeConfig, ErrorsNameTheKey) {
  const std::string good = kGood;
  EXPECT_NE(ErrorOf(good + "colour = 1\n").find("unknown key \"colour\""), std::string::npos);
  std::string no_key = good;
  no_key.erase(no_key.find("key = \"key.pem\""), 15);
  EXPECT_NE(ErrorOf(no_key).find("missing key \"key\""), std::string::npos);
  std::string bad_port = good;
  bad_port.replace(bad_port.find("30300"), 5, "70000");
  EXPECT_NE(ErrorOf(bad_port).find("p2p_listen"), std::string::npos);
  EXPECT_NE(ErrorOf(good + "log_level = \"loud\"\n").find("log_level"), std::string::npos);
  EXPECT_NE(ErrorOf("name = \n").find("line 1"), std::string::npos);
  std::string neg = good;
  neg.replace(neg.find("max_block_txs = 50"), 18, "max_block_txs = -1");
  EXPECT_NE(ErrorOf(neg).find("max_block_txs"), std::string::npos);
}

TEST(NodeConfig, SecurityKeysAndTheirDefaults) {
  auto c = ParseNodeConfig(kGood, "/net/node-0");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->admin_socket, "/net/node-0/data/admin.sock");
  EXPECT_FALSE(c->authrpc_listen.has_value());
  EXPECT_EQ(c->rpc_vhosts,
            (std::vector<std::string>{"localhost", "127.0.0.1", "[::1]", "127.0.0.1"}));
  EXPECT_TRUE(c->rpc_cors_origins.empty());
  EXPECT_EQ(c->limits.rpc_max_json_depth, 64);
  EXPECT_EQ(c->limits.rpc_max_connections, 128);
  EXPECT_EQ(c->limits.rpc_max_connections_per_address, 32);
  const std::string good = kGood;
  auto set = ParseNodeConfig(good + R"(
admin_socket = ""
authrpc_listen = "127.0.0.1:8551"
jwt_secret = "jwt.hex"
rpc_vhosts = ["RSU.example"]
rpc_cors_origins = ["http://explorer.example"]
rpc_max_batch = 10
rpc_max_connections_per_address = 128
p2p_handshake_timeout_ms = 500
)",
                             "/net/node-0");
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->admin_socket, "");
  EXPECT_EQ(set->authrpc_listen, (HostPort{"127.0.0.1", 8551}));
  EXPECT_EQ(set->jwt_secret, "/net/node-0/jwt.hex");
  EXPECT_EQ(set->rpc_vhosts, std::vector<std::string>{"rsu.example"});
  EXPECT_EQ(set->limits.rpc_max_batch, 10);
  EXPECT_EQ(set->limits.rpc_max_connections_per_address, 128);  // behind a reverse proxy
  EXPECT_EQ(set->limits.p2p_handshake_timeout_ms, 500);
  EXPECT_NE(ErrorOf(good + "authrpc_listen = \"127.0.0.1:8551\"\n").find("jwt_secret"),
            std::string::npos);
  EXPECT_NE(ErrorOf(good + "rpc_max_batch = 0\n").find("rpc_max_batch"), std::string::npos);
  EXPECT_NE(ErrorOf(good + "rpc_vhosts = \"*\"\n").find("rpc_vhosts"), std::string::npos);
}

TEST(NodeConfig, VehicleApiKeys) {
  auto c = ParseNodeConfig(
      std::string(kGood) + "vehicle_listen = \"0.0.0.0:8646\"\nvehicle_t_limit_s = 3\n", "/x");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->vehicle_listen, (HostPort{"0.0.0.0", 8646}));
  EXPECT_EQ(c->vehicle_t_limit_s, 3);
  EXPECT_NE(ErrorOf(std::string(kGood) + "vehicle_listen = 5\n").find("vehicle_listen"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kGood) + "vehicle_t_limit_s = 4000\n").find("vehicle_t_limit_s"),
            std::string::npos);
}

TEST(NodeConfig, HostPort) {
  EXPECT_FALSE(ParseHostPort("nohost").ok());
  EXPECT_FALSE(ParseHostPort(":1").ok());
  EXPECT_FALSE(ParseHostPort("h:").ok());
  EXPECT_FALSE(ParseHostPort("h:1x").ok());
  EXPECT_EQ(ParseHostPort("h:65535")->port, 65535);
}

}  // namespace
}  // namespace v2v::node
