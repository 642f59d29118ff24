// The node's dialler and penalty book (docs/spec/node.md N3): the addresses it keeps dialling,
// which connection came from which dial, the names removed by the operator, and the penalty
// score per peer name (certificate subject) with the ban threshold. Pure bookkeeping: the
// caller dials, sends and hangs up. Not thread-safe (one owner).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "net/peer_transport.h"
#include "node/config.h"
#include "node/peer_penalty.h"

namespace v2v::node {

class PeerBook {
 public:
  explicit PeerBook(const std::vector<HostPort>& peers);

  // The targets to dial now (not removed, no connection or dial under way), "host:port" each.
  std::vector<std::string> DueForDial() const;
  const HostPort& target(const std::string& address) const { return targets_.at(address).hp; }
  void Dialling(const std::string& address, net::PeerId id) { targets_.at(address).peer = id; }

  // A connection authenticated as `name`: the dial target it answers ("host:port"), if we
  // dialled it. Remembers the name for RemovePeer by address.
  std::optional<std::string> Connected(net::PeerId id, const std::string& name);
  void Disconnected(net::PeerId id);
  // Why a peer of this name is refused ("self", "removed or banned"), or nullopt.
  std::optional<std::string> Refusal(const std::string& name, const std::string& self) const;

  // Adds `points` to the name's score; returns the new score (banned at kBanThreshold).
  int Penalise(const std::string& name, int points);

  // Whether `address` ("host:port") is a dial target (removed or not).
  bool Knows(const std::string& address) const { return targets_.count(address) > 0; }
  // The dial targets not removed.
  size_t ActiveTargets() const;
  // A "host:port" to dial, or a name to accept again. The name (for an address: the name last
  // seen there) is forgiven: no longer removed, and its penalty score cleared, so a ban is lifted.
  Status Add(const std::string& host_port_or_name);
  // Stops dialling the address (or the names behind it) and refuses those names; returns the
  // names whose connections must close. `connected` maps live dial targets to peer names.
  Result<std::set<std::string>> Remove(const std::string& host_port_or_name,
                                       const std::map<std::string, std::string>& connected);

 private:
  void Forgive(const std::string& name);

  struct DialTarget {
    HostPort hp;
    bool removed = false;
    std::optional<net::PeerId> peer;  // dialling or connected
    std::string last_name;
  };
  std::map<std::string, DialTarget> targets_;  // by "host:port"
  std::set<std::string> removed_names_;
  std::map<std::string, int> name_scores_;
};

}  // namespace v2v::node
