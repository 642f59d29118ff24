// Three NodeServices in one process, on loopback, sharing one io thread: they connect with TLS,
// seal in Clique turn with period 1 s, and agree on the chain. Real sockets and the real clock
// (a few seconds); the multi-process tests in tests/net/ cover crashes and partitions.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "crypto/ca_store.h"
#include "crypto/certificate.h"
#include "node/host.h"

namespace v2v::node {
namespace {

namespace fs = std::filesystem;

int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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
    {  // an RSU certificate from the same CA whose key is no signer: the misbehaving peer below
      auto key = crypto::PrivateKey::Generate();
      ASSERT_TRUE(key.ok());
      auto cert = ca->Issue("rsu-9", crypto::Role::kRsu, key->public_key(), now - 60, 5);
      ASSERT_TRUE(cert.ok());
      fs::create_directories(dir_ / "rsu-9");
      std::ofstream(dir_ / "rsu-9" / "cert.pem") << crypto::CertificateDerToPem(*cert);
      ASSERT_TRUE(
          crypto::WritePrivateFile((dir_ / "rsu-9" / "key.pem").string(), *key->ToPem()).ok());
    }
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
      genesis_.accounts.push_back({crypto::Role::kRsu, *cert, 0, 0});
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

  // Starts the nodes, node i dialling nodes 0..i-1, and runs the io thread until `done()` holds
  // (checked every 100 ms) or `seconds` pass.
  void Run(
      double seconds, std::function<bool()> done = [] { return false; },
      std::function<void()> started = [] {}) {
    for (size_t i = 0; i < configs_.size(); ++i) {
      for (size_t j = 0; j < i; ++j)
        configs_[i].peers.push_back({"127.0.0.1", nodes_[j]->p2p_port()});
      auto n = NodeHost::Start(io_, configs_[i], genesis_, *clock_, *random_, log_);
      ASSERT_TRUE(n.ok()) << n.status().message();
      nodes_.push_back(std::move(n).value());
    }
    started();
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
    boost::asio::steady_timer poll(io_);
    std::function<void()> check = [&] {
      if (done() || std::chrono::steady_clock::now() >= deadline) {
        for (auto& n : nodes_) peers_at_stop_.push_back(n->service().Peers().size());
        for (auto& n : nodes_) n->Stop();
        io_.stop();
        return;
      }
      poll.expires_after(std::chrono::milliseconds(100));
      poll.async_wait([&](const boost::system::error_code&) { check(); });
    };
    check();
    io_.run();
  }

