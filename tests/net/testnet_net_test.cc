// Multi-process tests: real `v2v node` processes on loopback, made and stopped with
// `v2v testnet` (docs/spec/node.md N6), driven over JSON-RPC (N5). Period 1 s, 4 RSUs.
// Label "net" (ctest -L net); each test makes its own testnet in a temporary directory and
// stops it in TearDown, also when an assertion failed (the logs are then printed and kept).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>

#include "chain/block.h"
#include "consensus/poa/engine.h"
#include "crypto/certificate.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "rpc/http_client.h"
#include "testing/shell.h"
#include "testnet/testnet.h"

namespace v2v {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

class TestnetTest : public ::testing::Test {
 protected:
  void Start(const std::string& extra = "") {
    static int serial = 0;
    dir_ = fs::temp_directory_path() /
           ("v2v_net_" + std::to_string(::getpid()) + "_" + std::to_string(serial++));
    fs::remove_all(dir_);
    fs::create_directories(dir_.parent_path());
    scratch_ = fs::path(dir_.string() + "_cmd");
    fs::create_directories(scratch_);
    const auto r =
        V2V("testnet start --nodes 4 --period 1 --vehicles 2 --dir " + dir_.string() + " " + extra);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    auto t = testnet::Load(dir_.string());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    net_ = std::move(t).value();
    started_ = true;
  }

