// The simulator's deterministic random numbers: the project's portable generator
// (base/random.h), under the names the simulator has always used.
#pragma once

#include "base/random.h"

namespace v2v::sim {

using Rng = base::Rng;
using base::DeriveSeed;

}  // namespace v2v::sim
