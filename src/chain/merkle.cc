#include "chain/merkle.h"

#include "crypto/hash.h"

namespace v2v::chain {

Hash32 MerkleLeaf(ByteSpan data) {
  crypto::Sha256Hasher h;
  const uint8_t prefix = 0x00;
  h.Update(ByteSpan(&prefix, 1));
  h.Update(data);
  return h.Finish();
}

Hash32 MerkleRoot(std::vector<Hash32> level) {
  if (level.empty()) return Hash32{};
  while (level.size() > 1) {
    std::vector<Hash32> next;
    next.reserve((level.size() + 1) / 2);
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      uint8_t buf[65];
      buf[0] = 0x01;
      std::copy(level[i].bytes.begin(), level[i].bytes.end(), buf + 1);
      std::copy(level[i + 1].bytes.begin(), level[i + 1].bytes.end(), buf + 33);
      next.push_back(crypto::Sha256(ByteSpan(buf, sizeof(buf))));
    }
    if (level.size() % 2 == 1) next.push_back(level.back());  // promoted unchanged
    level = std::move(next);
  }
  return level[0];
}

}  // namespace v2v::chain
