// Every key the ledger writes to its KvStore (like geth's core/rawdb/schema.go). Nothing else
// in the store. Heights are 8-byte big-endian so keys sort by height.
//
//   "g"                      -> genesis (contract/genesis.h canonical encoding)
//   "H"                      -> head: u64 height || 32-byte block hash
//   "b/" + be64(height)      -> canonical block encoding (chain/block.h)
//   "n/" + hash(32)          -> be64(height): block hash index
//   "S/" + state key         -> state entry value (chain/state.h: "a/<id>", "e/<32 bytes>", "s")
//
// A block commits in one synced WriteBatch: its "b/" and "n/" entries, every changed "S/" entry
// and the new "H". So after a crash the store holds exactly the blocks up to some head and the
// state after that head.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace v2v::store::schema {

inline constexpr std::string_view kGenesis = "g";
inline constexpr std::string_view kHead = "H";
inline constexpr std::string_view kBlockPrefix = "b/";
inline constexpr std::string_view kHashIndexPrefix = "n/";
inline constexpr std::string_view kStatePrefix = "S/";

inline std::string BigEndian64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return s;
}
inline std::string BlockKey(uint64_t height) { return std::string(kBlockPrefix) + BigEndian64(height); }
inline std::string HashIndexKey(const Hash32& h) {
  return std::string(kHashIndexPrefix) + std::string(h.bytes.begin(), h.bytes.end());
}
inline std::string StateKey(std::string_view state_key) {
  return std::string(kStatePrefix) + std::string(state_key);
}

}  // namespace v2v::store::schema
