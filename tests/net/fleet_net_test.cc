// `v2v fleet` against a real 4-node testnet (label "net"): eight vehicles of a small SUMO-style
// trace start near RSU 0 (node 0) and after 12 s are near RSU 1 (node 1). The fleet must get a
// round committed and settled, the four nodes must agree on the chain, and a buyer that moved
// must have traded at both nodes (handover keeps it trading).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
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

constexpr char kScenario[] = R"(
[city]
size_m = 3000
road_spacing_m = 500
[rsu]
layout = "list"
positions_m = [[750, 750], [2250, 750], [750, 2250], [2250, 2250]]
range_m = 1500
[vehicles]
initial_soc_min = 0.1
initial_soc_max = 0.95
buyer_below_soc = 0.5
seller_above_soc = 0.5
seller_reserve_soc = 0.3
)";

// Eight vehicles around (450.., 700) for t < 12 s, then around (2100.., 700), until t = 90 s.
std::string Trace() {
  std::ostringstream o;
  o << "<fcd-export>\n";
  for (int t = 0; t <= 90; ++t) {
    o << "<timestep time=\"" << t << ".00\">\n";
    for (int v = 0; v < 8; ++v) {
      const int x = (t < 12 ? 450 : 2100) + 20 * v;
      o << "  <vehicle id=\"veh" << v << "\" x=\"" << x << "\" y=\"" << 700 + 10 * v << "\"/>\n";
    }
    o << "</timestep>\n";
  }
  o << "</fcd-export>\n";
  return o.str();
}

std::vector<std::map<std::string, std::string>> ReadCsv(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    if (header.empty()) {
      header = cells;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < header.size() && k < cells.size(); ++k) row[header[k]] = cells[k];
    rows.push_back(row);
  }
  return rows;
}

TEST(FleetNet, AFleetTradesSettlesAndKeepsTradingAcrossAHandover) {
  const fs::path dir = fs::temp_directory_path() / ("v2v_fleet_" + std::to_string(::getpid()));
  const fs::path scratch = fs::path(dir.string() + "_cmd");
  fs::remove_all(dir);
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  auto v2v = [&](const std::string& args) {
    return testing::RunCommand(std::string(V2V_CLI) + " " + args, scratch);
  };
  {
    std::ofstream(scratch / "city.toml") << kScenario;
    std::ofstream(scratch / "trace.xml") << Trace();
  }
  const auto started =
      v2v("testnet start --nodes 4 --period 1 --vehicles 8 --t-limit 3 --dir " + dir.string());
  ASSERT_EQ(started.exit_code, 0) << started.err << started.out;
  // Stops the testnet however the test ends (an ASSERT returns early).
  struct StopAtExit {
    std::function<void()> f;
    ~StopAtExit() { f(); }
  } stop_at_exit{[&] { (void)v2v("testnet stop --dir " + dir.string()); }};

  const auto run =
      v2v("fleet --testnet " + dir.string() + " --scenario " + (scratch / "city.toml").string() +
          " --fcd " + (scratch / "trace.xml").string() +
          " --vehicles 8 --seconds 30 --drain 25 --listen 8 --seed 3 -q --out " +
          (scratch / "out").string());
  EXPECT_EQ(run.exit_code, 0) << run.err << run.out;
  std::ifstream sf(scratch / "out" / "summary.json");
  const json summary = json::parse(sf, nullptr, false);
  ASSERT_TRUE(summary.is_object()) << run.out << run.err;
  EXPECT_GE(summary["rounds_committed"].get<int>(), 1) << summary.dump(2);
  EXPECT_GE(summary["settled"].get<int>(), 1) << summary.dump(2);
  EXPECT_GE(summary["handovers"].get<int>(), 1) << summary.dump(2);

  // A buyer that traded at node 0 before the move and at node 1 after it.
  std::map<std::string, std::set<std::string>> nodes_of_buyer;
  for (const auto& row : ReadCsv(scratch / "out" / "trades.csv"))
    nodes_of_buyer[row.at("buyer")].insert(row.at("node"));
  bool moved_and_traded = false;
  for (const auto& [buyer, nodes] : nodes_of_buyer)
    moved_and_traded |= nodes.count("0") && nodes.count("1");
  EXPECT_TRUE(moved_and_traded) << summary.dump(2)
                                << testing::Slurp(scratch / "out" / "trades.csv");

  // The four nodes agree on the chain (at the height they all reached).
  auto net = testnet::Load(dir.string());
  ASSERT_TRUE(net.ok());
  bool equal = false;
  for (int attempt = 0; attempt < 20 && !equal; ++attempt) {
    std::set<std::string> heads;
    for (const auto& n : net->nodes) {
      auto h = rpc::Call(n.rpc, "chain_head", json::array());
      heads.insert(h.ok() ? (*h)["hash"].get<std::string>() : "?");
    }
    equal = heads.size() == 1 && !heads.count("?");
    if (!equal) std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  EXPECT_TRUE(equal);

  EXPECT_EQ(v2v("testnet stop --dir " + dir.string()).exit_code, 0);
  if (HasFailure()) {  // the logs are kept (the nodes are stopped)
    for (size_t i = 0; i < net->nodes.size(); ++i) {
      std::fprintf(stderr, "--- %s:\n%s", net->LogPath(i).c_str(),
                   testnet::Tail(net->LogPath(i), 10).c_str());
    }
    std::fprintf(stderr, "kept %s\n", dir.string().c_str());
    return;
  }
  fs::remove_all(dir);
  fs::remove_all(scratch);
}

}  // namespace
}  // namespace v2v
