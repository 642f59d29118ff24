// The whole-network simulation on a fixed set of seeds: every invariant holds through faults,
// and a seed reproduces its run byte for byte.
#include "cluster/cluster.h"

#include <gtest/gtest.h>

#include <iostream>

namespace v2v::cluster {
namespace {

ClusterOptions Short(uint64_t seed) {
  ClusterOptions o;
  o.seed = seed;
  o.steps = 1200;  // one minute of simulated time with faults
  return o;
}

TEST(Cluster, FixedSeedsHoldEveryInvariant) {
  for (uint64_t seed : {1, 2, 3, 4}) {
    Trace trace;
    const ClusterReport r = RunCluster(Short(seed), trace);
    std::cout << r.Summary() << "\n";
    EXPECT_FALSE(r.violation) << r.Summary();
    EXPECT_GT(r.blocks, 10u) << r.Summary();
    EXPECT_GT(r.txs, 0u) << r.Summary();
  }
}

TEST(Cluster, ASeedReproducesItsRunByteForByte) {
  Trace t1, t2, t3;
  const ClusterReport a = RunCluster(Short(11), t1);
  const ClusterReport b = RunCluster(Short(11), t2);
  const ClusterReport c = RunCluster(Short(12), t3);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(t1.lines(), t2.lines());
  EXPECT_NE(a.fingerprint, c.fingerprint);
}

TEST(Cluster, FaultsAreInjected) {
  uint64_t partitions = 0, crashes = 0, drops = 0;
  for (uint64_t seed : {21, 22, 23}) {
    Trace trace;
    ClusterOptions o = Short(seed);
    o.steps = 2400;
    const ClusterReport r = RunCluster(o, trace);
    EXPECT_FALSE(r.violation) << r.Summary();
    partitions += r.partitions;
    crashes += r.crashes + r.sync_crashes;
    drops += r.dropped;
  }
  EXPECT_GT(partitions, 0u);
  EXPECT_GT(crashes, 0u);
  EXPECT_GT(drops, 0u);
}

}  // namespace
}  // namespace v2v::cluster
