// bench_vehicles: many concurrent vehicle clients over WebSocket+TLS against a 4-node testnet
// (docs/spec/vehicle-api.md). Two phases, one process, one io_context:
//  1. load: `--sellers` persistent sellers per node answer every call (one signed offer per
//     round each); one buyer per node opens the next round at the last one's deadline, when the
//     last is built, or as soon as the last is full (1,024 bids: `--sellers 1023` fills every
//     round, and the RSU's rounds overlap). Node i's first round opens i x T_limit / nodes after
//     node 0's (`--aligned`: all at once), as independent RSUs' rounds would. Reported:
//     offers+requests accepted per second, and those in rounds committed (the round's `committed`
//     push, then the block hash at that height compared on all nodes), counted by the end of the
//     drain after the load and, apart, those committed while it ran; p50/p99 from a round's close
//     (its deadline, T_stamp + T_limit) to its scheme and committed pushes.
//  2. idle: `--idle` connections held open to node 0 while it keeps sealing: the most it held,
//     its RSS growth per connection (VmRSS), and the heights sealed meanwhile.
// Plus the raw Ed25519 verification rate of the machine in the same run, just before the load
// (verify_rate.h).
// Exit 1 only when nothing works (no bid accepted, no round committed on all nodes, no idle
// connection held), never on a speed figure.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "fleet/fleet_stats.h"
#include "rpc/http_client.h"
#include "testnet/testnet.h"
#include "vehicle/client.h"
#include "vehicle/trader.h"
#include "verify_rate.h"

namespace v2v {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

long RssKb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// User + system CPU seconds of a process so far (/proc/PID/stat fields 14 and 15).
double CpuSeconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

// This process's CPU seconds so far (all its threads).
double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// This process's scheduler autogroup nice ("/autogroup-N nice K" in /proc/self/autogroup).
std::optional<int> AutogroupNice() {
  std::ifstream f("/proc/self/autogroup");
  std::string group, word;
  int nice = 0;
  if (f >> group >> word >> nice && word == "nice") return nice;
  return std::nullopt;
}

bool SetAutogroupNice(int nice) {
  std::ofstream f("/proc/self/autogroup");
  f << nice << std::flush;
  return static_cast<bool>(f);
}

double NodesCpuSeconds(const testnet::Testnet& net) {
  double s = 0;
  for (const auto& n : net.nodes) s += CpuSeconds(n.pid);
  return s;
}

uint64_t Height(const std::string& rpc) {
  auto h = rpc::Call(rpc, "chain_head", json::array());
  return h.ok() ? (*h)["height"].get<uint64_t>() : 0;
}

std::string HashAt(const std::string& rpc, uint64_t height) {
  auto b = rpc::Call(rpc, "chain_getBlockByNumber", {height});
  return b.ok() && b->is_object() && b->contains("hash") ? (*b)["hash"].get<std::string>() : "";
}

struct Load {
  Load(boost::asio::io_context& i, std::shared_ptr<boost::asio::ssl::context> t,
       const testnet::Testnet& n)
      : io(i), tls(std::move(t)), net(n) {}
  boost::asio::io_context& io;
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::vector<vehicle::RsuUrl> nodes;
  const testnet::Testnet& net;
  std::vector<std::shared_ptr<vehicle::Trader>> traders;
  std::vector<std::shared_ptr<vehicle::Client>> seller_clients;
  std::map<std::pair<int, uint64_t>, int64_t> accepted_in_round;
  std::map<std::pair<int, uint64_t>, uint64_t> committed_at;      // block height
  std::map<std::pair<int, uint64_t>, int64_t> committed_wall_ms;  // its last committed push
  std::map<std::pair<int, uint64_t>, int64_t> deadline_ms;
  std::vector<double> scheme_ms, commit_ms;
  // The same, to the push's server_time (when the node sent it): the rest of the latency is the
  // load generator's own queue (sellers' pushes carry it; the buyers' events do not).
  std::vector<double> scheme_sent_ms, commit_sent_ms;
  int64_t accepted = 0, refused = 0;
  std::map<std::string, int64_t> refusals;
  // Offers refused because their round had closed: how long after its deadline the refusal
  // reached the seller, and on which node.
  std::vector<double> late_refusal_ms;
  std::vector<double> late_refusal_call_lead_ms;  // deadline - when its call reached a seller
  std::map<std::pair<int, int64_t>, int64_t> first_call_ms;  // (node, deadline s) -> wall ms
  std::map<int, int64_t> late_refusals_by_node;
  std::map<std::string, int64_t> reconnections;  // by the reason the connection was lost
  std::vector<int64_t> reconnection_wall_ms;
  bool stopping = false;

