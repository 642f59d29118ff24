// Testnet load benchmark: signed transactions submitted to a 4-node loopback testnet over
// JSON-RPC until they are in a block on every node; throughput and commit latency, beside the raw
// Ed25519 verification rate of this machine measured in the same run.
//
//   build/bin/bench_testnet [--seconds 20] [--rate 3000] [--bids 100] [--nodes 4] [--period 1]
//                           [--dir DIR (a running testnet; default: start one in a temp dir)]
//                           [--v2v build/bin/v2v] [--keep]
//
// Workload: the contract accepts no bare bids (C-3.4), so the load is signed TradingRound
// transactions, each carrying --bids signed vehicle bids (about half buyers, half sellers) with
// an honest allocation (auction/round_builder.h), built like devnet::BlockGenerator::MakeRound:
// RSU i builds rounds from its own vehicles (car-k with k mod N = i, so every vehicle's nonces
// follow its RSU's round order), signs them with DIR/node-i/key.pem and submits them to node i; the
// round-robin over RSUs spreads the load over every node. Rounds are built and signed before the
// clock starts (their windows, docs/spec/contract.md C-4.1, are relative to the current time and
// stay open for max_round_age_s). --rate is the offered rate in signed transactions per second
// (a round and its bids), paced per RSU.
//
// Measured: for every round, the time from just before its tx_submit until its hash is in a
// block on ALL nodes (each node's chain polled every 50 ms through chain_head and
// chain_getBlockByNumber). "Top-level" counts TradingRound transactions; "signed" counts them
// plus their nested signed bids. A round in no block 3 s after it was sent is sent again to
// every node (as a wallet would); the count of such resends a node accepted (it had lost the
// transaction) is printed.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "auction/round_builder.h"
#include "crypto/ed25519.h"
#include "devnet/block_generator.h"
#include "rpc/http_client.h"
#include "testnet/testnet.h"
#include "verify_rate.h"

namespace {

using namespace v2v;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Vehicle {
  std::string id;
  crypto::PrivateKey key;
  uint64_t nonce = 0;  // last used
};

struct Rsu {
  std::string name;
  crypto::PrivateKey key;
  uint64_t nonce = 0;
  std::vector<Vehicle> vehicles;
  chain::NetworkId network = 0;  // chain_head's `network`
};

struct Prepared {
  std::string hex;  // EncodeTx
  Hash32 hash;
  size_t bids = 0;
};

// One round of `bids` bids from the RSU's vehicles (random half buyers), positions spread over
// 6 km x 6 km so each buyer has a few sellers within the 1 km radius.
Result<Prepared> MakeRound(Rsu& rsu, uint64_t round, int64_t now, size_t bids, base::Rng& rng) {
  const auction::RoundParams p = devnet::MarketRoundParams(round, now);
  std::vector<size_t> idx(rsu.vehicles.size());
  for (size_t k = 0; k < idx.size(); ++k) idx[k] = k;
  rng.Shuffle(idx.begin(), idx.end());
  idx.resize(std::min(bids, idx.size()));
  const size_t n_buyers = idx.size() / 2;
  std::vector<chain::Tx> buyers, sellers;
  for (size_t k = 0; k < idx.size(); ++k) {
    Vehicle& v = rsu.vehicles[idx[k]];
    chain::Tx tx;
    tx.network = rsu.network;
    tx.sender = v.id;
    const int64_t ts = p.t_stamp_s + rng.Int(0, p.t_limit_s);
    const int64_t x = rng.Int(-3000, 3000), y = rng.Int(-3000, 3000);
    if (k < n_buyers) {
      const int64_t v_min = rng.Int(100, 150), v_max = v_min + rng.Int(100, 200);
      const int64_t b_min = rng.Int(0, 2000);
      tx.body = chain::BuyerBid{rsu.name,
                                round,
                                rng.Int(v_min, v_max),
                                v_min,
                                v_max,
                                b_min,
                                b_min + rng.Int(1000, 10000),
                                rng.Int(1000, 5000),
                                x,
                                y,
                                ts};
    } else {
      const int64_t c_min = rng.Int(50, 100), c_max = c_min + rng.Int(50, 150);
      const int64_t s_t = 1'000'000;
      tx.body = chain::SellerBid{rsu.name,
                                 round,
                                 rng.Int(c_min, c_max),
                                 c_min,
                                 c_max,
                                 s_t,
                                 s_t * rng.Int(10, 50) / 100,
                                 rng.Int(10'000, 80'000),
                                 x,
                                 y,
                                 ts};
    }
    tx.nonce = ++v.nonce;
    chain::SignTx(tx, v.key);
    (k < n_buyers ? buyers : sellers).push_back(std::move(tx));
  }
  V2V_ASSIGN_OR_RETURN(auction::BuiltRound built,
                       auction::BuildRound(p, std::move(buyers), std::move(sellers)));
  const size_t n = built.round.buyers.size() + built.round.sellers.size();
  if (n != idx.size()) return Status::Internal("the round builder left bids out");
  chain::Tx tx;
  tx.network = rsu.network;
  tx.sender = rsu.name;
  tx.nonce = ++rsu.nonce;
  tx.body = std::move(built.round);
  chain::SignTx(tx, rsu.key);
  return Prepared{ToHex(chain::EncodeTx(tx)), chain::TxHash(tx), n};
}

struct Track {
  const std::string* hex = nullptr;
  Clock::time_point submitted, resubmitted;
  size_t signed_txs = 0;
  std::vector<std::optional<Clock::time_point>> seen;  // per node
  std::optional<Clock::time_point> all;                // committed on every node
};

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i =
      std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Testnet load benchmark: signed transactions committed on every node, and latency"};
  std::string dir, v2v_path;
  int seconds = 20, nodes = 4, bids = 100;
  uint64_t period = 1;
  double rate = 3000;
  bool keep = false;
  app.add_option("--dir", dir, "A running testnet (default: start one in a temporary directory)");
  app.add_option("--seconds", seconds, "Submission time")->check(CLI::Range(1, 600));
  app.add_option("--rate", rate, "Offered signed transactions per second (rounds and their bids)");
  app.add_option("--bids", bids, "Signed bids per round")->check(CLI::Range(2, 1024));
  app.add_option("--nodes", nodes, "Nodes of the testnet started")->check(CLI::Range(1, 16));
  app.add_option("--period", period, "Clique period of the testnet started");
  app.add_option("--v2v", v2v_path, "The v2v executable (default: beside this one)");
  app.add_flag("--keep", keep, "Leave the started testnet running (and its directory)");
  CLI11_PARSE(app, argc, argv);

