// The simulated network between the cluster's node cores: connections between named nodes,
// frames delivered after a random delay on the simulated clock, and the faults a real network
// has. Within a connection, control frames (hello, get_blocks, blocks, ping) keep TCP's order;
// gossip frames (blocks, transactions) may be dropped, duplicated, or overtake each other (as
// gossip relayed along different paths does). Losing a control frame breaks its connection,
// as a broken TCP stream would. A partition breaks every connection between its sides and
// refuses dials across them until it heals; a crashed node's connections break.
//
// Every draw comes from the run's seeded generator and events run in (time, sequence) order,
// so a run is deterministic. Single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/status.h"
#include "net/peer_transport.h"

namespace v2v::cluster {

struct NetworkFaults {
  double drop_gossip = 0.0;    // a gossip frame silently lost
  double duplicate = 0.0;      // a gossip frame delivered twice
  double reorder = 0.0;        // a gossip frame on its own delay (may overtake)
  double break_control = 0.0;  // a control frame lost: its connection breaks
  int64_t min_delay_ms = 1, max_delay_ms = 120;
};

// What the network calls on a node (its NodeService in the cluster).
struct Endpoint {
  std::function<void(net::PeerId, const std::string& address, const std::string& name)> connected;
  std::function<void(net::PeerId, net::Frame)> frame;
  std::function<void(net::PeerId, const Status&)> disconnected;
};

struct NetworkCounts {
  uint64_t delivered = 0, dropped = 0, duplicated = 0, reordered = 0, broken = 0;
};

class Network {
 public:
  // Node i is reachable as host names[i] (any port) and authenticates as names[i].
  Network(std::vector<std::string> names, base::Rng& rng);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // A node (re)starting with `endpoint`; its old connections are gone (see Crash).
  void Attach(size_t node, Endpoint endpoint);
  // The node died: its connections break (the peers hear after a delay); events to it vanish.
  void Crash(size_t node);
  // Nodes in different groups cannot talk until Heal. `group[i]` for node i.
  void Partition(const std::vector<int>& group);
  void Heal();
  bool partitioned() const { return !group_.empty(); }
  void set_faults(const NetworkFaults& faults) { faults_ = faults; }

  // The PeerTransport of node `node` (valid while the network lives).
  net::PeerTransport& transport(size_t node);

  // Runs every event due at or before `now_ms`, in order.
  void RunUntil(int64_t now_ms);
  const NetworkCounts& counts() const { return counts_; }

 private:
  class NodeTransport;
  friend class NodeTransport;
  struct Conn {
    size_t a = 0, b = 0;         // a dialled b
    net::PeerId pa = 0, pb = 0;  // each side's id for it (pb once accepted)
    uint64_t inc_a = 0, inc_b = 0;
    bool open = false, closed = false;
    int64_t fifo_at[2] = {0, 0};   // latest control delivery per direction (0: a->b)
    int64_t first_at[2] = {0, 0};  // first delivery per direction (the hello)
  };
  struct Event {
    enum Kind { kAccept, kFrame, kClosed } kind;
    uint64_t conn = 0;
    int dir = 0;  // kFrame: 0 a->b, 1 b->a; kClosed: 0 tell a, 1 tell b
    net::Frame frame;
    std::string why;
  };

  net::PeerId Connect(size_t from, const std::string& host);
  void Send(size_t from, net::PeerId id, net::Frame frame);
  void Disconnect(size_t from, net::PeerId id);
  void Break(uint64_t conn, const std::string& why, int64_t delay_a, int64_t delay_b);
  // Break with a delay drawn for each side, a's first.
  void BreakAfterDelays(uint64_t conn, const std::string& why);
  void Schedule(int64_t at, Event e);
  int64_t Delay();
  bool CanTalk(size_t x, size_t y) const;
  void Accept(uint64_t conn);
  void Deliver(const Event& e);

  std::vector<std::string> names_;
  base::Rng& rng_;
  NetworkFaults faults_;
  std::vector<std::unique_ptr<NodeTransport>> transports_;
  std::vector<Endpoint> endpoints_;
  std::vector<uint64_t> incarnation_;
  std::vector<bool> up_;
  std::vector<int> group_;  // empty: healed
  std::map<uint64_t, Conn> conns_;
  std::map<std::pair<size_t, net::PeerId>, uint64_t> by_peer_;
  uint64_t next_conn_ = 1;
  net::PeerId next_peer_ = 1;
  std::map<std::pair<int64_t, uint64_t>, Event> queue_;  // by (time, sequence)
  uint64_t seq_ = 0;
  int64_t now_ms_ = 0;
  NetworkCounts counts_;
};

}  // namespace v2v::cluster
