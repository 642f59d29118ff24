// The canonical binary encoding (docs/spec/encoding.md): the only producer of bytes that are
// hashed or signed in v2vtrade.
//
// Every top-level value starts with a domain tag (u8 length + ASCII) and a version byte, so bytes
// of one kind can never be read as another. Integers are fixed-width big-endian; byte strings
// and strings carry a u32 length prefix; booleans are 0 or 1; doubles are IEEE-754 bits (finite,
// never -0). Each value has exactly one encoding: the Reader rejects anything else (a bool of 2,
// a non-finite double, a length past the end, trailing bytes).
//
// Writer and Reader are single-owner values, not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace v2v::codec {

inline constexpr uint8_t kVersion = 1;
// Hard cap on any length prefix: no field of a valid value is this long.
inline constexpr uint32_t kMaxFieldBytes = 16u << 20;

class Writer {
 public:
  Writer() = default;                     // no tag: for pieces nested inside a tagged value
  explicit Writer(std::string_view tag);  // REQUIRES: 1 <= tag.size() <= 255
  // Writes a tag and the version as the tagged constructor does, for a tagged value nested in
  // this one. REQUIRES: 1 <= tag.size() <= 255.
  void Tag(std::string_view tag);

  void U8(uint8_t v) { out_.push_back(v); }
  void Bool(bool v) { out_.push_back(v ? 1 : 0); }
  void U32(uint32_t v);
  void U64(uint64_t v);
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  // REQUIRES: finite (callers validate); -0.0 is written as 0.0.
  void F64(double v);
  void Raw(ByteSpan bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  void Blob(ByteSpan bytes);  // u32 length + bytes
  // A blob written in place, with no copy of a nested value: what is written between
  // `const size_t at = OpenBlob()` and `CloseBlob(at)` comes out as Blob(those bytes) would.
  size_t OpenBlob();
  void CloseBlob(size_t at);  // REQUIRES: `at` from OpenBlob; at most 2^32 - 1 bytes since
  void Str(std::string_view s) { Blob(AsBytes(s)); }
  void Hash(const Hash32& h) { Raw(h.bytes); }

  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  Bytes out_;
};

// Reads a value field by field. Errors are sticky: after the first failure every read returns a
// zero value and Finish() reports the first error, so decoders read straight through and check
// once. `data` must outlive the Reader.
class Reader {
 public:
  explicit Reader(ByteSpan data) : data_(data) {}
  // Consumes the tag and version; fails if either differs.
  void ExpectTag(std::string_view tag);

  uint8_t U8();
  bool Bool();
  uint32_t U32();
  uint64_t U64();
  int64_t I64() { return static_cast<int64_t>(U64()); }
  double F64();
  Bytes Blob(uint32_t max_len = kMaxFieldBytes);
  std::string Str(uint32_t max_len);
  Hash32 Hash();
  template <size_t N>
  std::array<uint8_t, N> Fixed() {
    std::array<uint8_t, N> out{};
    if (Need(N)) {
      for (size_t i = 0; i < N; ++i) out[i] = data_[pos_ + i];
      pos_ += N;
    }
    return out;
  }
  // A count of items that each take at least `min_item_bytes`; fails if they cannot fit.
  uint32_t Count(uint32_t max_count, size_t min_item_bytes);

  void Fail(std::string message);
  bool ok() const { return status_.ok(); }
  size_t remaining() const { return ok() ? data_.size() - pos_ : 0; }
  // The first error, or Corruption if bytes remain unread.
  Status Finish() const;

 private:
  bool Need(size_t n);
  ByteSpan data_;
  size_t pos_ = 0;
  Status status_;
};

}  // namespace v2v::codec
