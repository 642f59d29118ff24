// Multi-process test of the outside surfaces' limits (docs/spec/node.md N7, issue 10 finding 3):
// a 4-node testnet keeps sealing and answering while a stranger holds hundreds of idle and
// half-sent connections on one node's RPC and peer ports; the node refuses what is over the caps
// (on the RPC port the stranger's address quota comes first), logs it and counts it in /metrics.
// Label "net".
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "rpc/http_client.h"
#include "testing/shell.h"
#include "testnet/testnet.h"

namespace v2v {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using tcp = asio::ip::tcp;

uint16_t PortOf(const std::string& host_port) {
  return static_cast<uint16_t>(std::stoi(host_port.substr(host_port.rfind(':') + 1)));
}

class LimitsNetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("v2v_limits_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    scratch_ = fs::path(dir_.string() + "_cmd");
    fs::create_directories(scratch_);
    const auto r = V2V("testnet start --nodes 4 --period 1 --vehicles 2 --dir " + dir_.string());
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    auto t = testnet::Load(dir_.string());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    net_ = std::move(t).value();
    started_ = true;
  }
  void TearDown() override {
    if (started_) {
      EXPECT_EQ(V2V("testnet stop --dir " + dir_.string()).exit_code, 0);
    }
    if (HasFailure() && started_) {
      std::fprintf(stderr, "--- node-0 log:\n%s", testnet::Tail(net_.LogPath(0), 20).c_str());
    } else {
      fs::remove_all(dir_);
    }
    fs::remove_all(scratch_);
  }
  testing::CommandResult V2V(const std::string& args) {
    return testing::RunCommand(std::string(V2V_CLI) + " " + args, scratch_);
  }
  // Height of node i, asked on its operator socket (which has its own connection budget).
  uint64_t Height(size_t i) {
    auto h = rpc::Call(net_.nodes[i].admin, "chain_head");
    return h.ok() ? (*h)["height"].get<uint64_t>() : 0;
  }
  bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return done();
  }

  fs::path dir_, scratch_;
  testnet::Testnet net_;
  bool started_ = false;
};

TEST_F(LimitsNetTest, IdleConnectionFloodDoesNotStopTheNetwork) {
  const auto& victim = net_.nodes[0];
  const uint16_t rpc_port = PortOf(victim.rpc);  // stoi stops at a trailing '/'
  const uint16_t p2p_port = PortOf(victim.p2p);
  ASSERT_TRUE(WaitFor([&] { return Height(0) >= 2; }, std::chrono::seconds(30)));

  asio::io_context io;
  std::vector<tcp::socket> held;
  const auto loopback = asio::ip::make_address("127.0.0.1");
  // Over rpc_max_connections_per_address (32; rpc_max_connections is 128) and p2p_max_inbound (64).
  for (int i = 0; i < 300; ++i) {
    for (uint16_t port : {rpc_port, p2p_port}) {
      tcp::socket s(io);
      boost::system::error_code ec;
      s.connect({loopback, port}, ec);
      if (ec) continue;
      if (port == rpc_port && i % 2 == 0) {  // half of them half-send a request
        asio::write(s, asio::buffer(std::string("POST / HTTP/1.1\r\nHost: localhost\r\n")), ec);
      }
      held.push_back(std::move(s));
    }
  }
  // The network goes on: every node keeps sealing and answering (node 0 on its operator socket,
  // the others on their public RPC).
  const uint64_t start = Height(0);
  EXPECT_TRUE(WaitFor([&] { return Height(0) >= start + 3; }, std::chrono::seconds(30)))
      << "node 0 stalled";
  for (size_t i = 1; i < net_.nodes.size(); ++i) {
    auto h = rpc::Call(net_.nodes[i].rpc, "chain_head");
    ASSERT_TRUE(h.ok()) << net_.nodes[i].name << ": " << h.status().ToString();
    EXPECT_GE((*h)["height"].get<uint64_t>(), start + 1);
  }
  // Node 0 refused what was over its caps, and says so in its metrics and its log.
  auto client = rpc::HttpClient::Connect(victim.admin);
  ASSERT_TRUE(client.ok());
  auto metrics = client->Get("/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  EXPECT_NE(metrics->find("v2v_refusals_total{surface=\"rpc\",reason=\"address_quota\"}"),
            std::string::npos)
      << *metrics;
  EXPECT_NE(metrics->find("v2v_refusals_total{surface=\"p2p\",reason=\"connection_cap\"}"),
            std::string::npos)
      << *metrics;
  std::ifstream log(net_.LogPath(0));
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"event\":\"refused\""), std::string::npos);
  // Once the stranger lets go, the public RPC answers again.
  held.clear();
  EXPECT_TRUE(WaitFor(
      [&] {
        return rpc::Call(victim.rpc, "chain_head", json::array(), std::chrono::seconds(2)).ok();
      },
      std::chrono::seconds(30)));
}

}  // namespace
}  // namespace v2v
