// Forwarding header: the round builder is auction/round_builder.h. Goes once nothing includes it.
#pragma once

#include "auction/round_builder.h"

namespace v2v::contract {
using auction::BuildRound;
using auction::RoundParams;
}  // namespace v2v::contract