  vehicle::Identity Id(int k) {
    return std::move(vehicle::LoadIdentity(net.vehicles[static_cast<size_t>(k)].dir)).value();
  }
  // `seller`: the seller's number, whose offers are timed from their call (-1: a buyer).
  vehicle::EventSink Sink(int node, int seller = -1) {
    return [this, node, seller](const vehicle::Event& e) {
      const auto& d = e.detail;
      if (seller >= 0) TimeOffer(seller, e.type);
      if (e.type == "accepted") {
        ++accepted;
        const uint64_t round = d["round"].get<uint64_t>();
        OnAcceptedInRound(node, round, ++accepted_in_round[{node, round}]);
        // Timed from the window's close: its deadline T_stamp + T_limit, the instant from which
        // the RSU takes no bid for it and builds it (gateway::ClosesAtMs).
        if (d.contains("deadline"))
          deadline_ms[{node, round}] = 1000 * d["deadline"].get<int64_t>();
      } else if (e.type == "refused") {
        ++refused;
        const std::string why = d.is_object() ? d.value("reason", "?") : "?";
        ++refusals[why];
        if (why == "deadline_passed" && d.contains("deadline")) {
          const int64_t deadline_s = d["deadline"].get<int64_t>();
          late_refusal_ms.push_back(double(WallMs() - 1000 * deadline_s));
          ++late_refusals_by_node[node];
          if (auto c = first_call_ms.find({node, deadline_s}); c != first_call_ms.end())
            late_refusal_call_lead_ms.push_back(double(1000 * deadline_s - c->second));
        }
      } else if (e.type == "call") {
        if (d.contains("deadline"))
          first_call_ms.emplace(std::make_pair(node, d["deadline"].get<int64_t>()), WallMs());
      } else if (e.type == "reconnecting") {
        ++reconnections[d.is_object() ? d.value("why", "?") : "?"];
        reconnection_wall_ms.push_back(WallMs());
      } else if (e.type == "scheme" || e.type == "committed") {
        const auto key = std::make_pair(node, d.value("round", uint64_t{0}));
        auto dl = deadline_ms.find(key);
        if (dl != deadline_ms.end()) {
          (e.type == "scheme" ? scheme_ms : commit_ms).push_back(double(WallMs() - dl->second));
          if (d.contains("server_time")) {
            (e.type == "scheme" ? scheme_sent_ms : commit_sent_ms)
                .push_back(double(d["server_time"].get<int64_t>() - dl->second));
          }
        }
        if (e.type == "committed") {
          committed_at[key] = d.value("block", uint64_t{0});
          committed_wall_ms[key] = WallMs();
        }
      }
    };
  }
  // A seller's offer: from the call reaching it to the RSU's answer reaching it (signing, the
  // nonce when it must read it, and the node's queue).
  std::map<int, int64_t> call_reached_ms;  // by seller
  std::vector<double> offer_answer_ms;
  void TimeOffer(int seller, const std::string& type) {
    if (type == "call") {
      call_reached_ms[seller] = WallMs();
    } else if (type == "accepted" || type == "refused") {
      auto it = call_reached_ms.find(seller);
      if (it == call_reached_ms.end()) return;
      offer_answer_ms.push_back(double(WallMs() - it->second));
      call_reached_ms.erase(it);
    }
  }
  void Seller(int node, int k) {
    vehicle::SellerTerms t{200, 100, 250, 50'000, 10'000, 20'000, 0, 0};
    auto c = vehicle::Client::Create(io, tls, nodes[static_cast<size_t>(node)],
                                     static_cast<uint64_t>(k) + 1);
    seller_clients.push_back(c);
    auto s = vehicle::Seller::Create(c, Id(k), t, 0, vehicle::WaitFor::kAccepted, false,
                                     Sink(node, k), [](bool) {});
    s->Start();
    traders.push_back(s);
  }
  // A buyer opens a round; the node's next buyer opens the next one at that round's deadline
  // (when it closes and is built) or as soon as it is full (rounds overlap: the RSU opens a new
  // round only when no open round takes a new buyer, docs/spec/vehicle-api.md).
  struct BuyerLoop {
    int k = 0;           // the buyer's identity
    uint64_t round = 0;  // the round its last request joined or opened (0: none yet)
    std::optional<uint64_t> opened_after;  // the round after which the next request went out
    Clock::time_point opened_at{};         // when its last request went out
    std::shared_ptr<boost::asio::steady_timer> timer;
  };
  std::map<int, BuyerLoop> buyer_loops;
  Clock::duration open_interval{};  // --rate: an RSU opens a round at most this often (0: as fast)

  void StartBuyer(int node, int k) {
    BuyerLoop& loop = buyer_loops[node];
    loop.k = k;
    loop.timer = std::make_shared<boost::asio::steady_timer>(io);
    Buyer(node);
  }
  // The next request, once per round: the deadline's timer and the round filling may both ask.
  void OpenAfter(int node, uint64_t round) {
    BuyerLoop& loop = buyer_loops[node];
    if (stopping || loop.opened_after == round) return;
    loop.opened_after = round;
    loop.timer->cancel();
    // --rate: no sooner than one round's share of the offered rate after the last one opened.
    const auto due = loop.opened_at + open_interval;
    if (open_interval.count() > 0 && Clock::now() < due) {
      loop.timer->expires_at(due);
      loop.timer->async_wait([this, node](const boost::system::error_code& ec) {
        if (!ec) Buyer(node);
      });
      return;
    }
    Buyer(node);
  }
  void OnAcceptedInRound(int node, uint64_t round, int64_t accepted_now) {
    auto it = buyer_loops.find(node);
    if (it != buyer_loops.end() && it->second.round == round &&
        accepted_now >= static_cast<int64_t>(chain::kMaxBidsPerRound)) {
      OpenAfter(node, round);
    }
  }
  void Buyer(int node) {
    if (stopping) return;
    vehicle::BuyerTerms t{250, 150, 300, 0, 1000, 1000, 0, 0};
    buyer_loops[node].opened_at = Clock::now();
    const int k = buyer_loops[node].k;
    auto c = vehicle::Client::Create(io, tls, nodes[static_cast<size_t>(node)],
                                     static_cast<uint64_t>(k) + 7);
    auto sink = Sink(node);
    auto b = vehicle::Buyer::Create(
        c, Id(k), t, vehicle::WaitFor::kCommitted, 1.0,
        [this, sink, node](const vehicle::Event& e) {
          sink(e);
          if (e.type != "accepted" && e.type != "refused") return;
          BuyerLoop& loop = buyer_loops[node];
          const uint64_t round = e.type == "accepted" ? e.detail["round"].get<uint64_t>() : 0;
          if (round != 0) loop.round = round;
          // The API's times are whole seconds: the round closes at its deadline second.
          const int64_t wait =
              round != 0 ? e.detail["deadline"].get<int64_t>() * 1000 - WallMs() + 50 : 250;
          loop.timer->expires_after(std::chrono::milliseconds(std::max<int64_t>(wait, 0)));
          loop.timer->async_wait([this, node, round](const boost::system::error_code& ec) {
            if (ec) return;
            if (round != 0) return OpenAfter(node, round);
            Buyer(node);  // refused: ask again
          });
          if (round != 0 &&
              accepted_in_round[{node, round}] >= static_cast<int64_t>(chain::kMaxBidsPerRound)) {
            OpenAfter(node, round);  // full already
          }
        },
        [](bool) {});
    b->Start();
    traders.push_back(b);
  }
};

void RunFor(boost::asio::io_context& io, double seconds) {
  io.restart();
  io.run_for(std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
}

int Main(int argc, char** argv) {
  CLI::App app{
      "Vehicle API benchmark: concurrent WebSocket+TLS vehicle clients against a 4-node testnet"};
  std::string v2v_path;
  int sellers = 250, idle = 5000, nodes_n = 4;
  bool aligned = false;
  double seconds = 30, idle_hold = 10, rate = 0;
  int load_nice = 0;
  int64_t t_limit = 2;
  app.add_option("--sellers", sellers, "Persistent sellers per node")->check(CLI::Range(1, 20000));
  app.add_option("--seconds", seconds, "Load phase length")->check(CLI::Range(1, 600));
  app.add_option("--t-limit", t_limit, "T_limit of the rounds (node config)")
      ->check(CLI::Range(1, 60));
  app.add_option("--idle", idle, "Idle connections held to node 0 (0: skip)")
      ->check(CLI::Range(0, 20000));
  app.add_option("--idle-hold", idle_hold, "Seconds to hold them");
  app.add_flag("--aligned", aligned,
               "Open the first round of every node at once (default: node i's first round "
               "opens i x T_limit / nodes later, as independent RSUs' rounds would)");
  app.add_option("--rate", rate,
                 "Offered bids per second over all nodes: an RSU opens its next round no sooner "
                 "than (sellers + 1) x nodes / rate seconds after the last (default 0: as soon as "
                 "the last is full or closes)")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--load-nice", load_nice,
                 "Nice value of this process's scheduler autogroup (/proc/self/autogroup) once "
                 "the nodes run in theirs: below 0 gives the load generator, which stands for "
                 "thousands of vehicles with CPUs of their own, the CPU before the nodes "
                 "(default 0: an equal share with each node)")
      ->check(CLI::Range(-20, 19));
  app.add_option("--v2v", v2v_path, "The v2v executable (default: beside this one)");
  CLI11_PARSE(app, argc, argv);

  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;  // children (the nodes) inherit it
  setrlimit(RLIMIT_NOFILE, &rl);
  std::fprintf(stderr, "open files limit (ulimit -n): %llu\n",
               static_cast<unsigned long long>(rl.rlim_cur));
  if (v2v_path.empty()) {
    auto self = testnet::SelfExecutable();
    if (!self.ok()) return std::fprintf(stderr, "%s\n", self.status().ToString().c_str()), 1;
    v2v_path = (std::filesystem::path(*self).parent_path() / "v2v").string();
  }
  testnet::Options o;
  o.dir = (std::filesystem::temp_directory_path() /
           ("v2v_bench_vehicles_" + std::to_string(::getpid())))
              .string();
  o.nodes = nodes_n;
  o.vehicles = nodes_n * (sellers + 1);
  o.vehicle_t_limit_s = t_limit;
  std::fprintf(stderr, "starting a %d-node testnet with %d vehicle identities in %s...\n", nodes_n,
               o.vehicles, o.dir.c_str());
  auto started = testnet::Start(o, v2v_path);
  if (!started.ok())
    return std::fprintf(stderr, "testnet start: %s\n", started.status().ToString().c_str()), 1;
  const testnet::Testnet net = std::move(started).value();
  auto tls = std::move(vehicle::MakeClientTls(net.CaDir() + "/ca.pem")).value();
  boost::asio::io_context io;
  Load load(io, tls, net);
  if (rate > 0) {
    load.open_interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(double(sellers + 1) * nodes_n / rate));
  }
  // The nodes were started in sessions of their own (testnet.cc), each its own autogroup. Ours is
  // the caller's session's too, so its nice is put back at the end.
  const std::optional<int> nice_before = load_nice != 0 ? AutogroupNice() : std::nullopt;
  if (load_nice != 0) {
    const bool set = SetAutogroupNice(load_nice);
    std::fprintf(stderr, "load generator autogroup nice %d: %s\n", load_nice,
                 set ? "set" : "could not be set (needs CAP_SYS_NICE below 0); left as it was");
  }
  for (const auto& n : net.nodes) load.nodes.push_back(*vehicle::ParseRsuUrl(n.vehicle_api));

