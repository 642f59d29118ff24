// Three NodeServices in one process, on loopback, sharing one io thread: they connect with TLS,
// seal in Clique turn with period 1 s, and agree on the chain. Real sockets and the real clock
// (a few seconds); the multi-process tests in tests/net/ cover crashes and partitions.
#include "node/service.h"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/ca_store.h"
#include "crypto/certificate.h"

namespace v2v::node {
namespace {

namespace fs = std::filesystem;

int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("v2v_service_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const int64_t now = NowS();
    auto ca = crypto::CaStore::Init((dir_ / "ca").string(), "TestCA", now - 60, 10);
    ASSERT_TRUE(ca.ok()) << ca.status().message();
    genesis_.timestamp_s = now - 30;
    genesis_.ca_key = ca->ca().public_key;
    genesis_.ca_certificate = ca->ca().der;
    genesis_.clique.period_s = 1;
    for (int i = 0; i < 3; ++i) {
      const std::string name = "rsu-" + std::to_string(i);
      auto key = crypto::PrivateKey::Generate();
      ASSERT_TRUE(key.ok());
      auto cert = ca->Issue(name, crypto::Role::kRsu, key->public_key(), now - 60, 5);
      ASSERT_TRUE(cert.ok()) << cert.status().message();
      const fs::path d = dir_ / name;
      fs::create_directories(d);
      std::ofstream(d / "cert.pem") << crypto::CertificateDerToPem(*cert);
      ASSERT_TRUE(crypto::WritePrivateFile((d / "key.pem").string(), *key->ToPem()).ok());
      genesis_.authorities.push_back(key->public_key());
      genesis_.accounts.push_back({chain::Role::kRsu, *cert, 0, 0});
      NodeConfig c;
      c.name = name;
      c.data_dir = (d / "data").string();
      c.genesis = "(in memory)";
      c.ca = (dir_ / "ca" / "ca.pem").string();
      c.cert = (d / "cert.pem").string();
      c.key = (d / "key.pem").string();
      c.p2p_listen = {"127.0.0.1", 0};
      c.rpc_listen = {"127.0.0.1", 0};
      configs_.push_back(c);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts the nodes, node i dialling nodes 0..i-1, and runs the io thread for `seconds`.
  void Run(double seconds) {
    for (size_t i = 0; i < configs_.size(); ++i) {
      for (size_t j = 0; j < i; ++j) configs_[i].peers.push_back({"127.0.0.1", nodes_[j]->p2p_port()});
      auto n = NodeService::Start(io_, configs_[i], genesis_, SystemEnv(), log_);
      ASSERT_TRUE(n.ok()) << n.status().message();
      nodes_.push_back(std::move(n).value());
    }
    boost::asio::steady_timer stop(io_, std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
    stop.async_wait([&](const boost::system::error_code&) {
      for (auto& n : nodes_) peers_at_stop_.push_back(n->Peers().size());
      for (auto& n : nodes_) n->Stop();
      io_.stop();
    });
    io_.run();
  }

  fs::path dir_;
  contract::Genesis genesis_;
  std::vector<NodeConfig> configs_;
  std::ostringstream log_text_;
  Logger log_{"test", LogLevel::kInfo, log_text_, [] { return int64_t{0}; }};
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<NodeService>> nodes_;
  std::vector<size_t> peers_at_stop_;
};

TEST_F(ServiceTest, ThreeNodesSealInTurnAndAgree) {
  Run(4.5);
  uint64_t common = UINT64_MAX;
  for (auto& n : nodes_) common = std::min(common, n->ledger().head().height);
  ASSERT_GE(common, 2u) << log_text_.str();
  std::set<std::string> sealers;
  for (uint64_t h = 1; h <= common; ++h) {
    auto b0 = nodes_[0]->ledger().BlockAt(h);
    ASSERT_TRUE(b0.ok());
    sealers.insert(b0->header.sealer.Hex());
    for (auto& n : nodes_) {
      auto b = n->ledger().BlockAt(h);
      ASSERT_TRUE(b.ok());
      EXPECT_EQ(chain::BlockHash(b->header), chain::BlockHash(b0->header)) << "height " << h;
    }
  }
  EXPECT_GE(sealers.size(), 2u) << "Clique turns: more than one signer seals";
  for (size_t peers : peers_at_stop_) EXPECT_EQ(peers, 2u);
}

TEST_F(ServiceTest, RefusesBadTransactionsAndForeignBlocks) {
  Run(0.3);
  chain::Tx tx;
  tx.sender = "rsu-0";
  tx.nonce = 1;
  tx.body = chain::Refund{};
  auto key = crypto::PrivateKey::Generate();
  chain::SignTx(tx, *key);
  tx.signature.bytes[0] ^= 1;
  auto r = nodes_[0]->SubmitTx(tx);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("signature"), std::string::npos) << r.status().message();
  EXPECT_EQ(nodes_[0]->pending_txs(), 0u);

  // A block sealed by a key that is not a signer.
  auto proposal = nodes_[0]->ledger().Propose({}, nodes_[0]->ledger().head().timestamp_s + 1, *key, std::nullopt);
  if (proposal.ok()) {  // Propose may refuse a non-signer outright; then forge one by hand
    auto b = nodes_[1]->SubmitBlock(proposal->block);
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.status().message().rfind("unauthorized_signer", 0), 0u) << b.status().message();
  }
  chain::Block forged;
  forged.header = nodes_[1]->ledger().head();
  forged.header.parent = nodes_[1]->ledger().head_hash();
  forged.header.height += 1;
  forged.header.timestamp_s += 1;
  forged.header.difficulty = 1;
  forged.header.checkpoint_signers.clear();
  forged.header.tx_root = chain::TxRoot({});
  chain::SealHeader(forged.header, *key);
  const uint64_t before = nodes_[1]->ledger().head().height;
  auto b = nodes_[1]->SubmitBlock(forged);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message().rfind("unauthorized_signer", 0), 0u) << b.status().message();
  EXPECT_EQ(nodes_[1]->ledger().head().height, before);
}

}  // namespace
}  // namespace v2v::node
