#include "node/peer_book.h"

namespace v2v::node {

PeerBook::PeerBook(const std::vector<HostPort>& peers) {
  for (const HostPort& hp : peers)
    targets_[hp.ToString()] = DialTarget{hp, false, std::nullopt, ""};
}

std::vector<std::string> PeerBook::DueForDial() const {
  std::vector<std::string> out;
  for (const auto& [addr, t] : targets_) {
    if (!t.removed && !t.peer) out.push_back(addr);
  }
  return out;
}

std::optional<std::string> PeerBook::Connected(net::PeerId id, const std::string& name) {
  std::optional<std::string> dialled;
  for (auto& [addr, t] : targets_) {
    if (t.peer == id) {
      dialled = addr;
      t.last_name = name;
    }
  }
  if (dialled) removed_names_.erase(name);  // we dialled a target that is not removed
  return dialled;
}

void PeerBook::Disconnected(net::PeerId id) {
  for (auto& [addr, t] : targets_) {
    if (t.peer == id) t.peer.reset();
  }
}

std::optional<std::string> PeerBook::Refusal(const std::string& name,
                                             const std::string& self) const {
  if (name == self) return "self";
  auto score = name_scores_.find(name);
  if (removed_names_.count(name) > 0 ||
      (score != name_scores_.end() && score->second >= kBanThreshold)) {
    return "removed or banned";
  }
  return std::nullopt;
}

int PeerBook::Penalise(const std::string& name, int points) { return name_scores_[name] += points; }

size_t PeerBook::ActiveTargets() const {
  size_t n = 0;
  for (const auto& [address, target] : targets_) n += target.removed ? 0 : 1;
  return n;
}

Status PeerBook::Add(const std::string& host_port_or_name) {
  if (host_port_or_name.find(':') == std::string::npos) {  // a name: accept it again
    Forgive(host_port_or_name);
    for (auto& [addr, target] : targets_) {
      if (target.last_name == host_port_or_name) target.removed = false;
    }
    return Status::Ok();
  }
  V2V_ASSIGN_OR_RETURN(HostPort hp, ParseHostPort(host_port_or_name));
  auto& t = targets_[hp.ToString()];
  t.hp = hp;
  t.removed = false;
  if (!t.last_name.empty()) Forgive(t.last_name);
  return Status::Ok();
}

void PeerBook::Forgive(const std::string& name) {
  removed_names_.erase(name);
  name_scores_.erase(name);
}

Result<std::set<std::string>> PeerBook::Remove(
    const std::string& host_port_or_name, const std::map<std::string, std::string>& connected) {
  std::set<std::string> names;
  auto t = targets_.find(host_port_or_name);
  if (t != targets_.end()) {
    t->second.removed = true;
    if (!t->second.last_name.empty()) names.insert(t->second.last_name);
  } else if (host_port_or_name.find(':') != std::string::npos) {
    V2V_ASSIGN_OR_RETURN(HostPort hp, ParseHostPort(host_port_or_name));
    targets_[hp.ToString()] = DialTarget{hp, true, std::nullopt, ""};
  } else {
    names.insert(host_port_or_name);
  }
  auto c = connected.find(host_port_or_name);
  if (c != connected.end()) names.insert(c->second);
  for (const std::string& n : names) {
    removed_names_.insert(n);
    for (auto& [addr, target] : targets_) {
      if (target.last_name == n) target.removed = true;
    }
  }
  return names;
}

}  // namespace v2v::node
