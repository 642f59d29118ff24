// Every key the ledger writes to its KvStore (like geth's core/rawdb/schema.go). Nothing else
// in the store. The values' encoders and decoders are in ledger_records.h. Heights are 8-byte
// big-endian so keys sort by height; hashes are 32 raw bytes.
//
//   "g"                      -> genesis (contract/genesis.h canonical encoding)
//   "H"                      -> head: u64 height || 32-byte block hash
//   "B/" + hash              -> block encoding (chain/block.h), every stored block: canonical
//                               or side (genesis included)
//   "c/" + be64(height)      -> 32-byte hash of the canonical block at that height
//   "m/" + hash              -> block metadata, tag "v2v.blockmeta": u64 height | u64 total
//                               difficulty | blob header encoding | blob Clique snapshot after
//                               the block (consensus/poa/snapshot.h Encode)
//   "u/" + hash              -> undo record of a canonical block above genesis, tag "v2v.undo":
//                               list of (str state key | u8 had | blob prior value if had): what
//                               the block changed, to roll the state back on a reorg
//   "X/" + hash              -> why the block failed execution (bad), tag "v2v.badblock": u32
//                               chain::Reject code | i64 tx index (-1: none) | str detail; its
//                               "B/" and "m/" entries are gone and descendants are refused
//   "S/" + state key         -> state entry value of the head state (chain/state.h: "a/<id>",
//                               "e/<32 bytes>", "r/<32 bytes>", "s")
//
// Every Import/Append commits in one synced WriteBatch: the new block's "B/" and "m/"; if the
// head moves, the "u/" records of rolled-back blocks are applied to "S/" and deleted, each newly
// canonical block's "c/" and "u/" are written, "c/" entries above the new head height deleted,
// every changed "S/" entry and the new "H". So after a crash the store holds the state after the
// block "H" names, and "c/" lists exactly its ancestors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace v2v::store::schema {

inline constexpr std::string_view kGenesis = "g";
inline constexpr std::string_view kHead = "H";
inline constexpr std::string_view kBlockPrefix = "B/";
inline constexpr std::string_view kCanonicalPrefix = "c/";
inline constexpr std::string_view kMetaPrefix = "m/";
inline constexpr std::string_view kUndoPrefix = "u/";
inline constexpr std::string_view kBadPrefix = "X/";
inline constexpr std::string_view kStatePrefix = "S/";

inline std::string BigEndian64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return s;
}
inline std::string HashKey(std::string_view prefix, const Hash32& h) {
  return std::string(prefix) + std::string(h.bytes.begin(), h.bytes.end());
}
inline std::string BlockKey(const Hash32& h) { return HashKey(kBlockPrefix, h); }
inline std::string CanonicalKey(uint64_t height) {
  return std::string(kCanonicalPrefix) + BigEndian64(height);
}
inline std::string MetaKey(const Hash32& h) { return HashKey(kMetaPrefix, h); }
inline std::string UndoKey(const Hash32& h) { return HashKey(kUndoPrefix, h); }
inline std::string BadKey(const Hash32& h) { return HashKey(kBadPrefix, h); }
inline std::string StateKey(std::string_view state_key) {
  return std::string(kStatePrefix) + std::string(state_key);
}

}  // namespace v2v::store::schema
