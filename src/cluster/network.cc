#include "cluster/network.h"

#include <algorithm>

namespace v2v::cluster {

class Network::NodeTransport final : public net::PeerTransport {
 public:
  NodeTransport(Network& net, size_t node) : net_(net), node_(node) {}
  net::PeerId Connect(const std::string& host, uint16_t) override {
    return net_.Connect(node_, host);
  }
  void Send(net::PeerId peer, net::Frame frame) override {
    net_.Send(node_, peer, std::move(frame));
  }
  void Disconnect(net::PeerId peer) override { net_.Disconnect(node_, peer); }

 private:
  Network& net_;
  size_t node_;
};

Network::Network(std::vector<std::string> names, base::Rng& rng)
    : names_(std::move(names)),
      rng_(rng),
      endpoints_(names_.size()),
      incarnation_(names_.size(), 0),
      up_(names_.size(), false) {
  for (size_t i = 0; i < names_.size(); ++i)
    transports_.push_back(std::make_unique<NodeTransport>(*this, i));
}

Network::~Network() = default;

net::PeerTransport& Network::transport(size_t node) { return *transports_[node]; }

void Network::Attach(size_t node, Endpoint endpoint) {
  endpoints_[node] = std::move(endpoint);
  up_[node] = true;
  ++incarnation_[node];
}

void Network::Crash(size_t node) {
  up_[node] = false;
  ++incarnation_[node];  // events addressed to the old process vanish
  for (auto& [id, c] : conns_) {
    if (!c.closed && (c.a == node || c.b == node)) BreakAfterDelays(id, "peer crashed");
  }
}

bool Network::CanTalk(size_t x, size_t y) const { return group_.empty() || group_[x] == group_[y]; }

void Network::Partition(const std::vector<int>& group) {
  group_ = group;
  // A TCP stream notices after 200..1000 ms.
  auto timeout = [this] { return 200 + static_cast<int64_t>(rng_.Below(801)); };
  for (auto& [id, c] : conns_) {
    if (!c.closed && !CanTalk(c.a, c.b)) {
      const int64_t a = timeout();
      Break(id, "partition", a, timeout());
    }
  }
}

void Network::Heal() { group_.clear(); }

int64_t Network::Delay() {
  const auto span = static_cast<uint64_t>(faults_.max_delay_ms - faults_.min_delay_ms);
  return faults_.min_delay_ms + static_cast<int64_t>(rng_.Below(span + 1));
}

void Network::BreakAfterDelays(uint64_t conn, const std::string& why) {
  const int64_t delay_a = Delay();  // drawn in order: a seed gives one run on every compiler
  Break(conn, why, delay_a, Delay());
}

void Network::Schedule(int64_t at, Event e) {
  queue_.emplace(std::make_pair(at, seq_++), std::move(e));
}

net::PeerId Network::Connect(size_t from, const std::string& host) {
  const net::PeerId pa = next_peer_++;
  const uint64_t id = next_conn_++;
  Conn& c = conns_[id];
  c.a = from;
  c.pa = pa;
  c.inc_a = incarnation_[from];
  by_peer_[{from, pa}] = id;
  auto it = std::find(names_.begin(), names_.end(), host);
  if (it == names_.end()) {
    c.closed = true;
    Schedule(now_ms_ + Delay(), Event{Event::kClosed, id, 0, {}, "unknown host " + host});
  } else {
    c.b = static_cast<size_t>(it - names_.begin());
    Schedule(now_ms_ + Delay(), Event{Event::kAccept, id, 0, {}, ""});
  }
  return pa;
}

void Network::Accept(uint64_t id) {
  Conn& c = conns_.at(id);
  if (c.closed) return;
  if (!up_[c.b] || !CanTalk(c.a, c.b)) {
    c.closed = true;
    Schedule(now_ms_ + Delay(), Event{Event::kClosed, id, 0, {}, "connection refused"});
    return;
  }
  c.open = true;
  c.pb = next_peer_++;
  c.inc_b = incarnation_[c.b];
  by_peer_[{c.b, c.pb}] = id;
  const size_t a = c.a, b = c.b;
  const net::PeerId pa = c.pa, pb = c.pb;
  endpoints_[b].connected(pb, names_[a], names_[a]);
  if (conns_.at(id).open) endpoints_[a].connected(pa, names_[b], names_[b]);
}

void Network::Send(size_t from, net::PeerId peer, net::Frame frame) {
  auto p = by_peer_.find({from, peer});
  if (p == by_peer_.end()) return;
  const uint64_t id = p->second;
  Conn& c = conns_.at(id);
  if (!c.open) return;
  const int dir = from == c.a ? 0 : 1;
  const bool gossip =
      frame.type == net::MessageType::kBlock || frame.type == net::MessageType::kTransaction;
  if (rng_.Bernoulli(gossip ? faults_.drop_gossip : faults_.break_control)) {
    if (gossip) {
      ++counts_.dropped;
    } else {
      ++counts_.broken;
      BreakAfterDelays(id, "connection reset");
    }
    return;
  }
  int64_t at = now_ms_ + Delay();
  if (gossip && rng_.Bernoulli(faults_.reorder)) {
    at = std::max(at, c.first_at[dir]);  // never before the connection's hello
    ++counts_.reordered;
  } else {
    at = std::max(at, c.fifo_at[dir]);
    c.fifo_at[dir] = at;
  }
  if (c.first_at[dir] == 0) c.first_at[dir] = at;
  const bool twice = gossip && rng_.Bernoulli(faults_.duplicate);
  if (twice) {
    ++counts_.duplicated;
    Schedule(at + Delay(), Event{Event::kFrame, id, dir, frame, ""});
  }
  Schedule(at, Event{Event::kFrame, id, dir, std::move(frame), ""});
}

void Network::Disconnect(size_t from, net::PeerId peer) {
  auto p = by_peer_.find({from, peer});
  if (p == by_peer_.end()) return;
  Conn& c = conns_.at(p->second);
  if (c.closed) return;
  // The side hanging up hears at once; the other after a delay.
  const bool a_side = from == c.a;
  Break(p->second, "closed", a_side ? 0 : Delay(), a_side ? Delay() : 0);
}

void Network::Break(uint64_t id, const std::string& why, int64_t delay_a, int64_t delay_b) {
  Conn& c = conns_.at(id);
  const bool accepted = c.pb != 0;
  c.open = false;
  c.closed = true;
  Schedule(now_ms_ + delay_a, Event{Event::kClosed, id, 0, {}, why});
  if (accepted) Schedule(now_ms_ + delay_b, Event{Event::kClosed, id, 1, {}, why});
}

void Network::Deliver(const Event& e) {
  Conn& c = conns_.at(e.conn);
  switch (e.kind) {
    case Event::kAccept:
      Accept(e.conn);
      return;
    case Event::kFrame: {
      const size_t to = e.dir == 0 ? c.b : c.a;
      const uint64_t inc = e.dir == 0 ? c.inc_b : c.inc_a;
      if (!c.open || !up_[to] || incarnation_[to] != inc) return;
      ++counts_.delivered;
      endpoints_[to].frame(e.dir == 0 ? c.pb : c.pa, e.frame);
      return;
    }
    case Event::kClosed: {
      const size_t to = e.dir == 0 ? c.a : c.b;
      const uint64_t inc = e.dir == 0 ? c.inc_a : c.inc_b;
      const net::PeerId pid = e.dir == 0 ? c.pa : c.pb;
      by_peer_.erase({to, pid});
      if (!up_[to] || incarnation_[to] != inc) return;
      endpoints_[to].disconnected(pid, Status::IoError(e.why));
      return;
    }
  }
}

void Network::RunUntil(int64_t now_ms) {
  while (!queue_.empty() && queue_.begin()->first.first <= now_ms) {
    auto node = queue_.extract(queue_.begin());
    now_ms_ = node.key().first;
    Deliver(node.mapped());
  }
  now_ms_ = now_ms;
}

}  // namespace v2v::cluster
