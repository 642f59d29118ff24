// One real node (ledger, TLS peer port) with its three RPC listeners: the public namespace refuses
// operator methods; the owner-only Unix socket and the JWT listener serve them (issue 10
// finding 2); admin_nodeInfo says what docs/spec/node.md N5 says.
#include "rpc/node_rpc.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "crypto/ca_store.h"
#include "crypto/certificate.h"
#include "node/host.h"
#include "node/ports.h"
#include "rpc/http_client.h"
#include "rpc/jwt_auth.h"

namespace v2v::rpc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* kSecretHex = "6a7774206f6620746865206f70657261746f72206368616e6e656c2121212121";

int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class NodeRpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("v2v_noderpc_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const int64_t now = NowS();
    auto ca = crypto::CaStore::Init((dir_ / "ca").string(), "TestCA", now - 60, 10);
    ASSERT_TRUE(ca.ok()) << ca.status().message();
    auto key = crypto::PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    auto cert = ca->Issue("rsu-0", crypto::Role::kRsu, key->public_key(), now - 60, 5);
    ASSERT_TRUE(cert.ok());
    std::ofstream(dir_ / "cert.pem") << crypto::CertificateDerToPem(*cert);
    ASSERT_TRUE(crypto::WritePrivateFile((dir_ / "key.pem").string(), *key->ToPem()).ok());
    ASSERT_TRUE(crypto::WritePrivateFile((dir_ / "jwt.hex").string(), kSecretHex).ok());
    contract::Genesis g;
    g.timestamp_s = now - 30;
    g.ca_key = ca->ca().public_key;
    g.ca_certificate = ca->ca().der;
    g.clique.period_s = 1;
    g.authorities.push_back(key->public_key());
    g.accounts.push_back({crypto::Role::kRsu, *cert, 0, 0});
    node::NodeConfig c;
    c.name = "rsu-0";
    c.data_dir = (dir_ / "data").string();
    c.genesis = "(in memory)";
    c.ca = (dir_ / "ca" / "ca.pem").string();
    c.cert = (dir_ / "cert.pem").string();
    c.key = (dir_ / "key.pem").string();
    c.p2p_listen = {"127.0.0.1", 0};
    c.rpc_listen = {"127.0.0.1", 0};
    c.seal = false;
    c.admin_socket = (dir_ / "admin.sock").string();
    c.authrpc_listen = node::HostPort{"127.0.0.1", 0};
    c.jwt_secret = (dir_ / "jwt.hex").string();
    c.rpc_vhosts = {"localhost", "127.0.0.1"};
    auto n = node::NodeHost::Start(io_, c, g, *clock_, *random_, log_);
    ASSERT_TRUE(n.ok()) << n.status().message();
    node_ = std::move(n).value();
    auto r = NodeRpc::Start(io_, node_->service());
    ASSERT_TRUE(r.ok()) << r.status().message();
    rpc_ = std::move(r).value();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (thread_.joinable()) {
      boost::asio::post(io_, [this] {
        rpc_->Close();
        node_->Stop();
      });
      io_.stop();
      thread_.join();
    }
    rpc_.reset();
    node_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::ostringstream log_text_;
  base::FakeClock log_clock_{0};  // the log lines' stamps
  node::Logger log_{"rsu-0", node::LogLevel::kInfo, log_text_, log_clock_};
  boost::asio::io_context io_;
  std::unique_ptr<node::Clock> clock_ = node::NewSystemClock();
  std::unique_ptr<node::Random> random_ = node::NewSystemRandom();
  std::unique_ptr<node::NodeHost> node_;
  std::unique_ptr<NodeRpc> rpc_;
  std::thread thread_;
};

TEST_F(NodeRpcTest, PublicEndpointRefusesOperatorMethods) {
  const std::string url = rpc_->endpoints().rpc;
  ASSERT_TRUE(Call(url, "chain_head").ok());
  ASSERT_TRUE(Call(url, "clique_getSigners").ok());
  ASSERT_TRUE(Call(url, "clique_proposals").ok());
  auto client = HttpClient::Connect(url);
  ASSERT_TRUE(client.ok());
  for (const std::string& method : OperatorMethods()) {
    auto r = client->Call(method, json::array({std::string(64, 'a'), true}));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(std::holds_alternative<RpcError>(*r)) << method;
    const RpcError& e = std::get<RpcError>(*r);
    EXPECT_EQ(e.code, kMethodNotFound);
    EXPECT_NE(e.message.find("operator method"), std::string::npos) << e.message;
  }
  EXPECT_TRUE(node_->service().proposals().pending().empty());
  EXPECT_EQ(node_->service().refusals().Count("rpc", "operator_method"), OperatorMethods().size());
  auto metrics = client->Get("/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->find("v2v_refusals_total{surface=\"rpc\",reason=\"operator_method\"} 7"),
            std::string::npos);
  EXPECT_NE(log_text_.str().find("\"event\":\"refused\""), std::string::npos);
}

TEST_F(NodeRpcTest, OwnerOnlyUnixSocketServesOperatorMethods) {
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "admin.sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string admin = rpc_->endpoints().admin;
  EXPECT_EQ(admin, "unix:" + (dir_ / "admin.sock").string());
  const std::string key(64, 'b');
  auto r = Call(admin, "clique_propose", json::array({key, true}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Call(admin, "clique_proposals")->at(key), true);
  auto info = Call(admin, "admin_nodeInfo");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ((*info)["name"], "rsu-0");
  EXPECT_EQ((*info)["key"], node_->service().key().Hex());
  EXPECT_EQ((*info)["p2p"], "127.0.0.1:" + std::to_string(node_->service().p2p_port()));
  EXPECT_EQ((*info)["rpc"], rpc_->endpoints().rpc);
  EXPECT_EQ((*info)["admin"], admin);
  EXPECT_EQ((*info)["authrpc"], rpc_->endpoints().authrpc);
}

TEST_F(NodeRpcTest, AuthRpcNeedsAFreshHs256Token) {
  const std::string url = rpc_->endpoints().authrpc;
  auto anonymous = Call(url, "admin_peers");
  ASSERT_FALSE(anonymous.ok());
  EXPECT_NE(anonymous.status().message().find("HTTP 401"), std::string::npos)
      << anonymous.status().ToString();
  ClientOptions wrong;
  wrong.jwt_secret = Bytes(32, 1);
  auto bad = HttpClient::Connect(url, wrong);
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->CallOk("admin_peers").ok());
  ClientOptions good;
  good.jwt_secret = *ParseJwtSecret(kSecretHex);
  auto client = HttpClient::Connect(url, good);
  ASSERT_TRUE(client.ok());
  auto peers = client->CallOk("admin_peers");
  ASSERT_TRUE(peers.ok()) << peers.status().ToString();
  EXPECT_TRUE(peers->is_array());
  EXPECT_EQ(node_->service().refusals().Count("authrpc", "unauthorized"), 2u);
}

}  // namespace
}  // namespace v2v::rpc
