// Shared set-up of the vehicle API's multi-process tests (tests/net/vehicle_net_test.cc,
// rsu_failure_net_test.cc): a fresh 4-node testnet per test (period 1 s, T_limit 3 s) from
// `v2v testnet start`, its vehicles' identities, `v2v` commands run in a scratch directory, node
// RPC reads, in-process vehicle clients driven synchronously, and raw TLS/WebSocket exchanges.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include "chain/state.h"
#include "crypto/certificate.h"
#include "crypto/certificate_issue.h"
#include "crypto/hash.h"
#include "market/bayesian_pricing.h"
#include "rpc/http_client.h"
#include "testing/shell.h"
#include "testnet/testnet.h"
#include "vehicle/client.h"
#include "vehicle/identity.h"

namespace v2v::vehicle_net {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

// A raw WebSocket (or plain HTTP) exchange over TLS, for frames a client library never sends.
struct RawTls {
  asio::io_context io;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws{io, ctx};
  explicit RawTls(const vehicle::RsuUrl& u) {
    asio::ip::tcp::resolver resolver(io);
    beast::get_lowest_layer(ws).connect(resolver.resolve(u.host, u.port));
    ws.next_layer().handshake(asio::ssl::stream_base::client);
  }
  void Upgrade(const vehicle::RsuUrl& u) { ws.handshake(u.host, u.path); }
  // The next text frame, or "" when the server closed the connection.
  std::string Exchange(const std::string& text) {
    beast::error_code ec;
    ws.write(asio::buffer(text), ec);
    beast::flat_buffer b;
    ws.read(b, ec);
    return ec ? "" : beast::buffers_to_string(b.data());
  }
};

class VehicleNetTest : public ::testing::Test {
 protected:
  void Start(const std::string& extra) {
    static int serial = 0;
    dir_ = fs::temp_directory_path() /
           ("v2v_vnet_" + std::to_string(::getpid()) + "_" + std::to_string(serial++));
    fs::remove_all(dir_);
    scratch_ = fs::path(dir_.string() + "_cmd");
    fs::create_directories(scratch_);
    const auto r = V2V("testnet start --nodes 4 --period 1 --vehicles 4 --t-limit 3 --dir " +
                       dir_.string() + " " + extra);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    auto t = testnet::Load(dir_.string());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    net_ = std::move(t).value();
    started_ = true;
    for (const auto& n : net_.nodes)
      ASSERT_EQ(n.vehicle_api.rfind("wss://127.0.0.1:", 0), 0u) << n.vehicle_api;
  }
  void TearDown() override {
    if (!started_) return;
    EXPECT_EQ(V2V("testnet stop --dir " + dir_.string()).exit_code, 0);
    if (HasFailure()) {
      for (size_t i = 0; i < net_.nodes.size(); ++i) {
        std::fprintf(stderr, "--- %s:\n%s", net_.LogPath(i).c_str(),
                     testnet::Tail(net_.LogPath(i), 12).c_str());
      }
      for (const auto& f : fs::directory_iterator(scratch_)) {
        if (f.path().extension() != ".txt") continue;
        std::fprintf(stderr, "--- %s:\n%s", f.path().filename().c_str(),
                     testing::Slurp(f.path()).c_str());
      }
      std::fprintf(stderr, "kept %s\n", dir_.string().c_str());
      return;
    }
    fs::remove_all(dir_);
    fs::remove_all(scratch_);
  }
  testing::CommandResult V2V(const std::string& args) {
    return testing::RunCommand(std::string(V2V_CLI) + " " + args, scratch_);
  }
  std::string Car(int k) const {
    return (dir_ / "vehicles" / ("car-" + std::to_string(k))).string();
  }
  std::string Ca() const { return (dir_ / "ca" / "ca.pem").string(); }
  // car-1 sells (cost 150 in [100, 200], 25 kWh above its reserve, at (100, 0)) and, 1.5 s later,
  // car-0 buys (value 300 in [200, 400], at (0, 0), `buy_terms` for its volumes and car) at node
  // 0's RSU, each a `v2v vehicle` process waiting until its round is committed; b.txt and s1.txt
  // hold their JSON events, b.rc the buyer's exit status.
  void OneSellerThenOneBuyer(const std::string& buy_terms) {
    const std::string common = " --rsu " + net_.nodes[0].vehicle_api + " --ca " + Ca() +
                               " --json --timeout 60 --wait committed";
    const std::string cmd =
        "( " + std::string(V2V_CLI) + " vehicle sell --available 30 --reserve 5 --loss 0.05 " +
        "--rounds 1 --identity " + Car(1) + common +
        " --cost 150 --range 100:200 --at 100,0 > s1.txt 2>&1 & p1=$!; sleep 1.5; " + V2V_CLI +
        " vehicle buy" + common + " --identity " + Car(0) +
        " --value 300 --range 200:400 --willingness 3 --at 0,0 " + buy_terms +
        " > b.txt 2>&1; echo $? > b.rc; wait $p1 )";
    testing::RunCommand(cmd, scratch_);
  }
  json Account(size_t node, const std::string& id) {
    auto r = rpc::Call(net_.nodes[node].rpc, "state_getAccount", {id});
    return r.ok() ? *r : json();
  }
  static bool WaitFor(const std::function<bool()>& done, Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return done();
  }
  // Every JSON line of a `--json` output file.
  std::vector<json> Events(const std::string& file) {
    std::vector<json> out;
    std::istringstream in(testing::Slurp(scratch_ / file));
    for (std::string line; std::getline(in, line);) {
      auto j = json::parse(line, nullptr, false);
      if (!j.is_discarded()) out.push_back(j);
    }
    return out;
  }
  static std::vector<json> Of(const std::vector<json>& events, const std::string& type) {
    std::vector<json> out;
    for (const auto& e : events) {
      if (e["event"] == type) out.push_back(e["detail"]);
    }
    return out;
  }

  fs::path dir_, scratch_;
  testnet::Testnet net_;
  bool started_ = false;
};

// In-process vehicle clients of src/vehicle/, driven synchronously.
class SyncVehicle {
 public:
  SyncVehicle(const std::string& url, const std::string& ca) {
    auto u = vehicle::ParseRsuUrl(url);
    auto tls = vehicle::MakeClientTls(ca);
    EXPECT_TRUE(u.ok() && tls.ok());
    client_ = vehicle::Client::Create(io_, *tls, *u, 7);
    client_->Start();
    const auto deadline = Clock::now() + seconds(10);
    while (!client_->connected() && Clock::now() < deadline)
      io_.run_one_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(client_->connected());
  }
  ~SyncVehicle() { client_->Stop(); }
  vehicle::CallResult Call(const std::string& method, json params) {
    std::optional<vehicle::CallResult> out;
    client_->Call(method, std::move(params), [&](const vehicle::CallResult& r) { out = r; });
    const auto deadline = Clock::now() + seconds(10);
    while (!out && Clock::now() < deadline) io_.run_one_for(std::chrono::milliseconds(100));
    return out.value_or(vehicle::CallResult{});
  }
  // The server time in seconds, rounded up: a bid stamped with it is never before the second at
  // which the RSU accepts it (a round's T_stamp when the bid opens it; vehicle-api.md).
  int64_t ServerNowS() {
    return (Call("vehicle_getRound", {"current"}).result.value("server_time", int64_t{0}) + 999) /
           1000;
  }

 private:
  asio::io_context io_;
  std::shared_ptr<vehicle::Client> client_;
};

}  // namespace v2v::vehicle_net
