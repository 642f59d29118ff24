// Fuzz target: the peer message payload decoders (net/protocol.h). The first byte picks the
// message type, the rest is the payload. A payload that decodes must re-encode to exactly the
// same bytes (one encoding per value).
#include <cstddef>
#include <cstdint>

#include "net/protocol.h"

namespace {

void Same(const v2v::Bytes& a, v2v::ByteSpan b) {
  if (a.size() != b.size() || !std::equal(a.begin(), a.end(), b.begin())) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace v2v::net;
  if (size == 0) return 0;
  const v2v::ByteSpan payload(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      if (auto m = DecodeHello(payload); m.ok()) Same(EncodeHello(*m).payload, payload);
      break;
    case 1:
      if (auto m = DecodeGetBlocks(payload); m.ok()) Same(EncodeGetBlocks(*m).payload, payload);
      break;
    case 2:
      if (auto m = DecodeBlocks(payload); m.ok()) {
        std::vector<v2v::Bytes> enc;
        for (const auto& b : *m) enc.push_back(v2v::chain::EncodeBlock(b));
        Same(EncodeBlocks(enc).payload, payload);
      }
      break;
    case 3:
      if (auto m = DecodeTxMessage(payload); m.ok()) Same(EncodeTxMessage(*m).payload, payload);
      break;
    case 4:
      if (auto m = DecodeBlockMessage(payload); m.ok())
        Same(EncodeBlockMessage(*m).payload, payload);
      break;
  }
  return 0;
}