  const double verify_before = bench::VerifyRate(2);
  std::fprintf(stderr, "raw Ed25519 verification, 2 threads: %.0f/s\n", verify_before);

  bool started = false;
  testnet::Testnet net;
  if (dir.empty()) {
    if (v2v_path.empty()) {
      auto self = testnet::SelfExecutable();
      if (!self.ok()) return std::fprintf(stderr, "%s\n", self.status().ToString().c_str()), 1;
      v2v_path = (std::filesystem::path(*self).parent_path() / "v2v").string();
    }
    testnet::Options o;
    o.dir = (std::filesystem::temp_directory_path() /
             ("v2v_bench_testnet_" + std::to_string(::getpid())))
                .string();
    o.nodes = nodes;
    o.period_s = period;
    o.vehicles = nodes * bids;
    std::fprintf(stderr, "starting a %d-node testnet (period %llu s, %d vehicles) in %s...\n",
                 nodes, static_cast<unsigned long long>(period), o.vehicles, o.dir.c_str());
    auto t = testnet::Start(o, v2v_path);
    if (!t.ok())
      return std::fprintf(stderr, "testnet start: %s\n", t.status().ToString().c_str()), 1;
    net = std::move(t).value();
    dir = net.dir;
    started = true;
  } else {
    auto t = testnet::Load(dir);
    if (!t.ok()) return std::fprintf(stderr, "%s\n", t.status().ToString().c_str()), 1;
    net = std::move(t).value();
  }
  const size_t n_nodes = net.nodes.size();
  auto stop_net = [&] {
    if (started && !keep) {
      (void)testnet::Stop(dir);
      std::filesystem::remove_all(dir);
    }
  };

