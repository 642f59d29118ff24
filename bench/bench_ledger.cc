// Ledger benchmark: signed trading transactions applied and durably committed per second on one
// node, beside the raw Ed25519 verification rates measured in the same run: libsodium's (what
// crypto::Verify, hence the ledger, uses) and OpenSSL 3's EVP verify (what it used before).
//
//   build/bin/bench_ledger [--vehicles 200] [--blocks 40] [--threads 2] [--seed 1] [--dir D]
//                          [--pipelined]
//
// Workload (built first, untimed, on an in-memory ledger): the built-in simulation with
// --vehicles vehicles, one trading round per block (every vehicle bids: about half buyers, half
// sellers) plus the meter reports and refunds of earlier rounds. Timed: a fresh RocksDB ledger
// appends every block through Ledger::Append (header, every signature in parallel on --threads,
// certificates, the contract with its allocation check, state root, one synced WriteBatch).
// "Signed transactions" counts top-level transactions and the signed bids nested in rounds.
#include <openssl/evp.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

#include "devnet/block_generator.h"
#include "node/ledger.h"
#include "verify_rate.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

size_t SignedTxs(const v2v::chain::Block& b) {
  size_t n = 0;
  for (const auto& tx : b.txs) {
    ++n;
    if (const auto* r = std::get_if<v2v::chain::TradingRound>(&tx.body)) {
      n += r->buyers.size() + r->sellers.size();
    }
  }
  return n;
}

// Ed25519 verifications a node performs for the block: every signed transaction, every meter
// co-signature, the seal (certificates are verified once per certificate and memoised).
size_t Verifications(const v2v::chain::Block& b) {
  size_t n = SignedTxs(b) + 1;
  for (const auto& tx : b.txs) n += tx.kind() == v2v::chain::TxKind::kMeterReport ? 1 : 0;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Ledger benchmark: signed transactions applied and committed per second"};
  int vehicles = 200, blocks = 40, threads = 2;
  uint64_t seed = 1;
  std::string dir = (std::filesystem::temp_directory_path() / "v2v_bench_ledger").string();
  app.add_option("--vehicles", vehicles);
  app.add_option("--blocks", blocks);
  app.add_option("--threads", threads);
  app.add_option("--seed", seed);
  app.add_option("--dir", dir);
  bool pipelined = false;
  app.add_flag("--pipelined", pipelined,
               "Check block i+1's signatures while block i is applied and committed");
  CLI11_PARSE(app, argc, argv);

  v2v::devnet::BlockGeneratorOptions so;
  so.vehicles = vehicles;
  const v2v::devnet::BlockGenerator sim(so);
  auto mem = std::move(v2v::node::Ledger::Init(v2v::store::NewMemKvStore(), sim.genesis())).value();
  v2v::base::Rng rng(seed);
  std::vector<v2v::chain::Block> chain;
  size_t txs = 0, top = 0, verifications = 0;
  std::fprintf(stderr, "building %d blocks with %d vehicles...\n", blocks, vehicles);
  for (int i = 0; i < blocks; ++i) {
    auto b = sim.NextBlock(*mem, rng);
    if (!b.ok() || !mem->Append(*b).ok()) return std::fprintf(stderr, "workload failed\n"), 1;
    txs += SignedTxs(*b);
    top += b->txs.size();
    verifications += Verifications(*b);
    chain.push_back(std::move(b).value());
  }

  std::filesystem::remove_all(dir);
  v2v::node::LedgerOptions options;
  options.verify_threads = threads;
  auto disk =
      std::move(v2v::node::Ledger::Init(std::move(v2v::store::OpenRocksKvStore(dir)).value(),
                                        sim.genesis(), options))
          .value();
  const auto t0 = Clock::now();
  if (!pipelined) {
    for (const auto& b : chain) {
      if (auto s = disk->Append(b); !s.ok())
        return std::fprintf(stderr, "%s\n", s.ToStatus().ToString().c_str()), 1;
    }
  } else {
    // Block i+1's context-free checks (signatures) overlap block i's apply and synced commit.
    auto precheck = [&](size_t i) {
      return std::async(std::launch::async, [&, i] { return disk->PrecheckBlock(chain[i]); });
    };
    auto next = precheck(0);
    for (size_t i = 0; i < chain.size(); ++i) {
      if (auto r = next.get()) return std::fprintf(stderr, "%s\n", r->ToString().c_str()), 1;
      if (i + 1 < chain.size()) next = precheck(i + 1);
      if (auto s = disk->AppendPrechecked(chain[i]); !s.ok()) {
        return std::fprintf(stderr, "%s\n", s.ToStatus().ToString().c_str()), 1;
      }
    }
  }
  const double secs = Seconds(t0, Clock::now());
  const double sodium1 = v2v::bench::VerifyRate(1, v2v::crypto::Verify);
  const double sodium_n = v2v::bench::VerifyRate(threads, v2v::crypto::Verify);
  const double openssl1 = v2v::bench::VerifyRate(1, v2v::crypto::VerifyWithOpenSsl);
  const double openssl_n = v2v::bench::VerifyRate(threads, v2v::crypto::VerifyWithOpenSsl);
  std::printf(
      "| blocks | signed txs (top-level) | seconds | signed txs/s | verifications/s in "
      "Append | raw verify/s, libsodium (the ledger's), 1 thread | %d threads | raw "
      "verify/s, OpenSSL EVP, 1 thread | %d threads |\n",
      threads, threads);
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  std::printf("| %d | %zu (%zu) | %.3f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", blocks, txs,
              top, secs, static_cast<double>(txs) / secs, static_cast<double>(verifications) / secs,
              sodium1, sodium_n, openssl1, openssl_n);
  disk.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
