// Framing of peer-to-peer messages between RSU nodes (docs/model.md section 8;
// docs/spec/p2p.md).
//
// On the wire (inside TLS): a frame is
//   u32 big-endian length L (of what follows), u8 type, L-1 bytes of payload.
// L must be in [1, kMaxFrameBytes]; the type must be a known MessageType. A FrameDecoder is fed
// bytes as they arrive and yields whole frames; any violation is a typed error after which the
// connection is dropped and the peer penalised (the decoder does not resynchronise).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace v2v::net {

inline constexpr uint32_t kMaxFrameBytes = 8u << 20;  // 8 MiB: a full block with room to spare

enum class MessageType : uint8_t {
  kHello = 1,        // protocol version, chain id, head (height, hash)
  kTransaction = 2,  // one signed transaction
  kBlock = 3,        // one sealed block
  kGetBlocks = 4,    // request: from height, max count
  kBlocks = 5,       // response: consecutive blocks
  kPing = 6,
  kPong = 7,
};

struct Frame {
  MessageType type;
  Bytes payload;
  bool operator==(const Frame&) const = default;
};

// REQUIRES: payload.size() + 1 <= kMaxFrameBytes.
Bytes EncodeFrame(const Frame& frame);

enum class FrameError { kOversized, kEmpty, kUnknownType };
std::string_view FrameErrorName(FrameError e);

// Incremental decoder. Not thread-safe; one per connection.
class FrameDecoder {
 public:
  // Appends bytes; returns an error once the stream is malformed (sticky: later calls fail too).
  Status Feed(ByteSpan bytes);
  // The next complete frame, if any.
  std::optional<Frame> Next();
  size_t buffered() const { return buffer_.size(); }

 private:
  Status Parse();
  std::deque<uint8_t> buffer_;
  std::deque<Frame> ready_;
  std::optional<Status> error_;
};

}  // namespace v2v::net
