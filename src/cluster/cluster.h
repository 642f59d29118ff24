// Deterministic simulation of the whole RSU network (what FoundationDB's simulator and
// TigerBeetle's VOPR do for their clusters): K real node cores (node::NodeService) in one
// process, on one simulated clock and a simulated network (network.h) that delays, drops,
// duplicates and reorders messages, partitions and heals; nodes crash and restart on their
// in-memory disks (store/mem_disk.h), some of them between a write and its sync. The workload
// (workload.h) submits signed rounds, meter reports and refunds, and the operators vote signers
// out and in. Each live node also runs the real round book of its vehicle gateway, at which
// simulated vehicles bid (bidders.h).
//
// A run: `steps` steps of `step_ms` with faults, then the network heals, every node comes up,
// faults, workload and bids stop, and the nodes have `quiet_steps` to converge and the round
// books to get their rounds on chain. After every step the
// invariants of chain_checker.h hold on every live node, and at the end all nodes share one
// head with equal state roots and no gateway holds a round neither on chain nor dropped. One seed
// gives one run, byte for byte (the trace fingerprint).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "cluster/trace.h"

namespace v2v::cluster {

struct ClusterOptions {
  uint64_t seed = 1;
  int nodes = 4;           // 2..16
  int steps = 2400;        // with faults (2 minutes of simulated time at 50 ms)
  int64_t step_ms = 50;    // the nodes' tick
  int quiet_steps = 1200;  // after healing, to converge
  bool faults = true;
};

struct ClusterReport {
  uint64_t seed = 0;
  int nodes = 0, steps = 0;
  uint64_t partitions = 0, crashes = 0, sync_crashes = 0;
  uint64_t dropped = 0, duplicated = 0, reordered = 0, broken = 0;
  uint64_t votes = 0, blocks = 0, txs = 0, submitted = 0;
  // The gateways' rounds: opened by the books, committed on the final canonical chain; and the
  // vehicles' bids the books accepted.
  uint64_t rounds_opened = 0, rounds_committed = 0, bids_accepted = 0;
  uint64_t penalties =
      0;  // given by honest nodes to honest peers (none expected but for our own I/O errors)
  Hash32 fingerprint;
  std::optional<std::string> violation;  // "step N node K: what"
  // One line: the seed, the faults injected, blocks and transactions, the gateways' rounds
  // (opened/committed) and accepted bids, the fingerprint, verdict.
  std::string Summary() const;
};

// Runs one seed; the trace (events and the nodes' logs) goes to `trace`.
ClusterReport RunCluster(const ClusterOptions& options, Trace& trace);

}  // namespace v2v::cluster
