// Byte strings and fixed-size digests as strong types.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace v2v {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

// Lower-case hex of bytes.
std::string ToHex(ByteSpan bytes);
// Parses hex (upper or lower case, even length); nullopt on any other character.
std::optional<Bytes> FromHex(std::string_view hex);

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A 32-byte digest (SHA-256). Value type; ordered so it can key a map.
struct Hash32 {
  std::array<uint8_t, 32> bytes{};
  auto operator<=>(const Hash32&) const = default;
  std::string Hex() const { return ToHex(bytes); }
  bool IsZero() const {
    for (uint8_t b : bytes)
      if (b) return false;
    return true;
  }
};

}  // namespace v2v