  // Phase 1: load.
  for (int node = 0; node < nodes_n; ++node) {
    for (int j = 0; j < sellers; ++j) load.Seller(node, node * sellers + j);
  }
  // Every seller connected (TLS handshakes take a while with thousands), then a second to
  // subscribe.
  const auto connect_start = Clock::now();
  size_t connected = 0;
  while (connected < load.seller_clients.size() &&
         Clock::now() - connect_start < std::chrono::seconds(120)) {
    RunFor(io, 0.5);
    connected = 0;
    for (const auto& c : load.seller_clients) connected += c->connected() ? 1 : 0;
  }
  RunFor(io, 1);
  std::fprintf(stderr, "%zu of %zu sellers connected in %.1f s\n", connected,
               load.seller_clients.size(),
               std::chrono::duration<double>(Clock::now() - connect_start).count());
  // The raw rate, measured here (the nodes up and idle, the sellers connected) rather than during
  // the load: a thread verifying flat out in this process's autogroup takes CPU from the system
  // under test for a few tenths of a second and showed in its latencies (a late block, then
  // out-of-turn blocks at the next heights).
  const bench::VerifyRates verify = bench::VerifyRatesOneThread();
  const double cpu0 = NodesCpuSeconds(net);
  const double self_cpu0 = SelfCpuSeconds();
  const auto t0 = Clock::now();
  const int64_t load_start_ms = WallMs();
  std::vector<std::shared_ptr<boost::asio::steady_timer>> starts;
  for (int node = 0; node < nodes_n; ++node) {
    auto t = std::make_shared<boost::asio::steady_timer>(io);
    t->expires_after(std::chrono::milliseconds(aligned ? 0 : node * t_limit * 1000 / nodes_n));
    t->async_wait([&load, node, nodes_n, sellers](const boost::system::error_code& ec) {
      if (!ec) load.StartBuyer(node, nodes_n * sellers + node);
    });
    starts.push_back(t);
  }
  // The load generator's own lag: how late a 10 ms timer fires on its io thread (time a push
  // waits in this process before it is read).
  std::vector<double> loop_lag_ms;
  auto lag_timer = std::make_shared<boost::asio::steady_timer>(io);
  std::function<void()> probe = [&] {
    const auto due = Clock::now() + std::chrono::milliseconds(10);
    lag_timer->expires_at(due);
    lag_timer->async_wait([&, due](const boost::system::error_code& ec) {
      if (ec || load.stopping) return;
      loop_lag_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
      probe();
    });
  };
  probe();
  RunFor(io, seconds);
  const double load_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const int64_t load_end_ms = WallMs();
  const double self_cpu_s = SelfCpuSeconds() - self_cpu0;
  load.stopping = true;
  RunFor(io, static_cast<double>(t_limit) + 8.0);  // the last rounds build and commit
  const double node_cpu_s = NodesCpuSeconds(net) - cpu0;
  // Committed on all four nodes: the committed block's hash is the same at every node.
  // Counted twice: every round opened during the load and committed by the end of the drain
  // after it (per second of load: above the sustained rate when the nodes fall behind, as the
  // backlog commits after the load stopped), and only those committed while the load ran (below
  // it by the rounds still in flight at the end). A long run brings the two together.
  int64_t committed_bids = 0, rounds_all = 0, committed_in_load = 0;
  for (const auto& [key, height] : load.committed_at) {
    std::set<std::string> hashes;
    for (const auto& n : net.nodes) hashes.insert(HashAt(n.rpc, height));
    if (hashes.size() == 1 && !hashes.begin()->empty()) {
      committed_bids += load.accepted_in_round[key];
      ++rounds_all;
      if (load.committed_wall_ms[key] <= load_end_ms)
        committed_in_load += load.accepted_in_round[key];
    }
  }
  for (auto& t : load.traders) t->Stop();
  load.traders.clear();
  RunFor(io, 1);

