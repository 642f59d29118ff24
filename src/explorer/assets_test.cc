#include "explorer/assets.h"

#include <gtest/gtest.h>

#include <string>

namespace v2v::explorer {
namespace {

TEST(Assets, IndexAndScriptsAreBuiltInAndLoadNothingFromElsewhere) {
  const Asset* index = FindAsset("/");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("/explorer/app.js"), std::string_view::npos);
  EXPECT_EQ(FindAsset("/index.html?x=1"), index);
  ASSERT_NE(FindAsset("/explorer/app.js"), nullptr);
  EXPECT_EQ(FindAsset("/explorer/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(FindAsset("/explorer/nope.js"), nullptr);
  EXPECT_EQ(FindAsset("/explorer/../x"), nullptr);
  for (size_t i = 0; i < kEmbeddedAssetCount; ++i) {
    const std::string_view body = kEmbeddedAssets[i].body;
    EXPECT_EQ(body.find("http://"), std::string_view::npos) << kEmbeddedAssets[i].path;
    EXPECT_EQ(body.find("https://"), std::string_view::npos) << kEmbeddedAssets[i].path;
  }
}

}  // namespace
}  // namespace v2v::explorer