  void TearDown() override {
    if (!started_) return;
    const auto r = V2V("testnet stop --dir " + dir_.string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (HasFailure()) {
      for (size_t i = 0; i < net_.nodes.size(); ++i) {
        std::fprintf(stderr, "--- %s (last lines):\n%s", net_.LogPath(i).c_str(),
                     testnet::Tail(net_.LogPath(i), 15).c_str());
      }
      std::fprintf(stderr, "kept %s\n", dir_.string().c_str());
    } else {
      fs::remove_all(dir_);
    }
    fs::remove_all(scratch_);
  }

  testing::CommandResult V2V(const std::string& args) {
    return testing::RunCommand(std::string(V2V_CLI) + " " + args, scratch_);
  }

  // The RPC result, or a failed assertion in the caller's test (json null).
  json Rpc(size_t node, const std::string& method, const json& params = json::array()) {
    auto r = rpc::Call(net_.nodes[node].rpc, method, params);
    EXPECT_TRUE(r.ok()) << net_.nodes[node].name << " " << method << ": " << r.status().ToString();
    return r.ok() ? *r : json();
  }
  // An operator method, on the node's admin socket (the public RPC refuses it).
  json Admin(size_t node, const std::string& method, const json& params = json::array()) {
    auto r = rpc::Call(net_.nodes[node].admin, method, params);
    EXPECT_TRUE(r.ok()) << net_.nodes[node].name << " " << method << ": " << r.status().ToString();
    return r.ok() ? *r : json();
  }
  uint64_t Height(size_t node) {
    json h = Rpc(node, "chain_head");
    return h.is_object() ? h["height"].get<uint64_t>() : 0;
  }
  json Block(size_t node, uint64_t height, bool raw = false) {
    return Rpc(node, "chain_getBlockByNumber", {height, raw});
  }

  // Polls `done` every 200 ms until it holds or `timeout` passes.
  static bool WaitFor(const std::function<bool()>& done, Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return done();
  }

  // True iff every node in `which` has block `height` with one and the same hash.
  bool AgreeAt(const std::vector<size_t>& which, uint64_t height) {
    std::set<std::string> hashes;
    for (size_t i : which) {
      auto b = rpc::Call(net_.nodes[i].rpc, "chain_getBlockByNumber", {height, false});
      if (!b.ok()) return false;  // not there yet
      hashes.insert((*b)["hash"].get<std::string>());
    }
    return hashes.size() == 1;
  }
  // Waits until the nodes in `which` all reach `height` and agree on its block.
  bool WaitAgree(const std::vector<size_t>& which, uint64_t height, Clock::duration timeout) {
    return WaitFor([&] { return AgreeAt(which, height); }, timeout);
  }
  uint64_t MinHeight(const std::vector<size_t>& which) {
    uint64_t m = UINT64_MAX;
    for (size_t i : which) m = std::min(m, Height(i));
    return m;
  }

  std::vector<size_t> All() const { return {0, 1, 2, 3}; }

  fs::path dir_, scratch_;
  testnet::Testnet net_;
  bool started_ = false;
};

// Clique with 4 signers: a signer may seal at most one of any 3 consecutive blocks
// (limit = 4/2 + 1), so several sealers take turns; every node ends up with the same chain.
TEST_F(TestnetTest, FourNodesSealInTurnAndAgree) {
  Start();
  ASSERT_TRUE(WaitFor([&] { return MinHeight(All()) >= 8; }, seconds(30)))
      << "heights stay below 8";
  const uint64_t h = MinHeight(All()) - 1;
  ASSERT_TRUE(WaitAgree(All(), h, seconds(10))) << "no agreement at height " << h;
  std::vector<std::string> sealers;
  for (uint64_t k = 1; k <= h; ++k) sealers.push_back(Block(0, k)["sealer"].get<std::string>());
  std::set<std::string> distinct(sealers.begin(), sealers.end());
  EXPECT_GE(distinct.size(), 3u);
  std::set<std::string> keys;
  for (const auto& n : net_.nodes) keys.insert(n.key);
  for (size_t k = 0; k < sealers.size(); ++k) {
    EXPECT_TRUE(keys.count(sealers[k])) << "block " << k + 1 << " sealed by a non-authority";
    if (k >= 2) {
      std::set<std::string> window{sealers[k - 2], sealers[k - 1], sealers[k]};
      EXPECT_EQ(window.size(), 3u) << "a signer sealed twice within 3 blocks at " << k + 1;
    }
  }
  json head0 = Rpc(0, "chain_head");
  EXPECT_EQ(head0["total_difficulty"].is_number() || head0["total_difficulty"].is_string(), true);
}

TEST_F(TestnetTest, KilledNodeLeavesThreeSealingAndCatchesUpAfterRestart) {
  Start();
  ASSERT_TRUE(WaitFor([&] { return MinHeight(All()) >= 3; }, seconds(30)));
  const pid_t victim = net_.nodes[3].pid;
  ASSERT_TRUE(testnet::IsNodeProcess(victim, net_.nodes[3].config));
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  ASSERT_TRUE(
      WaitFor([&] { return !testnet::IsNodeProcess(victim, net_.nodes[3].config); }, seconds(5)));
  const std::vector<size_t> live = {0, 1, 2};
  const uint64_t at_kill = MinHeight(live);
  EXPECT_TRUE(WaitFor([&] { return MinHeight(live) >= at_kill + 5; }, seconds(20)))
      << "the three survivors stopped sealing at " << MinHeight(live);
  EXPECT_TRUE(WaitAgree(live, at_kill + 4, seconds(10)));

  const auto r = V2V("testnet restart --dir " + dir_.string() + " --node 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const uint64_t target = MinHeight(live) + 2;
  EXPECT_TRUE(WaitAgree(All(), target, seconds(30)))
      << "rsu-3 did not catch up to height " << target << " (it is at " << Height(3) << ")";
}

TEST_F(TestnetTest, PartitionStallsOrForksThenHealsToOneChain) {
  Start();
  ASSERT_TRUE(WaitFor([&] { return MinHeight(All()) >= 3; }, seconds(30)));
  const std::vector<size_t> left = {0, 1}, right = {2, 3};
  for (size_t a : left) {
    for (size_t b : right) {
      Admin(a, "admin_removePeer", {net_.nodes[b].name});
      Admin(b, "admin_removePeer", {net_.nodes[a].name});
    }
  }
  const uint64_t split = MinHeight(All());
  // Each half has 2 of 4 signers; one signer may seal one of any 3 consecutive blocks, so a half
  // seals at most 2 blocks past the last block it shares with the other half, then stalls.
  std::this_thread::sleep_for(seconds(6));
  for (size_t i : All()) {
    const json peers = Admin(i, "admin_peers");
    ASSERT_TRUE(peers.is_array());
    EXPECT_EQ(peers.size(), 1u) << net_.nodes[i].name << " peers: " << peers.dump();
  }
  uint64_t stalled[2];
  for (int half = 0; half < 2; ++half) {
    const auto& nodes = half == 0 ? left : right;
    stalled[half] = MinHeight(nodes);
    EXPECT_LE(stalled[half], split + 3) << "a half of 2 signers sealed more than the rules allow";
    std::this_thread::sleep_for(seconds(3));
    EXPECT_EQ(MinHeight(nodes), stalled[half]) << "half " << half << " did not stall";
    EXPECT_TRUE(AgreeAt(nodes, stalled[half]));
  }
  // Heal: both sides dial each other again.
  for (size_t a : left) {
    for (size_t b : right) {
      Admin(a, "admin_addPeer", {net_.nodes[b].p2p});
      Admin(b, "admin_addPeer", {net_.nodes[a].p2p});
    }
  }
  const uint64_t target = std::max(stalled[0], stalled[1]) + 3;
  ASSERT_TRUE(WaitAgree(All(), target, seconds(30)))
      << "no convergence at height " << target << " (heights " << Height(0) << " " << Height(1)
      << " " << Height(2) << " " << Height(3) << ")";
  std::set<std::string> roots;
  for (size_t i : All()) roots.insert(Block(i, target)["state_root"].get<std::string>());
  EXPECT_EQ(roots.size(), 1u);
  // And the heads themselves, once all four report the same head.
  EXPECT_TRUE(WaitFor(
      [&] {
        std::set<std::string> heads, states;
        for (size_t i : All()) {
          json h = Rpc(i, "chain_head");
          if (!h.is_object()) return false;
          heads.insert(h["hash"].get<std::string>());
          states.insert(h["state_root"].get<std::string>());
        }
        return heads.size() == 1 && states.size() == 1;
      },
      seconds(10)));
}

TEST_F(TestnetTest, RsuVotedInAndAnotherVotedOut) {
  Start("--spare 1");
  ASSERT_EQ(net_.spare.size(), 1u);
  const std::string newcomer = net_.spare[0].key, leaver = net_.nodes[3].key;
  auto signers_everywhere = [&](const std::string& key, bool present) {
    for (size_t i : All()) {
      auto s = rpc::Call(net_.nodes[i].rpc, "clique_getSigners");
      if (!s.ok()) return false;
      bool has = false;
      for (const auto& k : *s) has = has || k.get<std::string>() == key;
      if (has != present) return false;
    }
    return true;
  };
  ASSERT_TRUE(signers_everywhere(newcomer, false));
  // Issue 10: a stranger on the public RPC port may not vote.
  auto stranger = rpc::Call(net_.nodes[0].rpc, "clique_propose", {newcomer, true});
  ASSERT_FALSE(stranger.ok());
  EXPECT_NE(stranger.status().message().find("operator method"), std::string::npos)
      << stranger.status().ToString();
  EXPECT_EQ(Rpc(0, "clique_proposals").size(), 0u);
  // A majority (3 of 4) proposes; their blocks carry the votes.
  for (size_t i : {0, 1, 2}) EXPECT_EQ(Admin(i, "clique_propose", {newcomer, true}), json(true));
  EXPECT_EQ(Rpc(0, "clique_proposals")[newcomer], json(true));
  EXPECT_TRUE(WaitFor([&] { return signers_everywhere(newcomer, true); }, seconds(40)))
      << "the spare RSU was not voted in";
  for (size_t i : {0, 1, 2}) Admin(i, "clique_discard", {newcomer});
  EXPECT_EQ(Rpc(0, "clique_getSigners").size(), 5u);
  // 5 signers (4 online): 3 votes are a majority.
  for (size_t i : {0, 1, 2}) EXPECT_EQ(Admin(i, "clique_propose", {leaver, false}), json(true));
  EXPECT_TRUE(WaitFor([&] { return signers_everywhere(leaver, false); }, seconds(40)))
      << "rsu-3 was not voted out";
  EXPECT_EQ(Rpc(3, "clique_getSigners").size(), 4u);
  // The chain goes on with {rsu-0, rsu-1, rsu-2, newcomer (offline)}: 3 online of 4, limit 3.
  const uint64_t h = MinHeight(All());
  EXPECT_TRUE(WaitAgree(All(), h + 3, seconds(20)));
}

// A child of the current head sealed by a key that is not a signer, and one sealed by the signer
// of the head itself (it signed within the last 3 blocks): every node refuses both with the typed
// reason (-32000 with data.reason, docs/spec/node.md N5), and neither becomes anyone's block.
TEST_F(TestnetTest, BlocksFromANonSignerOrARecentSignerAreRefusedByEveryNode) {
  Start();
  ASSERT_TRUE(WaitFor([&] { return MinHeight(All()) >= 3; }, seconds(30)));
  const json head = Rpc(0, "chain_head");
  const uint64_t h = head["height"].get<uint64_t>();
  const json b = Block(0, h, true);
  auto raw = FromHex(b["raw"].get<std::string>());
  ASSERT_TRUE(raw.has_value());
  auto parent = chain::DecodeBlock(*raw);
  ASSERT_TRUE(parent.ok()) << parent.status().ToString();
  std::vector<std::string> signers;
  for (const auto& k : Rpc(0, "clique_getSigners")) signers.push_back(k.get<std::string>());
  ASSERT_EQ(signers.size(), 4u);

  auto child_of = [&](const crypto::PrivateKey& key) {
    chain::Block child;
    chain::BlockHeader& c = child.header;
    c.height = h + 1;
    c.parent = chain::BlockHash(parent->header);
    const int64_t now =
        std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    c.timestamp_s =
        std::max<int64_t>(parent->header.timestamp_s + static_cast<int64_t>(net_.period_s), now);
    c.tx_root = chain::TxRoot(child.txs);
    c.state_root = parent->header.state_root;
    const std::string in_turn = signers[(h + 1) % signers.size()];
    c.difficulty = key.public_key().Hex() == in_turn ? 2 : 1;
    consensus::poa::Engine::Seal(c, key);
    return child;
  };
  auto refused_everywhere = [&](const chain::Block& block, const std::string& reason) {
    const std::string hex = ToHex(chain::EncodeBlock(block));
    for (size_t i : All()) {
      auto r = rpc::HttpClient::Connect(net_.nodes[i].admin);
      ASSERT_TRUE(r.ok());
      auto res = r->Call("chain_submitBlock", {hex});
      ASSERT_TRUE(res.ok()) << res.status().ToString();
      ASSERT_TRUE(std::holds_alternative<rpc::RpcError>(*res))
          << net_.nodes[i].name << " accepted: " << std::get<json>(*res).dump();
      const auto& e = std::get<rpc::RpcError>(*res);
      EXPECT_EQ(e.code, rpc::kRejected);
      EXPECT_EQ(e.data, json({{"reason", reason}})) << net_.nodes[i].name << ": " << e.message;
    }
  };

  auto outsider = crypto::PrivateKey::Generate();
  ASSERT_TRUE(outsider.ok());
  const chain::Block foreign = child_of(*outsider);
  refused_everywhere(foreign, "unauthorized_signer");

  const std::string head_sealer = parent->header.sealer.Hex();
  size_t who = 4;
  for (size_t i : All()) who = net_.nodes[i].key == head_sealer ? i : who;
  ASSERT_LT(who, 4u) << "the head's sealer is not a node key";
  auto key = testnet::ReadKey(net_.NodeDir(who) + "/key.pem");
  ASSERT_TRUE(key.ok());
  const chain::Block too_soon = child_of(*key);
  refused_everywhere(too_soon, "recently_signed");

  // Neither became block h + 1 anywhere.
  ASSERT_TRUE(WaitFor([&] { return MinHeight(All()) >= h + 1; }, seconds(10)));
  for (size_t i : All()) {
    const std::string at = Block(i, h + 1)["hash"].get<std::string>();
    EXPECT_NE(at, chain::BlockHash(foreign.header).Hex());
    EXPECT_NE(at, chain::BlockHash(too_soon.header).Hex());
  }
}

// `v2v ca revoke --rpc`: the CA revokes a vehicle's certificate in its store and on the ledger
// (a Revoke signed by the CA key, submitted to one node); every node then holds the revocation,
// and a second revocation of the same certificate is recognised and not submitted again.
TEST_F(TestnetTest, CaRevocationReachesEveryNodesLedger) {
  Start();
  const std::string cert = (dir_ / "vehicles" / "car-0" / "cert.pem").string();
  const auto pem = testing::Slurp(cert);
  auto der = crypto::CertificatePemToDer(pem);
  ASSERT_TRUE(der.ok());
  const std::string hash = crypto::Sha256(*der).Hex();
  for (size_t i : All()) EXPECT_FALSE(Rpc(i, "state_isRevoked", {hash})["revoked"].get<bool>());

  auto r = V2V("ca revoke --ca " + (dir_ / "ca").string() + " --cert " + cert + " --rpc " +
               net_.nodes[1].rpc);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("submitted on-chain Revoke"), std::string::npos) << r.out;
  EXPECT_TRUE(WaitFor(
      [&] {
        for (size_t i : All()) {
          auto v = rpc::Call(net_.nodes[i].rpc, "state_isRevoked", {hash});
          if (!v.ok() || !(*v)["revoked"].get<bool>()) return false;
        }
        return true;
      },
      seconds(20)));

  r = V2V("ca revoke --ca " + (dir_ / "ca").string() + " --cert " + cert + " --rpc " +
          net_.nodes[2].rpc);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("already revoked on the ledger"), std::string::npos) << r.out;
}

// A certificate rotation (contract C-3.6): `v2v ca renew` issues car-0 a certificate for its own
// key, `v2v ca recertify --rpc` gives it to the ledger account, and every node then holds it; the
// CA's next transaction (the old certificate's revocation) is taken, not nonce_taken, since the
// node forgets the CA's Recertify once a block holds it. Then an RSU identity issued after the
// genesis opens its ledger account with `v2v ca register`.
TEST_F(TestnetTest, CaRotationAndRegistrationReachEveryNodesLedger) {
  Start();
  const std::string ca = (dir_ / "ca").string();
  const std::string old_cert = (dir_ / "vehicles" / "car-0" / "cert.pem").string();
  const auto renewed = dir_ / "renewed-car-0";
  auto r = V2V("ca renew --ca " + ca + " --cert " + old_cert + " --out " + renewed.string());
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto der = crypto::CertificatePemToDer(testing::Slurp((renewed / "cert.pem").string()));
  ASSERT_TRUE(der.ok());
  const std::string hash = crypto::Sha256(*der).Hex();
  const std::string old_hash = Rpc(0, "state_getAccount", {"car-0"})["certificate_hash"];
  ASSERT_NE(old_hash, hash);

  r = V2V("ca recertify --ca " + ca + " --cert " + (renewed / "cert.pem").string() + " --rpc " +
          net_.nodes[1].rpc);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("submitted Recertify"), std::string::npos) << r.out;
  const auto everywhere = [&](const std::string& method, const std::string& param, auto holds) {
    return WaitFor(
        [&] {
          for (size_t i : All()) {
            auto v = rpc::Call(net_.nodes[i].rpc, method, {param});
            if (!v.ok() || !holds(*v)) return false;
          }
          return true;
        },
        seconds(20));
  };
  EXPECT_TRUE(everywhere("state_getAccount", "car-0",
                         [&](const nlohmann::json& a) { return a["certificate_hash"] == hash; }));
  r = V2V("ca recertify --ca " + ca + " --cert " + (renewed / "cert.pem").string() + " --rpc " +
          net_.nodes[2].rpc);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("already holds"), std::string::npos) << r.out;

  r = V2V("ca revoke --ca " + ca + " --cert " + old_cert + " --rpc " + net_.nodes[1].rpc);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_TRUE(everywhere("state_isRevoked", old_hash,
                         [](const nlohmann::json& v) { return v["revoked"].get<bool>(); }));
  EXPECT_EQ(Rpc(3, "state_getAccount", {"car-0"})["certificate_hash"], hash);
  // A certificate this CA did not issue is refused before anything is sent.
  r = V2V("ca renew --ca " + ca + " --cert " + (dir_ / "genesis.json").string() + " --out " +
          (dir_ / "renewed-bad").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;

  // An RSU added after the genesis opens its account with `v2v ca register` (C-3.3).
  const auto rsu9 = dir_ / "rsu-9";
  r = V2V("ca issue --ca " + ca + " --subject rsu-9 --role rsu --out " + rsu9.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string cert9 = (rsu9 / "cert.pem").string(), key9 = (rsu9 / "key.pem").string();
  r = V2V("ca register --cert " + cert9 + " --key " +
          (dir_ / "vehicles" / "car-1" / "key.pem").string() + " --rpc " + net_.nodes[0].rpc);
  EXPECT_EQ(r.exit_code, 2) << r.out;  // another holder's key
  r = V2V("ca register --cert " + cert9 + " --key " + key9 + " --rpc " + net_.nodes[0].rpc);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_TRUE(everywhere("state_getAccount", "rsu-9",
                         [](const nlohmann::json& a) { return a["role"] == "rsu"; }));
  r = V2V("ca register --cert " + cert9 + " --key " + key9 + " --rpc " + net_.nodes[3].rpc);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("already registered"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace v2v
