#include "codec/codec.h"

#include <array>
#include <bit>
#include <cmath>

namespace v2v::codec {

Writer::Writer(std::string_view tag) { Tag(tag); }

void Writer::Tag(std::string_view tag) {
  out_.push_back(static_cast<uint8_t>(tag.size()));
  Raw(AsBytes(tag));
  out_.push_back(kVersion);
}

// Big-endian, appended at once (one capacity check, not one per byte).
void Writer::U32(uint32_t v) {
  std::array<uint8_t, 4> b;
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
  Raw(b);
}

void Writer::U64(uint64_t v) {
  std::array<uint8_t, 8> b;
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
  Raw(b);
}

size_t Writer::OpenBlob() {
  const size_t at = out_.size();
  U32(0);  // the length, written by CloseBlob
  return at;
}

void Writer::CloseBlob(size_t at) {
  const auto n = static_cast<uint32_t>(out_.size() - at - 4);
  for (size_t i = 0; i < 4; ++i) out_[at + i] = static_cast<uint8_t>(n >> (24 - 8 * i));
}

void Writer::F64(double v) {
  if (v == 0.0) v = 0.0;  // one encoding for zero
  U64(std::bit_cast<uint64_t>(v));
}

void Writer::Blob(ByteSpan bytes) {
  U32(static_cast<uint32_t>(bytes.size()));
  Raw(bytes);
}

bool Reader::Need(size_t n) {
  if (!status_.ok()) return false;
  if (data_.size() - pos_ < n) {
    Fail("truncated: need " + std::to_string(n) + " bytes at offset " + std::to_string(pos_));
    return false;
  }
  return true;
}

void Reader::Fail(std::string message) {
  if (status_.ok()) status_ = Status::Corruption(std::move(message));
}

void Reader::ExpectTag(std::string_view tag) {
  const uint8_t len = U8();
  if (!ok()) return;
  if (len != tag.size() || !Need(len) ||
      std::string_view(reinterpret_cast<const char*>(data_.data() + pos_), len) != tag) {
    Fail("wrong domain tag, expected '" + std::string(tag) + "'");
    return;
  }
  pos_ += len;
  const uint8_t version = U8();
  if (ok() && version != kVersion) Fail("unsupported version " + std::to_string(version));
}

uint8_t Reader::U8() {
  if (!Need(1)) return 0;
  return data_[pos_++];
}

bool Reader::Bool() {
  const uint8_t b = U8();
  if (b > 1) Fail("bool must be 0 or 1");
  return b == 1;
}

uint32_t Reader::U32() {
  if (!Need(4)) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | data_[pos_++];
  return v;
}

uint64_t Reader::U64() {
  if (!Need(8)) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | data_[pos_++];
  return v;
}

double Reader::F64() {
  const uint64_t bits = U64();
  const double v = std::bit_cast<double>(bits);
  if (!std::isfinite(v)) Fail("non-finite double");
  if (bits == (uint64_t{1} << 63)) Fail("negative zero is not canonical");
  return ok() ? v : 0.0;
}

Bytes Reader::Blob(uint32_t max_len) {
  const uint32_t len = U32();
  if (ok() && len > max_len) Fail("field of " + std::to_string(len) + " bytes is over the limit");
  if (!Need(len)) return {};
  Bytes out(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
            data_.begin() + static_cast<std::ptrdiff_t>(pos_ + len));
  pos_ += len;
  return out;
}

std::string Reader::Str(uint32_t max_len) {
  Bytes b = Blob(max_len);
  return std::string(b.begin(), b.end());
}

Hash32 Reader::Hash() {
  Hash32 h;
  h.bytes = Fixed<32>();
  return h;
}

uint32_t Reader::Count(uint32_t max_count, size_t min_item_bytes) {
  const uint32_t n = U32();
  if (!ok()) return 0;
  if (n > max_count || (min_item_bytes > 0 && n > (data_.size() - pos_) / min_item_bytes)) {
    Fail("item count " + std::to_string(n) + " is impossible here");
    return 0;
  }
  return n;
}

Status Reader::Finish() const {
  if (!status_.ok()) return status_;
  if (pos_ != data_.size()) {
    return Status::Corruption(std::to_string(data_.size() - pos_) + " trailing bytes");
  }
  return Status::Ok();
}

}  // namespace v2v::codec