  // Identities and the nonces they have on chain.
  std::vector<Rsu> rsus;
  {
    auto client = std::move(rpc::HttpClient::Connect(net.nodes[0].rpc)).value();
    auto nonce_of = [&](const std::string& id) -> uint64_t {
      auto a = client.CallOk("state_getAccount", {id});
      return a.ok() ? (*a)["nonce"].get<uint64_t>() : 0;
    };
    auto head = client.CallOk("chain_head", nlohmann::json::array());
    auto network = chain::ParseNetworkHex(head.ok() ? head->value("network", "") : "");
    if (!network.ok()) return std::fprintf(stderr, "chain_head names no network\n"), stop_net(), 1;
    for (size_t i = 0; i < n_nodes; ++i) {
      auto key = testnet::ReadKey(net.NodeDir(i) + "/key.pem");
      if (!key.ok())
        return std::fprintf(stderr, "%s\n", key.status().ToString().c_str()), stop_net(), 1;
      rsus.push_back(
          {net.nodes[i].name, std::move(key).value(), nonce_of(net.nodes[i].name), {}, *network});
    }
    for (size_t k = 0; k < net.vehicles.size(); ++k) {
      auto key = testnet::ReadKey(net.vehicles[k].dir + "/key.pem");
      if (!key.ok())
        return std::fprintf(stderr, "%s\n", key.status().ToString().c_str()), stop_net(), 1;
      rsus[k % n_nodes].vehicles.push_back(
          {net.vehicles[k].name, std::move(key).value(), nonce_of(net.vehicles[k].name)});
    }
  }
  for (const auto& r : rsus) {
    if (r.vehicles.size() < static_cast<size_t>(bids)) {
      std::fprintf(
          stderr,
          "%s has %zu vehicles, fewer than --bids %d (start the testnet with more --vehicles)\n",
          r.name.c_str(), r.vehicles.size(), bids);
      stop_net();
      return 1;
    }
  }

  // Build and sign every round first (untimed), one thread per RSU.
  const double rounds_per_s = rate / (bids + 1);
  const size_t per_rsu =
      static_cast<size_t>(rounds_per_s * seconds / static_cast<double>(n_nodes)) + 1;
  std::fprintf(stderr, "building %zu rounds of %d signed bids (%zu per RSU)...\n",
               per_rsu * n_nodes, bids, per_rsu);
  std::vector<std::vector<Prepared>> work(n_nodes);
  {
    const int64_t now = NowUnix();
    std::atomic<bool> failed{false};
    std::vector<std::thread> pool;
    const auto b0 = Clock::now();
    for (size_t i = 0; i < n_nodes; ++i) {
      pool.emplace_back([&, i] {
        base::Rng rng(1000 + i);
        for (size_t r = 0; r < per_rsu && !failed; ++r) {
          auto p = MakeRound(rsus[i], rsus[i].nonce + 1, now, static_cast<size_t>(bids), rng);
          if (!p.ok()) {
            std::fprintf(stderr, "round: %s\n", p.status().ToString().c_str());
            failed = true;
            return;
          }
          work[i].push_back(std::move(p).value());
        }
      });
    }
    for (auto& t : pool) t.join();
    if (failed) return stop_net(), 1;
    std::fprintf(stderr, "built in %.1f s\n", Seconds(b0, Clock::now()));
  }

  std::mutex mu;
  std::map<Hash32, Track> tracks;
  std::atomic<bool> polling{true};
  std::atomic<size_t> submitted{0}, rejected{0}, committed{0}, readmitted{0};
  std::vector<std::atomic<uint64_t>> heights(n_nodes);
  std::string first_reject;
  std::map<std::string, size_t> resend_errors;  // by reason

