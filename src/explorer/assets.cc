#include "explorer/assets.h"

namespace v2v::explorer {

const Asset* FindAsset(std::string_view target) {
  const size_t q = target.find('?');
  if (q != std::string_view::npos) target = target.substr(0, q);
  if (target == "/index.html") target = "/";
  for (size_t i = 0; i < kEmbeddedAssetCount; ++i)
    if (kEmbeddedAssets[i].path == target) return &kEmbeddedAssets[i];
  return nullptr;
}

}  // namespace v2v::explorer
