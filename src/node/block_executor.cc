#include "node/block_executor.h"

#include <cassert>

#include "store/schema.h"

namespace v2v::node {

using chain::Reject;
using chain::Rejected;
namespace schema = store::schema;

std::optional<chain::Rejection> BlockExecutor::CheckTxs(const std::vector<chain::Tx>& txs) const {
  return contract::CheckTxsParallel(txs, verify_threads_, checked_txs_.get());
}

chain::ValidationResult<contract::Executed> BlockExecutor::Execute(
    const chain::State& state, const chain::Block& block, const chain::StateLeaves* leaves) const {
  if (auto r = CheckTxs(block.txs)) return *r;
  return ExecuteChecked(state, block, leaves);
}

chain::ValidationResult<contract::Executed> BlockExecutor::ExecuteChecked(
    const chain::State& state, const chain::Block& block, const chain::StateLeaves* leaves) const {
  auto result = contract_.Execute(state, block, /*checked=*/true);
  if (auto* r = std::get_if<chain::Rejection>(&result)) return *r;
  contract::Executed next = std::get<contract::Executed>(std::move(result));
  if (StateRootAfter(next.state, next.changes, leaves) != block.header.state_root) {
    return Rejected(Reject::kBadStateRoot, "");
  }
  return next;
}

Hash32 BlockExecutor::StateRootAfter(const chain::State& after, const chain::EntryChanges& changes,
                                     const chain::StateLeaves* parent_leaves) const {
  if (parent_leaves == nullptr) return contract_.Commit(after);
  const Hash32 root = parent_leaves->RootWith(changes);
  assert(root == contract_.Commit(after) && "the changed entries miss a change of the state");
  return root;
}

namespace {

// Calls f(key, before or null, after or null) for every key whose value differs.
template <class F>
void ForEachChange(const chain::Entries& before, const chain::Entries& after, F f) {
  auto b = before.begin(), a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      f(b->first, &b->second, nullptr);
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      f(a->first, nullptr, &a->second);
      ++a;
    } else {
      if (a->second != b->second) f(a->first, &b->second, &a->second);
      ++a, ++b;
    }
  }
}

// Calls f(key, before or null, after or null) for every key of `changes` whose value differs.
template <class F>
void ForEachChange(const chain::Entries& before, const chain::EntryChanges& changes, F f) {
  for (const auto& [key, change] : changes) {
    auto was = before.find(key);
    const Bytes* b = was == before.end() ? nullptr : &was->second;
    const Bytes* a = change.value ? &*change.value : nullptr;
    if (b == nullptr && a == nullptr) continue;
    if (b != nullptr && a != nullptr && *a == *b) continue;
    f(key, b, a);
  }
}

// `After`: the entries after the block (chain::Entries) or the entries it changed.
template <class After>
store::UndoRecord UndoOf(const chain::Entries& before, const After& after) {
  store::UndoRecord undo;
  ForEachChange(before, after, [&](const std::string& k, const Bytes* was, const Bytes*) {
    undo.emplace_back(k, was ? std::optional<Bytes>(*was) : std::nullopt);
  });
  return undo;
}

template <class After>
void StageWrites(const chain::Entries& before, const After& after, store::WriteBatch& batch) {
  ForEachChange(before, after, [&](const std::string& k, const Bytes*, const Bytes* now) {
    if (now) {
      batch.Put(schema::StateKey(k), *now);
    } else {
      batch.Delete(schema::StateKey(k));
    }
  });
}

}  // namespace

store::UndoRecord MakeUndo(const chain::Entries& before, const chain::Entries& after) {
  return UndoOf(before, after);
}

store::UndoRecord MakeUndo(const chain::Entries& before, const chain::EntryChanges& changes) {
  return UndoOf(before, changes);
}

void StageStateChanges(const chain::Entries& before, const chain::Entries& after,
                       store::WriteBatch& batch) {
  StageWrites(before, after, batch);
}

void StageStateChanges(const chain::Entries& before, const chain::EntryChanges& changes,
                       store::WriteBatch& batch) {
  StageWrites(before, changes, batch);
}

void ApplyChanges(chain::Entries& entries, const chain::EntryChanges& changes) {
  for (const auto& [key, change] : changes) {
    if (change.value) {
      entries.insert_or_assign(key, *change.value);
    } else {
      entries.erase(key);
    }
  }
}

Result<chain::Entries> RollBack(const store::KvStore& kv, chain::Entries entries,
                                uint64_t head_height, uint64_t ancestor, store::WriteBatch& batch,
                                std::vector<BlockRemoved>* removed) {
  for (uint64_t k = head_height; k > ancestor; --k) {
    V2V_ASSIGN_OR_RETURN(auto gone, store::LoadCanonicalHash(kv, k));
    if (!gone) return Status::Corruption("canonical index missing at " + std::to_string(k));
    if (removed) removed->push_back({k, *gone});
    V2V_ASSIGN_OR_RETURN(auto undo, store::LoadUndo(kv, *gone));
    if (!undo) return Status::Corruption("undo record missing for " + gone->Hex());
    for (auto& [key, value] : *undo) {
      if (value) {
        entries[key] = std::move(*value);
      } else {
        entries.erase(key);
      }
    }
    batch.Delete(schema::UndoKey(*gone));
  }
  return entries;
}

}  // namespace v2v::node
