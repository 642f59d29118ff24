// Child process of crash_test: appends simulated blocks to a RocksDB ledger forever, recording
// each committed height in a progress file (the page cache survives SIGKILL), until killed.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "node/ledger.h"
#include "node/simulation.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: crash_child DATA PROGRESS SEED\n");
    return 2;
  }
  const v2v::node::Simulation sim;
  auto kv = v2v::store::OpenRocksKvStore(argv[1]);
  if (!kv.ok()) return std::fprintf(stderr, "%s\n", kv.status().ToString().c_str()), 1;
  auto ledger = v2v::node::Ledger::Init(std::move(kv).value(), sim.genesis());
  if (!ledger.ok()) return std::fprintf(stderr, "%s\n", ledger.status().ToString().c_str()), 1;
  const int fd = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::mt19937_64 rng(std::strtoull(argv[3], nullptr, 10));
  for (;;) {
    auto block = sim.NextBlock(**ledger, rng);
    if (!block.ok()) return std::fprintf(stderr, "%s\n", block.status().ToString().c_str()), 1;
    if (auto s = (*ledger)->Append(*block); !s.ok()) {
      return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
    }
    const std::string line = std::to_string((*ledger)->head().height) + "\n";
    if (::write(fd, line.data(), line.size()) < 0) return 1;
  }
}
