#include "rpc/json_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace v2v::rpc {
namespace {

TEST(JsonDepthTest, CountsArraysAndObjects) {
  EXPECT_EQ(JsonDepth("1", 64), 0u);
  EXPECT_EQ(JsonDepth("[]", 64), 1u);
  EXPECT_EQ(JsonDepth(R"({"a":[{"b":[1,2]},[]]})", 64), 4u);
  EXPECT_EQ(JsonDepth("[[],[[]],[]]", 64), 3u);
}

TEST(JsonDepthTest, BracketsInsideStringsDoNotCount) {
  EXPECT_EQ(JsonDepth(R"(["[[[{{{", "\"[[[", "\\"])", 64), 1u);
  EXPECT_EQ(JsonDepth(R"({"k\"[": "]]]}}}[[["})", 64), 1u);
}

TEST(JsonDepthTest, StopsOnceOverTheLimit) {
  const std::string deep(200000, '[');
  EXPECT_EQ(JsonDepth(deep, 64), 65u);
  EXPECT_EQ(JsonDepth(std::string(64, '[') + std::string(64, ']'), 64), 64u);
  EXPECT_EQ(JsonDepth(std::string(65, '{'), 64), 65u);
}

}  // namespace
}  // namespace v2v::rpc
