#include "chain/state_leaves.h"

#include <vector>

#include "chain/merkle.h"

namespace v2v::chain {

EntryChanges EncodeChanges(const State& state, const std::set<std::string>& keys) {
  EntryChanges out;
  for (const std::string& key : keys) {
    EntryChange c;
    c.value = EncodeEntry(state, key);
    if (c.value) c.leaf = StateLeaf(key, *c.value);
    out.emplace_hint(out.end(), key, std::move(c));
  }
  return out;
}

StateLeaves::StateLeaves(const Entries& entries) {
  for (const auto& [key, value] : entries)
    leaves_.emplace_hint(leaves_.end(), key, StateLeaf(key, value));
}

Hash32 StateLeaves::RootWith(const EntryChanges& changes) const {
  std::vector<Hash32> leaves;
  leaves.reserve(leaves_.size() + changes.size());
  auto have = leaves_.begin();
  auto change = changes.begin();
  // Both in key order: a merge, where a changed key's new leaf (or nothing) replaces the old.
  while (have != leaves_.end() || change != changes.end()) {
    if (change == changes.end() || (have != leaves_.end() && have->first < change->first)) {
      leaves.push_back((have++)->second);
      continue;
    }
    if (have != leaves_.end() && have->first == change->first) ++have;
    if (change->second.value) leaves.push_back(change->second.leaf);
    ++change;
  }
  return MerkleRoot(std::move(leaves));
}

void StateLeaves::Apply(const EntryChanges& changes) {
  for (const auto& [key, c] : changes) {
    if (c.value) {
      leaves_.insert_or_assign(key, c.leaf);
    } else {
      leaves_.erase(key);
    }
  }
}

}  // namespace v2v::chain
