#include "base/random.h"

namespace v2v::base {

std::unique_ptr<Random> NewSystemRandom() {
  std::random_device device;
  const uint64_t seed = (static_cast<uint64_t>(device()) << 32) | device();
  return std::make_unique<SeededRandom>(seed);
}

}  // namespace v2v::base
