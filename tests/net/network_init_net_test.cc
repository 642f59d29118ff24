// `v2v network init` for real (docs/network.md, "From hosts to a network"): a hosts file of three
// RSUs, all on 127.0.0.1 with free ports; each RSU's directory is copied into one temp root as
// onto its machine, its config changed in nothing but the absolute paths (/etc/v2v and
// /var/lib/v2v moved into that root), and `v2v node --config` started for each, as the packaged
// unit starts it. Passes when all three report the same head, at height 2 or more, within 30 s
// and their signers are the three keys init printed. Label "net"; the nodes are stopped in
// TearDown (SIGTERM, then SIGKILL), also when an assertion failed (their logs are printed then).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "rpc/http_client.h"
#include "testing/shell.h"
#include "testnet/testnet.h"

namespace v2v {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

class NetworkInitNet : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("v2v_netinit_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (fs::exists(net_.dir + "/testnet.json")) {
      EXPECT_TRUE(testnet::Stop(net_.dir).ok());
    }
    if (HasFailure()) {
      for (size_t i = 0; i < net_.nodes.size(); ++i) {
        std::fprintf(stderr, "--- %s (last lines):\n%s", net_.LogPath(i).c_str(),
                     testnet::Tail(net_.LogPath(i), 15).c_str());
      }
    }
    fs::remove_all(dir_);
  }

  // The hosts file: rsu-<i> on 127.0.0.1 with three free ports each, blocks every second.
  std::string HostsFile(const std::vector<uint16_t>& ports) const {
    std::ostringstream h;
    h << "[network]\nname = \"loopback\"\nperiod_s = 1\ngenesis_delay_s = 3\n";
    for (size_t i = 0; i < 3; ++i) {
      h << "[[rsu]]\nname = \"rsu-" << i
        << "\"\naddress = \"127.0.0.1\"\np2p_port = " << ports[3 * i]
        << "\nrpc_port = " << ports[3 * i + 1] << "\nvehicle_port = " << ports[3 * i + 2] << "\n";
    }
    return h.str();
  }

  // Copies OUT/<name>/etc into the root, moves the config's absolute paths into the root, makes
  // the unit's StateDirectory; returns the node as testnet::Launch and Stop know one.
  testnet::NodeInfo Install(const std::string& name, uint16_t p2p, uint16_t rpc) {
    const fs::path root = dir_ / "root";
    fs::create_directories(root / "var/lib/v2v" / name);
    fs::permissions(root / "var/lib/v2v" / name, fs::perms::owner_all);
    fs::copy(dir_ / "out" / name / "etc", root / "etc",
             fs::copy_options::recursive | fs::copy_options::skip_existing);
    const fs::path config = root / "etc/v2v" / (name + ".toml");
    std::string text = v2v::testing::Slurp(config);
    text = ReplaceAll(text, "'/etc/v2v/", "'" + (root / "etc/v2v").string() + "/");
    text = ReplaceAll(text, "'/var/lib/v2v/", "'" + (root / "var/lib/v2v").string() + "/");
    std::ofstream(config) << text;
    testnet::NodeInfo n;
    n.name = name;
    n.rpc = "http://127.0.0.1:" + std::to_string(rpc);
    n.p2p = "127.0.0.1:" + std::to_string(p2p);
    n.config = config.string();
    n.admin = "unix:" + (root / "var/lib/v2v" / name / "data/admin.sock").string();
    return n;
  }

  fs::path dir_;
  testnet::Testnet net_;  // the started nodes, for Launch / Stop (DIR/run)
};

TEST_F(NetworkInitNet, ThreeRsusFromAHostsFileSealTheSameChain) {
  auto ports = testnet::FreePorts(9);
  ASSERT_TRUE(ports.ok()) << ports.status().ToString();
  std::ofstream(dir_ / "hosts.toml") << HostsFile(*ports);
  const auto init = v2v::testing::RunCommand(
      std::string(V2V_CLI) + " network init --hosts hosts.toml --out out", dir_);
  ASSERT_EQ(init.exit_code, 0) << init.err;

  net_.dir = (dir_ / "run").string();
  std::set<std::string> keys;
  for (size_t i = 0; i < 3; ++i) {
    const std::string name = "rsu-" + std::to_string(i);
    const std::string line = init.out.substr(init.out.find(name + "\tkey "));
    keys.insert(line.substr(name.size() + 5, 64));
    fs::create_directories(net_.NodeDir(i));  // its node.log
    net_.nodes.push_back(Install(name, (*ports)[3 * i], (*ports)[3 * i + 1]));
  }
  // Starts the three, waits for their RPC and admin socket; on failure stops them.
  const Status launched = testnet::Launch(net_, V2V_CLI, std::chrono::seconds(30));
  ASSERT_TRUE(launched.ok()) << launched.ToString();

  // All three at one head of height >= 2 (sampled within a few ms; blocks come every second).
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  std::vector<json> heads(3);
  bool same = false;
  while (!same && Clock::now() < deadline) {
    for (size_t i = 0; i < 3; ++i) {
      auto h = rpc::Call(net_.nodes[i].rpc, "chain_head", json::array(), std::chrono::seconds(2));
      heads[i] = h.ok() ? *h : json();
    }
    same = heads[0].is_object() && heads[0]["height"].get<uint64_t>() >= 2 &&
           heads[1] == heads[0] && heads[2] == heads[0];
    if (!same) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(same) << "heads: " << heads[0] << " " << heads[1] << " " << heads[2];
  for (size_t i = 0; i < 3; ++i) {
    auto signers = rpc::Call(net_.nodes[i].rpc, "clique_getSigners", json::array());
    ASSERT_TRUE(signers.ok()) << signers.status().ToString();
    EXPECT_EQ(signers->get<std::set<std::string>>(), keys) << net_.nodes[i].name;
  }
  std::printf("three RSUs from network init at height %llu, head %s\n",
              static_cast<unsigned long long>(heads[0]["height"].get<uint64_t>()),
              heads[0]["hash"].get<std::string>().c_str());
}

}  // namespace
}  // namespace v2v
