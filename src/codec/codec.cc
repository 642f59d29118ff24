#include "codec/codec.h"

#include <bit>
#include <cmath>

namespace v2v::codec {

Writer::Writer(std::string_view tag) {
  out_.push_back(static_cast<uint8_t>(tag.size()));
  Raw(AsBytes(tag));
  out_.push_back(kVersion);
}

void Writer::U32(uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out_.push_back(static_cast<uint8_t>(v >> s));
}

void Writer::U64(uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out_.push_back(static_cast<uint8_t>(v >> s));
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
