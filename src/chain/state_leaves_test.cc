#include "chain/state_leaves.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace v2v::chain {
namespace {

Hash32 IdOf(uint8_t n) {
  Hash32 h;
  h.bytes[0] = n;
  h.bytes[31] = static_cast<uint8_t>(n * 7);
  return h;
}

// A state of up to 8 accounts, 8 escrows and 4 revocations, picked by `pick`.
template <class Pick>
State RandomState(Pick pick) {
  State s;
  for (int i = 0; i < 8; ++i) {
    if (!pick(2)) continue;
    Account a;
    a.certificate = Bytes(static_cast<size_t>(pick(40)), static_cast<uint8_t>(i));
    a.balance = pick(1000);
    a.energy_wh = pick(1000);
    a.nonce = static_cast<uint64_t>(pick(5));
    s.accounts["car-" + std::to_string(i)] = a;
  }
  for (uint8_t i = 0; i < 8; ++i) {
    if (pick(2)) s.escrows[IdOf(i)] = Escrow{"car-1", "car-2", pick(100), 1, 300, pick(50), 9, 7};
  }
  for (uint8_t i = 0; i < 4; ++i) {
    if (pick(2)) s.revoked.insert(IdOf(static_cast<uint8_t>(100 + i)));
  }
  s.supply = {pick(100), pick(100), pick(100)};
  return s;
}

// Every key either state may hold, and keys neither holds.
std::set<std::string> AllKeys() {
  std::set<std::string> keys = {std::string(kSupplyKey), AccountKey("nobody"),
                                EscrowKey(IdOf(200))};
  for (int i = 0; i < 8; ++i) keys.insert(AccountKey("car-" + std::to_string(i)));
  for (uint8_t i = 0; i < 8; ++i) keys.insert(EscrowKey(IdOf(i)));
  for (uint8_t i = 0; i < 4; ++i) keys.insert(RevokedKey(IdOf(static_cast<uint8_t>(100 + i))));
  return keys;
}

// The keys on which the two states' entries differ, plus `extra` of the rest (a contract may
// report a key it touched without changing it).
std::set<std::string> ChangedKeys(const State& before, const State& after,
                                  const std::vector<bool>& extra) {
  std::set<std::string> out;
  size_t i = 0;
  for (const std::string& key : AllKeys()) {
    const bool differs = EncodeEntry(before, key) != EncodeEntry(after, key);
    if (differs || (i < extra.size() && extra[i])) out.insert(key);
    ++i;
  }
  return out;
}

// The incremental root is StateRoot of the state after, for any parent and any changes.
RC_GTEST_PROP(StateLeavesProperty, RootWithChangesIsTheStateRootAfter, ()) {
  auto pick = [](int n) { return static_cast<int64_t>(*rc::gen::inRange(0, n)); };
  const State before = RandomState(pick);
  const State after = RandomState(pick);
  const auto extra =
      *rc::gen::container<std::vector<bool>>(AllKeys().size(), rc::gen::arbitrary<bool>());
  const EntryChanges changes = EncodeChanges(after, ChangedKeys(before, after, extra));

  StateLeaves leaves(EncodeEntries(before));
  RC_ASSERT(leaves.RootWith({}) == StateRoot(before));
  RC_ASSERT(leaves.RootWith(changes) == StateRoot(after));
  leaves.Apply(changes);
  RC_ASSERT(leaves.RootWith({}) == StateRoot(after));
  RC_ASSERT(leaves.size() == EncodeEntries(after).size());
}

// A key left out of the changes leaves its old leaf in the root: the root is wrong, as the
// executor's debug check would catch.
TEST(StateLeaves, AMissedChangeGivesAnotherRoot) {
  State before;
  before.accounts["car-1"].balance = 5;
  State after = before;
  after.accounts["car-1"].balance = 6;
  after.supply.lost_wh = 1;
  const StateLeaves leaves(EncodeEntries(before));
  EXPECT_EQ(leaves.RootWith(EncodeChanges(after, {AccountKey("car-1"), std::string(kSupplyKey)})),
            StateRoot(after));
  EXPECT_NE(leaves.RootWith(EncodeChanges(after, {std::string(kSupplyKey)})), StateRoot(after));
}

TEST(StateLeaves, EncodeEntryIsTheEntryOfEncodeEntries) {
  State s;
  s.accounts["car-1"].balance = 5;
  s.escrows[IdOf(3)] = Escrow{"car-1", "car-2", 10, 1, 300, 3, 9, 7};
  s.revoked.insert(IdOf(9));
  const Entries all = EncodeEntries(s);
  for (const auto& [key, value] : all) EXPECT_EQ(EncodeEntry(s, key), value) << key;
  EXPECT_EQ(EncodeEntry(s, AccountKey("car-2")), std::nullopt);
  EXPECT_EQ(EncodeEntry(s, EscrowKey(IdOf(4))), std::nullopt);
  EXPECT_EQ(EncodeEntry(s, "x/unknown"), std::nullopt);
}

}  // namespace
}  // namespace v2v::chain
