// A state's Merkle leaves kept per key, so that the root after a block costs the entries the
// block changed (encoded and hashed once) and the inner nodes, not the whole state again.
//
// The root is exactly StateRoot (state.h): the same leaves in key order under the same MerkleRoot.
// The contract reports the keys a block wrote or erased (contract::Executed::changes);
// EncodeChanges encodes those entries of the state after it; RootWith gives the root the state
// would have with them, and Apply makes it so once the block is stored.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "chain/state.h"

namespace v2v::chain {

// One key's entry after a block: its canonical value (nullopt: erased) and its leaf hash.
struct EntryChange {
  std::optional<Bytes> value;
  Hash32 leaf;  // StateLeaf(key, *value); zero when erased
  bool operator==(const EntryChange&) const = default;
};
using EntryChanges = std::map<std::string, EntryChange>;

// The entries `state` has under `keys` (EncodeEntry), with their leaves.
EntryChanges EncodeChanges(const State& state, const std::set<std::string>& keys);

class StateLeaves {
 public:
  StateLeaves() = default;
  explicit StateLeaves(const Entries& entries);

  // The root of these entries with `changes` applied (an erase of a key not here changes
  // nothing). Equal to StateRoot of the entries Apply would leave.
  Hash32 RootWith(const EntryChanges& changes) const;
  void Apply(const EntryChanges& changes);
  size_t size() const { return leaves_.size(); }

 private:
  std::map<std::string, Hash32> leaves_;
};

}  // namespace v2v::chain
