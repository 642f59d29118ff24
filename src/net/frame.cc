#include "net/frame.h"

#include <string>

namespace v2v::net {

std::string_view FrameErrorName(FrameError e) {
  switch (e) {
    case FrameError::kOversized:
      return "oversized_frame";
    case FrameError::kEmpty:
      return "empty_frame";
    case FrameError::kUnknownType:
      return "unknown_message_type";
  }
  return "unknown";
}

Bytes EncodeFrame(const Frame& frame) {
  const auto len = static_cast<uint32_t>(frame.payload.size() + 1);
  Bytes out;
  out.reserve(4 + len);
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<uint8_t>(len >> (8 * i)));
  out.push_back(static_cast<uint8_t>(frame.type));
  out.insert(out.end(), frame.payload.begin(), frame.payload.end());
  return out;
}

namespace {
bool KnownType(uint8_t t) { return t >= 1 && t <= 7; }
Status FrameStatus(FrameError e, const std::string& detail) {
  return Status::InvalidArgument(std::string(FrameErrorName(e)) + ": " + detail);
}
}  // namespace

Status FrameDecoder::Feed(ByteSpan bytes) {
  if (error_) return *error_;
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  Status s = Parse();
  if (!s.ok()) error_ = s;
  return s;
}

Status FrameDecoder::Parse() {
  while (buffer_.size() >= 4) {
    uint32_t len = 0;
    for (int i = 0; i < 4; ++i) len = (len << 8) | buffer_[static_cast<size_t>(i)];
    if (len == 0) return FrameStatus(FrameError::kEmpty, "length 0");
    if (len > kMaxFrameBytes) {
      return FrameStatus(FrameError::kOversized,
                         std::to_string(len) + " bytes > " + std::to_string(kMaxFrameBytes));
    }
    if (buffer_.size() >= 5 && !KnownType(buffer_[4])) {
      return FrameStatus(FrameError::kUnknownType, "type " + std::to_string(buffer_[4]));
    }
    if (buffer_.size() < 4 + static_cast<size_t>(len)) return Status::Ok();  // wait for more
    Frame f{static_cast<MessageType>(buffer_[4]),
            Bytes(buffer_.begin() + 5, buffer_.begin() + 4 + len)};
    buffer_.erase(buffer_.begin(), buffer_.begin() + 4 + len);
    ready_.push_back(std::move(f));
  }
  return Status::Ok();
}

std::optional<Frame> FrameDecoder::Next() {
  if (ready_.empty()) return std::nullopt;
  Frame f = std::move(ready_.front());
  ready_.pop_front();
  return f;
}

}  // namespace v2v::net
