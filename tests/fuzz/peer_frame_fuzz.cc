// Fuzz target: the peer message frame decoder, fed in two pieces. Frames it yields must
// re-encode to a prefix of the input.
#include <cstddef>
#include <cstdint>

#include "net/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  v2v::net::FrameDecoder d;
  const size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  v2v::Bytes seen;
  for (v2v::ByteSpan part : {v2v::ByteSpan(data, cut), v2v::ByteSpan(data + cut, size - cut)}) {
    if (!d.Feed(part).ok()) return 0;
    while (auto f = d.Next()) {
      const v2v::Bytes wire = v2v::net::EncodeFrame(*f);
      seen.insert(seen.end(), wire.begin(), wire.end());
    }
  }
  if (seen.size() > size || !std::equal(seen.begin(), seen.end(), data)) __builtin_trap();
  return 0;
}