  // Pollers: every node's canonical chain, reorg-aware. Each keeps the hash and transactions it
  // saw at every height; when the head changes it walks back from the new head to the first
  // height whose block it already has, forgets what the replaced blocks held (a transaction only
  // counts as committed on a node while it is in that node's chain) and records the new blocks.
  std::atomic<size_t> reorged_after_commit{0};
  std::vector<std::thread> pollers;
  for (size_t i = 0; i < n_nodes; ++i) {
    pollers.emplace_back([&, i] {
      auto client = std::move(rpc::HttpClient::Connect(net.nodes[i].rpc)).value();
      struct Seen {
        std::string hash;
        std::vector<Hash32> txs;
      };
      std::map<uint64_t, Seen> view;
      auto head0 = client.CallOk("chain_head");
      const uint64_t base = head0.ok() ? (*head0)["height"].get<uint64_t>() : 0;
      std::string last_head = head0.ok() ? (*head0)["hash"].get<std::string>() : "";
      auto hashes_of = [](const json& b) {
        std::vector<Hash32> out;
        for (const auto& hex : b["txs"]) {
          auto bytes = FromHex(hex.get<std::string>());
          if (!bytes || bytes->size() != 32) continue;
          Hash32 h;
          std::copy(bytes->begin(), bytes->end(), h.bytes.begin());
          out.push_back(h);
        }
        return out;
      };
      while (polling) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto head = client.CallOk("chain_head");
        if (!head.ok() || (*head)["hash"].get<std::string>() == last_head) continue;
        const uint64_t h = (*head)["height"].get<uint64_t>();
        std::vector<std::pair<uint64_t, Seen>> fresh;  // from the head down
        bool ok = true;
        for (uint64_t k = h; k > base; --k) {
          auto b = client.CallOk("chain_getBlockByNumber", {k, false});
          if (!b.ok()) {
            ok = false;
            break;
          }
          const std::string hash = (*b)["hash"].get<std::string>();
          auto it = view.find(k);
          if (it != view.end() && it->second.hash == hash) break;
          fresh.push_back({k, Seen{hash, hashes_of(*b)}});
        }
        if (!ok) continue;
        const auto now = Clock::now();
        std::lock_guard<std::mutex> lock(mu);
        // Heights replaced or above the new head: their transactions leave this node's chain.
        const uint64_t from = fresh.empty() ? h + 1 : fresh.back().first;
        for (auto it = view.lower_bound(from); it != view.end();) {
          for (const Hash32& tx : it->second.txs) {
            auto t = tracks.find(tx);
            if (t == tracks.end()) continue;
            if (t->second.all) {
              ++reorged_after_commit;
            } else {
              t->second.seen[i].reset();
            }
          }
          it = view.erase(it);
        }
        for (auto f = fresh.rbegin(); f != fresh.rend(); ++f) {
          for (const Hash32& tx : f->second.txs) {
            auto t = tracks.find(tx);
            if (t == tracks.end() || t->second.seen[i]) continue;
            t->second.seen[i] = now;
            if (!t->second.all && std::all_of(t->second.seen.begin(), t->second.seen.end(),
                                              [](const auto& x) { return x.has_value(); })) {
              t->second.all = now;
              ++committed;
            }
          }
          view[f->first] = std::move(f->second);
        }
        heights[i] = h;
        last_head = (*head)["hash"].get<std::string>();
      }
    });
  }

  // Submitters: RSU i's rounds to node i, paced.
  const auto t0 = Clock::now();
  const double interval_s = static_cast<double>(n_nodes) / rounds_per_s;
  std::vector<std::thread> submitters;
  for (size_t i = 0; i < n_nodes; ++i) {
    submitters.emplace_back([&, i] {
      auto client = std::move(rpc::HttpClient::Connect(net.nodes[i].rpc)).value();
      for (size_t r = 0; r < work[i].size(); ++r) {
        const auto due =
            t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                     interval_s * (static_cast<double>(r) +
                                   static_cast<double>(i) / static_cast<double>(n_nodes))));
        if (due > t0 + std::chrono::seconds(seconds)) break;
        std::this_thread::sleep_until(due);
        const Prepared& p = work[i][r];
        {
          std::lock_guard<std::mutex> lock(mu);
          Track& t = tracks[p.hash];
          t.hex = &p.hex;
          t.submitted = t.resubmitted = Clock::now();
          t.signed_txs = p.bids + 1;
          t.seen.resize(n_nodes);
        }
        auto res = client.Call("tx_submit", {p.hex});
        if (!res.ok() || std::holds_alternative<rpc::RpcError>(*res)) {
          std::lock_guard<std::mutex> lock(mu);
          if (first_reject.empty()) {
            first_reject =
                res.ok() ? std::get<rpc::RpcError>(*res).message : res.status().ToString();
          }
          tracks.erase(p.hash);
          ++rejected;
          continue;
        }
        ++submitted;
      }
    });
  }

  // Like a wallet, send again (to every node) a transaction that is in no block 3 s after it was
  // sent: a node answers already_pending while it still holds it; an acceptance means the network
  // had lost it (counted: "re-admitted").
  std::thread resubmitter([&] {
    std::vector<rpc::HttpClient> clients;
    for (const auto& n : net.nodes)
      clients.push_back(std::move(rpc::HttpClient::Connect(n.rpc)).value());
    while (polling) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      std::vector<const std::string*> again;
      {
        std::lock_guard<std::mutex> lock(mu);
        const auto now = Clock::now();
        for (auto& [h, t] : tracks) {
          if (t.all || t.hex == nullptr || now - t.resubmitted < std::chrono::seconds(3)) continue;
          bool in_a_block = false;
          for (const auto& s : t.seen) in_a_block = in_a_block || s.has_value();
          if (in_a_block) continue;
          t.resubmitted = now;
          again.push_back(t.hex);
        }
      }
      for (const std::string* hex : again) {
        for (auto& c : clients) {
          auto r = c.Call("tx_submit", {*hex});
          if (r.ok() && std::holds_alternative<json>(*r)) {
            ++readmitted;
          } else {
            std::lock_guard<std::mutex> lock(mu);
            const std::string why =
                r.ok() ? std::get<rpc::RpcError>(*r).message : r.status().ToString();
            ++resend_errors[why.substr(0, why.find(':'))];
          }
        }
      }
    }
  });

  // Progress, then the drain (up to 20 s after the last submission).
  auto progress = [&] {
    std::string hs;
    for (size_t i = 0; i < n_nodes; ++i) hs += (i ? "," : "") + std::to_string(heights[i].load());
    std::fprintf(
        stderr,
        "t=%5.1fs submitted %zu rejected %zu committed-on-all %zu re-admitted %zu heights %s\n",
        Seconds(t0, Clock::now()), submitted.load(), rejected.load(), committed.load(),
        readmitted.load(), hs.c_str());
  };
  while (Seconds(t0, Clock::now()) < seconds) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    progress();
  }
  for (auto& t : submitters) t.join();
  const auto t_end_submit = Clock::now();
  while (committed < submitted && Seconds(t_end_submit, Clock::now()) < 20) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    progress();
  }
  polling = false;
  for (auto& t : pollers) t.join();
  resubmitter.join();
  const double verify_after = bench::VerifyRate(2);

  std::vector<double> latency;
  size_t top = 0, signed_txs = 0, signed_submitted = 0;
  Clock::time_point last = t0;
  for (const auto& [h, t] : tracks) {
    signed_submitted += t.signed_txs;
    if (!t.all) continue;
    ++top;
    signed_txs += t.signed_txs;
    latency.push_back(Seconds(t.submitted, *t.all));
    last = std::max(last, *t.all);
  }
  const double span = std::max(Seconds(t0, last), 1e-9);
  std::printf(
      "\nbench_testnet: %zu nodes, period %llu s, %d s of submission at an offered %.0f signed "
      "tx/s "
      "(TradingRound transactions of %d signed bids)\n",
      n_nodes, static_cast<unsigned long long>(net.period_s), seconds, rate, bids);
  std::printf(
      "| submitted top-level (signed) | rejected | committed on all nodes, top-level (signed) | "
      "span s | top-level tx/s | signed tx/s | p50 s | p99 s | max s | raw Ed25519 verify/s, 2 "
      "threads (before / after) |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::printf(
      "| %zu (%zu) | %zu | %zu (%zu) | %.1f | %.1f | %.0f | %.3f | %.3f | %.3f | %.0f / %.0f |\n",
      tracks.size(), signed_submitted, rejected.load(), top, signed_txs, span,
      static_cast<double>(top) / span, static_cast<double>(signed_txs) / span,
      Percentile(latency, 0.5), Percentile(latency, 0.99),
      latency.empty() ? 0.0 : *std::max_element(latency.begin(), latency.end()), verify_before,
      verify_after);
  std::printf("committed on all nodes, then reorged out of one (counted as committed): %zu\n",
              reorged_after_commit.load());
  std::printf("re-admitted after a resubmission (lost by a node, e.g. in a reorg): %zu\n",
              readmitted.load());
  for (const auto& [why, n] : resend_errors)
    std::printf("resend refused: %s x %zu\n", why.c_str(), n);
  if (!first_reject.empty()) std::printf("first rejection: %s\n", first_reject.c_str());
  if (top < tracks.size())
    std::printf(
        "%zu submitted transactions were not on every node 20 s after the last submission\n",
        tracks.size() - top);
  stop_net();
  return 0;
}
