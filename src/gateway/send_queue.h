// One vehicle connection's outgoing frames (docs/spec/vehicle-api.md "Limits"): the shared
// byte-bounded queue (net/byte_queue.h). A frame counts its whole size, its shared push text
// included (OutFrame::size).
#pragma once

#include "gateway/wire.h"
#include "net/byte_queue.h"

namespace v2v::gateway {

using SendQueue = net::ByteBoundedQueue<OutFrame>;

}  // namespace v2v::gateway
