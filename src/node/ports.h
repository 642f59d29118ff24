// The outside world a node core sees, injected (docs/architecture.md "Determinism"): the clock
// and the random draws (Clique's out-of-turn wiggle and vote choice), the project's own
// base::Clock and base::Random. Peers come through net::PeerTransport and storage through
// store::KvStore. Production uses the system clock and a randomly seeded generator; the cluster
// simulation (src/cluster/) its own.
#pragma once

#include "base/clock.h"
#include "base/random.h"

namespace v2v::node {

using Clock = base::Clock;
using Random = base::Random;
using base::NewSystemClock;
using base::NewSystemRandom;

}  // namespace v2v::node