  std::printf("vehicle API load: %d nodes, %d sellers per node, T_limit %lld s, %.0f s", nodes_n,
              sellers, static_cast<long long>(t_limit), load_s);
  if (rate > 0) std::printf(", offered %.0f bids/s", rate);
  if (load_nice != 0) std::printf(", load generator autogroup nice %d", load_nice);
  std::printf("\n");
  std::printf("  bids accepted            %lld (%.0f/s), refused %lld\n",
              static_cast<long long>(load.accepted), double(load.accepted) / load_s,
              static_cast<long long>(load.refused));
  for (const auto& [r, k] : load.refusals)
    std::printf("    refused %s: %lld\n", r.c_str(), static_cast<long long>(k));
  if (!load.late_refusal_ms.empty()) {
    std::printf(
        "    deadline_passed reached the seller p50 %.0f ms, max %.0f ms after the deadline;",
        fleet::Percentile(load.late_refusal_ms, 50), fleet::Percentile(load.late_refusal_ms, 100));
    for (const auto& [n, k] : load.late_refusals_by_node)
      std::printf(" node %d: %lld", n, static_cast<long long>(k));
    std::printf("\n");
    if (!load.late_refusal_call_lead_ms.empty()) {
      std::printf(
          "      their round's call reached its first seller p50 %.0f ms, min %.0f ms before "
          "the deadline\n",
          fleet::Percentile(load.late_refusal_call_lead_ms, 50),
          fleet::Percentile(load.late_refusal_call_lead_ms, 0));
    }
  }
  std::printf("  offer: call -> answer at the seller  p50 %.0f ms  p99 %.0f ms  max %.0f ms\n",
              fleet::Percentile(load.offer_answer_ms, 50),
              fleet::Percentile(load.offer_answer_ms, 99),
              fleet::Percentile(load.offer_answer_ms, 100));
  auto reconnected_in = [&](int64_t from_ms, int64_t to_ms) {
    return static_cast<long long>(
        std::count_if(load.reconnection_wall_ms.begin(), load.reconnection_wall_ms.end(),
                      [&](int64_t ms) { return ms >= from_ms && ms < to_ms; }));
  };
  // Before the load: the sellers connecting (one thread's TLS handshakes; a node closes a
  // connection whose ClientHello is later than tls_start_timeout, and the client reconnects).
  std::printf(
      "  vehicle reconnections     %lld while connecting, %lld while the load ran, %lld after",
      reconnected_in(INT64_MIN, load_start_ms), reconnected_in(load_start_ms, load_end_ms),
      reconnected_in(load_end_ms, INT64_MAX));
  for (const auto& [why, k] : load.reconnections)
    std::printf(" (%s: %lld)", why.c_str(), static_cast<long long>(k));
  std::printf("\n");
  std::printf("  bids committed on all %d  %lld (%.0f/s) in %lld rounds\n", nodes_n,
              static_cast<long long>(committed_bids), double(committed_bids) / load_s,
              static_cast<long long>(rounds_all));
  std::printf("    committed while the load ran  %lld (%.0f/s)\n",
              static_cast<long long>(committed_in_load), double(committed_in_load) / load_s);
  std::printf("  close -> scheme push        p50 %.0f ms  p99 %.0f ms (n=%zu)\n",
              fleet::Percentile(load.scheme_ms, 50), fleet::Percentile(load.scheme_ms, 99),
              load.scheme_ms.size());
  std::printf("  close -> committed push     p50 %.0f ms  p99 %.0f ms (n=%zu)\n",
              fleet::Percentile(load.commit_ms, 50), fleet::Percentile(load.commit_ms, 99),
              load.commit_ms.size());
  std::printf(
      "    of which at the node (to the push's server_time): scheme p50 %.0f ms  p99 %.0f ms, "
      "committed p50 %.0f ms  p99 %.0f ms (n=%zu, %zu)\n",
      fleet::Percentile(load.scheme_sent_ms, 50), fleet::Percentile(load.scheme_sent_ms, 99),
      fleet::Percentile(load.commit_sent_ms, 50), fleet::Percentile(load.commit_sent_ms, 99),
      load.scheme_sent_ms.size(), load.commit_sent_ms.size());
  std::printf(
      "  load generator loop lag     p50 %.0f ms  p99 %.0f ms  max %.0f ms (a 10 ms timer)\n",
      fleet::Percentile(loop_lag_ms, 50), fleet::Percentile(loop_lag_ms, 99),
      fleet::Percentile(loop_lag_ms, 100));
  std::printf(
      "  load generator CPU          %.1f s in the %.0f s of load (%.0f%% of one core; its one "
      "asio thread)\n",
      self_cpu_s, load_s, 100.0 * self_cpu_s / load_s);
  std::printf(
      "  raw Ed25519 verification (1 thread, just before the load): %.0f/s of wall time, "
      "%.0f/s of its CPU time\n",
      verify.per_wall_s, verify.per_cpu_s);
  // Every node verifies each bid's signature at least once (its own admission or the block's
  // execution): the bound is that many verifications per committed bid, in CPU time.
  if (committed_bids > 0 && verify.per_cpu_s > 0) {
    std::printf(
        "  node CPU per committed bid  %.3f ms (%.1f CPU s on %d nodes); verification "
        "bound %.3f ms (%d x 1 verification)\n",
        1000.0 * node_cpu_s / double(committed_bids), node_cpu_s, nodes_n,
        1000.0 * nodes_n / verify.per_cpu_s, nodes_n);
  }
  // A failure is a run where nothing works, never a slow one (CI runs a short load, .ci/run).
  int status = 0;
  if (load.accepted == 0 || rounds_all == 0) {
    std::fprintf(
        stderr, "error: %s\n",
        load.accepted == 0 ? "no bid was accepted" : "no round was committed on all nodes");
    status = 1;
  }

