// The state root of a block, by the whole state (StateRoot of EncodeEntries: what every block on
// every node cost before chain::StateLeaves) and by the entries the block changed (EncodeChanges,
// RootWith, Apply: the ledger's path for a block on its head), on states of growing size.
//
// The state: `--accounts` vehicles (each with a certificate of `--cert-bytes`) and, per run, a
// number of open escrows; the block changes every account (a bid's nonce and balance) and adds
// `--new-escrows` escrows, as a round of that many trades would. Both roots are checked equal.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "chain/state.h"
#include "chain/state_leaves.h"
#include "crypto/hash.h"

namespace v2v {
namespace {

Hash32 EscrowIdOf(uint64_t i) { return crypto::Sha256(AsBytes("escrow/" + std::to_string(i))); }

chain::State MakeState(int accounts, int cert_bytes, uint64_t escrows) {
  chain::State s;
  for (int i = 0; i < accounts; ++i) {
    chain::Account a;
    a.certificate = Bytes(static_cast<size_t>(cert_bytes), static_cast<uint8_t>(i));
    a.cert_hash = crypto::Sha256(a.certificate);
    a.balance = 1'000'000;
    a.energy_wh = 50'000;
    s.accounts["car-" + std::to_string(i)] = a;
  }
  for (uint64_t i = 0; i < escrows; ++i)
    s.escrows[EscrowIdOf(i)] = chain::Escrow{"car-1", "car-2", 500, 3, 300, 150, 20, 1'800'000'000};
  return s;
}

// The block: every account pays and bumps its nonce; `added` escrows from `first` on.
std::set<std::string> ApplyBlock(chain::State& s, uint64_t first, int added) {
  std::set<std::string> changed = {std::string(chain::kSupplyKey)};
  for (auto& [id, a] : s.accounts) {
    ++a.nonce;
    a.balance -= 150;
    changed.insert(chain::AccountKey(id));
  }
  for (uint64_t i = first; i < first + static_cast<uint64_t>(added); ++i) {
    s.escrows[EscrowIdOf(i)] = chain::Escrow{"car-3", "car-4", 500, 3, 300, 150, 20, 1'800'000'000};
    changed.insert(chain::EscrowKey(EscrowIdOf(i)));
  }
  return changed;
}

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

int Main(int argc, char** argv) {
  CLI::App app{"State root per block: whole state against the entries the block changed"};
  int accounts = 4096, cert_bytes = 420, new_escrows = 4096, blocks = 5;
  std::vector<uint64_t> sizes = {0, 25'000, 100'000, 200'000};
  app.add_option("--accounts", accounts)->capture_default_str();
  app.add_option("--cert-bytes", cert_bytes)->capture_default_str();
  app.add_option("--new-escrows", new_escrows, "Escrows each block adds")->capture_default_str();
  app.add_option("--escrows", sizes, "Open escrows before the blocks (one run each)");
  app.add_option("--blocks", blocks, "Blocks timed per run")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::printf("%10s %10s %16s %16s %8s\n", "escrows", "entries", "whole state ms", "changed ms",
              "ratio");
  for (uint64_t escrows : sizes) {
    chain::State s = MakeState(accounts, cert_bytes, escrows);
    chain::StateLeaves leaves(chain::EncodeEntries(s));
    double whole = 0, changed = 0;
    uint64_t next = escrows;
    for (int b = 0; b < blocks; ++b) {
      const std::set<std::string> keys = ApplyBlock(s, next, new_escrows);
      next += static_cast<uint64_t>(new_escrows);
      auto t0 = std::chrono::steady_clock::now();
      const Hash32 full = chain::StateRoot(chain::EncodeEntries(s));
      whole += MsSince(t0);
      t0 = std::chrono::steady_clock::now();
      const chain::EntryChanges changes = chain::EncodeChanges(s, keys);
      const Hash32 incremental = leaves.RootWith(changes);
      leaves.Apply(changes);
      changed += MsSince(t0);
      if (full != incremental) {
        std::fprintf(stderr, "roots differ at %llu escrows\n",
                     static_cast<unsigned long long>(escrows));
        return 1;
      }
    }
    std::printf("%10llu %10zu %16.2f %16.2f %7.1fx\n", static_cast<unsigned long long>(escrows),
                leaves.size(), whole / blocks, changed / blocks, whole / changed);
  }
  return 0;
}

}  // namespace
}  // namespace v2v

int main(int argc, char** argv) { return v2v::Main(argc, argv); }
