// The whole-network simulation on a fixed set of seeds: every invariant holds through faults,
// faults are really injected, and a seed reproduces its run byte for byte.
#include "cluster/cluster.h"

#include <gtest/gtest.h>

#include <iostream>

namespace v2v::cluster {
namespace {

ClusterOptions Seeded(uint64_t seed, int steps) {
  ClusterOptions o;
  o.seed = seed;
  o.steps = steps;
  return o;
}

TEST(Cluster, FixedSeedsHoldEveryInvariantThroughFaults) {
  uint64_t partitions = 0, crashes = 0, sync_crashes = 0, drops = 0, duplicates = 0, votes = 0;
  uint64_t rounds_opened = 0, rounds_committed = 0, bids = 0;
  for (uint64_t seed : {1, 2, 3, 4}) {
    Trace trace;
    const ClusterReport r = RunCluster(Seeded(seed, 1200), trace);  // a minute of simulated time
    std::cout << r.Summary() << "\n";
    EXPECT_FALSE(r.violation) << r.Summary();
    EXPECT_GT(r.blocks, 10u) << r.Summary();
    EXPECT_GT(r.txs, 0u) << r.Summary();
    partitions += r.partitions;
    crashes += r.crashes;
    sync_crashes += r.sync_crashes;
    drops += r.dropped;
    duplicates += r.duplicated;
    votes += r.votes;
    rounds_opened += r.rounds_opened;
    rounds_committed += r.rounds_committed;
    bids += r.bids_accepted;
  }
  EXPECT_GT(partitions, 0u);
  EXPECT_GT(crashes, 0u);
  EXPECT_GT(sync_crashes, 0u);
  EXPECT_GT(drops, 0u);
  EXPECT_GT(duplicates, 0u);
  EXPECT_GT(votes, 0u);
  EXPECT_GT(bids, 0u);  // the vehicles' bids at the gateways' round books
  EXPECT_GT(rounds_opened, 0u);
  EXPECT_GT(rounds_committed, 0u);
}

TEST(Cluster, ASeedReproducesItsRunByteForByte) {
  Trace t1, t2, t3;
  const ClusterReport a = RunCluster(Seeded(11, 600), t1);
  const ClusterReport b = RunCluster(Seeded(11, 600), t2);
  const ClusterReport c = RunCluster(Seeded(12, 600), t3);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(t1.lines(), t2.lines());
  EXPECT_EQ(a.Summary(), b.Summary());
  EXPECT_NE(a.fingerprint, c.fingerprint);
}

TEST(Cluster, CalmRunConverges) {
  ClusterOptions o = Seeded(5, 600);
  o.faults = false;
  Trace trace;
  const ClusterReport r = RunCluster(o, trace);
  EXPECT_FALSE(r.violation) << r.Summary();
  EXPECT_EQ(r.partitions + r.crashes + r.sync_crashes + r.dropped + r.duplicated, 0u);
  EXPECT_GE(r.blocks, 14u) << "period 2 s over 30 s";
  // No crash loses a book: the rounds opened reach the chain, but for the few a book abandons
  // because every bid was left out (another node's round took their nonces first).
  EXPECT_GT(r.rounds_committed, 0u) << r.Summary();
  EXPECT_GE(r.rounds_committed + 2, r.rounds_opened) << r.Summary();
}

}  // namespace
}  // namespace v2v::cluster