  // Phase 2: idle connections to node 0.
  if (idle > 0) {
    const pid_t pid = net.nodes[0].pid;
    const long rss0 = RssKb(pid);
    const uint64_t h0 = Height(net.nodes[0].rpc);
    std::vector<std::shared_ptr<vehicle::Client>> held;
    for (int k = 0; k < idle; ++k) {
      held.push_back(
          vehicle::Client::Create(io, tls, load.nodes[0], static_cast<uint64_t>(k) + 99));
      held.back()->Start();
      if (k % 500 == 499) RunFor(io, 0.5);  // let handshakes through in batches
    }
    int most = 0;
    const auto until = Clock::now() + std::chrono::duration<double>(idle_hold);
    while (Clock::now() < until) {
      RunFor(io, 1);
      int now = 0;
      for (const auto& c : held) now += c->connected() ? 1 : 0;
      most = std::max(most, now);
    }
    const long rss1 = RssKb(pid);
    const uint64_t h1 = Height(net.nodes[0].rpc);
    std::printf(
        "idle vehicle connections to one node: %d asked, %d held at once; node RSS %ld -> %ld KiB "
        "(%.1f KiB per connection); sealed heights %llu -> %llu while held\n",
        idle, most, rss0, rss1, most ? double(rss1 - rss0) / most : 0.0,
        static_cast<unsigned long long>(h0), static_cast<unsigned long long>(h1));
    for (auto& c : held) c->Stop();
    RunFor(io, 1);
    if (most == 0) {
      std::fprintf(stderr, "error: no idle connection was held\n");
      status = 1;
    }
  }
  if (nice_before) SetAutogroupNice(*nice_before);
  (void)testnet::Stop(net.dir);
  std::filesystem::remove_all(net.dir);
  return status;
}

}  // namespace
}  // namespace v2v

int main(int argc, char** argv) { return v2v::Main(argc, argv); }
