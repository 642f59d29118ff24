// The port through which a node core talks to its peers: dial, send a frame, hang up. Events
// (a peer authenticated, a frame arrived, a connection ended) go the other way, to callbacks the
// owner wires up. Implemented by TlsTransport (TCP + TLS 1.3) and by the cluster simulation's
// network (src/cluster/), so the node core runs without sockets.
#pragma once

#include <cstdint>
#include <string>

#include "net/frame.h"

namespace v2v::net {

using PeerId = uint64_t;

class PeerTransport {
 public:
  virtual ~PeerTransport() = default;
  // Connects asynchronously; the outcome arrives as a connect or a disconnect event carrying
  // the PeerId returned here.
  virtual PeerId Connect(const std::string& host, uint16_t port) = 0;
  // Queues a frame to a connected peer (no-op if it is gone).
  virtual void Send(PeerId peer, Frame frame) = 0;
  // Closes the connection; a disconnect event follows.
  virtual void Disconnect(PeerId peer) = 0;
};

}  // namespace v2v::net
