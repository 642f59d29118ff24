// The simulation's clock and randomness wiring: one simulated clock shared by every node (a
// base::FakeClock the simulation advances), and the portable generator (base::Rng) from which
// the run draws its faults, workload and bids and each node process its own seeded stream
// (base::SeededRandom), so that a seed replays the same run on every standard library.
#pragma once

#include "base/clock.h"
#include "base/random.h"

namespace v2v::cluster {

using SimClock = base::FakeClock;

}  // namespace v2v::cluster