  fs::path dir_;
  contract::Genesis genesis_;
  std::vector<NodeConfig> configs_;
  std::ostringstream log_text_;
  base::FakeClock log_clock_{0};  // the log lines' stamps
  Logger log_{"test", LogLevel::kInfo, log_text_, log_clock_};
  std::unique_ptr<Clock> clock_ = NewSystemClock();
  std::unique_ptr<Random> random_ = NewSystemRandom();
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<NodeHost>> nodes_;
  std::vector<size_t> peers_at_stop_;
};

uint64_t CommonHeight(const std::vector<std::unique_ptr<NodeHost>>& nodes) {
  uint64_t common = UINT64_MAX;
  for (auto& n : nodes) common = std::min(common, n->service().ledger().head().height);
  return common;
}

TEST_F(ServiceTest, ThreeNodesSealInTurnAndAgree) {
  // Done once every node is past height 4 with all heads equal and every node sees two peers.
  Run(30, [&] {
    if (nodes_.size() < 3 || CommonHeight(nodes_) < 4) return false;
    for (auto& n : nodes_) {
      if (n->service().ledger().head_hash() != nodes_[0]->service().ledger().head_hash() ||
          n->service().Peers().size() != 2)
        return false;
    }
    return true;
  });
  const uint64_t common = CommonHeight(nodes_);
  ASSERT_GE(common, 4u) << log_text_.str();
  std::set<std::string> sealers;
  for (uint64_t h = 1; h <= common; ++h) {
    auto b0 = nodes_[0]->service().ledger().BlockAt(h);
    ASSERT_TRUE(b0.ok());
    sealers.insert(b0->header.sealer.Hex());
    for (auto& n : nodes_) {
      auto b = n->service().ledger().BlockAt(h);
      ASSERT_TRUE(b.ok());
      EXPECT_EQ(chain::BlockHash(b->header), chain::BlockHash(b0->header)) << "height " << h;
    }
  }
  EXPECT_GE(sealers.size(), 2u) << "Clique turns: more than one signer seals";
  for (size_t peers : peers_at_stop_) EXPECT_EQ(peers, 2u);
}

// A peer with a valid RSU certificate sends undecodable messages: it is penalised and banned by
// name (it cannot come back), and the nodes go on sealing and agreeing.
TEST_F(ServiceTest, MisbehavingPeerIsPenalisedAndBannedWhileTheNodesGoOn) {
  std::unique_ptr<net::TlsTransport> rogue;
  int connects = 0, disconnects = 0;
  auto started = [&] {
    net::TransportCallbacks cb;
    cb.on_connect = [&](net::PeerId id, const std::string&, const Bytes&) {
      ++connects;
      rogue->Send(id, net::Frame{net::MessageType::kHello, Bytes{1, 2, 3}});  // not a hello
      rogue->Send(id, net::Frame{net::MessageType::kBlock, Bytes(100, 0xee)});
    };
    cb.on_disconnect = [&](net::PeerId, const Status&) {
      if (++disconnects == 1) rogue->Connect("127.0.0.1", nodes_[0]->p2p_port());  // try again once
    };
    const std::string d = (dir_ / "rsu-9").string();
    auto t = net::TlsTransport::Create(
        io_, {configs_[0].ca, d + "/cert.pem", d + "/key.pem"},
        [](const Bytes&) { return Status::Ok(); }, cb);
    ASSERT_TRUE(t.ok()) << t.status().message();
    rogue = std::move(t).value();
    rogue->Connect("127.0.0.1", nodes_[0]->p2p_port());
  };
  Run(
      30,
      [&] {
        return disconnects >= 2 && CommonHeight(nodes_) >= 3 &&
               nodes_[1]->service().ledger().head_hash() ==
                   nodes_[0]->service().ledger().head_hash();
      },
      started);
  rogue->Close();
  EXPECT_GE(nodes_[0]->service().metrics().peers_penalised, 2u);
  const std::string log = log_text_.str();
  EXPECT_NE(log.find("\"event\":\"peer_banned\""), std::string::npos);
  EXPECT_NE(log.find("\"reason\":\"removed or banned\""), std::string::npos)
      << "the second connection is refused";
  EXPECT_EQ(disconnects, 2);
  EXPECT_GE(CommonHeight(nodes_), 3u) << log;
}

TEST_F(ServiceTest, RefusesBadTransactionsAndForeignBlocks) {
  Run(0.3);
  chain::Tx tx;
  tx.network = nodes_[0]->service().ledger().contract().params().network;
  tx.sender = "rsu-0";
  tx.nonce = 1;
  tx.body = chain::Refund{};
  auto key = crypto::PrivateKey::Generate();
  chain::SignTx(tx, *key);
  tx.signature.bytes[0] ^= 1;
  auto r = nodes_[0]->service().SubmitTx(tx);
  EXPECT_EQ(chain::RejectionCode(r), chain::Reject::kBadSignature) << r.ToStatus().ToString();
  EXPECT_EQ(nodes_[0]->service().pending_txs(), 0u);

  // A block sealed by a key that is not a signer.
  auto sealed = nodes_[0]->service().ledger().SealBlock(
      {}, nodes_[0]->service().ledger().head().timestamp_s + 1, *key, std::nullopt);
  if (sealed.ok()) {  // SealBlock may refuse a non-signer outright; then forge one by hand
    auto b = nodes_[1]->service().SubmitBlock(sealed->block);
    EXPECT_EQ(chain::RejectionCode(b), chain::Reject::kUnauthorizedSigner)
        << b.ToStatus().ToString();
  }
  chain::Block forged;
  forged.header = nodes_[1]->service().ledger().head();
  forged.header.parent = nodes_[1]->service().ledger().head_hash();
  forged.header.height += 1;
  forged.header.timestamp_s += 1;
  forged.header.difficulty = 1;
  forged.header.checkpoint_signers.clear();
  forged.header.tx_root = chain::TxRoot({});
  consensus::poa::Engine::Seal(forged.header, *key);
  const uint64_t before = nodes_[1]->service().ledger().head().height;
  auto b = nodes_[1]->service().SubmitBlock(forged);
  EXPECT_EQ(chain::RejectionCode(b), chain::Reject::kUnauthorizedSigner) << b.ToStatus().ToString();
  EXPECT_EQ(nodes_[1]->service().ledger().head().height, before);
}

}  // namespace
}  // namespace v2v::node
