// The explorer's web page, built into the binary (cmake/embed_assets.cmake turns the files of
// src/explorer/web/ into byte arrays), so a node serves it with nothing else installed and the
// page never loads anything from another origin.
#pragma once

#include <cstddef>
#include <string_view>

namespace v2v::explorer {

struct Asset {
  std::string_view path;  // "/" for index.html, else "/explorer/<file>"
  std::string_view content_type;
  std::string_view body;
};

extern const Asset kEmbeddedAssets[];
extern const size_t kEmbeddedAssetCount;

// The asset at a request target (query string ignored), or null.
const Asset* FindAsset(std::string_view target);

}  // namespace v2v::explorer
