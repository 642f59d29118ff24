// Child process of crash_test: appends simulated blocks to a RocksDB ledger forever, recording
// each committed height in a progress file (the page cache survives SIGKILL), until killed.
// Every fourth step it instead imports a heavier fork of three empty blocks from two blocks
// below the head (the single authority seals both branches; each block is in turn, difficulty
// 2), so the ledger also reorganises (depth 2) while it is being killed.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "consensus/poa/engine.h"
#include "devnet/block_generator.h"
#include "node/ledger.h"

namespace {

// An empty block on `parent` (whose state root it keeps) sealed in turn by `key`.
v2v::chain::Block EmptyOn(const v2v::chain::BlockHeader& parent,
                          const v2v::crypto::PrivateKey& key) {
  v2v::chain::Block b;
  b.header.height = parent.height + 1;
  b.header.parent = v2v::chain::BlockHash(parent);
  b.header.timestamp_s = parent.timestamp_s + 1;
  b.header.difficulty = 2;
  b.header.tx_root = v2v::chain::TxRoot({});
  b.header.state_root = parent.state_root;
  v2v::consensus::poa::Engine::Seal(b.header, key);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: crash_child DATA PROGRESS SEED\n");
    return 2;
  }
  const v2v::devnet::BlockGenerator sim;
  auto kv = v2v::store::OpenRocksKvStore(argv[1]);
  if (!kv.ok()) return std::fprintf(stderr, "%s\n", kv.status().ToString().c_str()), 1;
  auto ledger = v2v::node::Ledger::Init(std::move(kv).value(), sim.genesis());
  if (!ledger.ok()) return std::fprintf(stderr, "%s\n", ledger.status().ToString().c_str()), 1;
  v2v::node::Ledger& l = **ledger;
  const int fd = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
  v2v::base::Rng rng(std::strtoull(argv[3], nullptr, 10));
  for (uint64_t step = 1;; ++step) {
    if (step % 4 == 0 && l.head().height >= 2) {
      auto base = l.BlockAt(l.head().height - 2);
      if (!base.ok()) return std::fprintf(stderr, "%s\n", base.status().ToString().c_str()), 1;
      v2v::chain::BlockHeader parent = base->header;
      bool reorged = false;  // at the second block (equal weight, hash tie-break) or the third
      for (int i = 0; i < 3; ++i) {
        const v2v::chain::Block b = EmptyOn(parent, sim.authority());
        auto r = l.Import(b, b.header.timestamp_s);
        if (!r.ok()) return std::fprintf(stderr, "%s\n", r.ToStatus().ToString().c_str()), 1;
        reorged = reorged || r->outcome == v2v::node::ImportOutcome::kReorged;
        parent = b.header;
      }
      if (!reorged || l.head_hash() != v2v::chain::BlockHash(parent)) {
        return std::fprintf(stderr, "fork did not win\n"), 1;
      }
    } else {
      auto block = sim.NextBlock(l, rng);
      if (!block.ok()) return std::fprintf(stderr, "%s\n", block.status().ToString().c_str()), 1;
      if (auto s = l.Append(*block); !s.ok()) {
        return std::fprintf(stderr, "%s\n", s.ToStatus().ToString().c_str()), 1;
      }
    }
    const std::string line = std::to_string(l.head().height) + "\n";
    if (::write(fd, line.data(), line.size()) < 0) return 1;
  }
}
