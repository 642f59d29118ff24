#include "market/internal/duplicate_keys.h"

#include <gtest/gtest.h>

#include "market/market_json.h"

namespace v2v::market::internal {
namespace {

// The path of the first repeated key, or "" when there is none.
std::string DuplicateIn(std::string_view text) {
  return ParseRejectingDuplicates(text, 16).duplicate.value_or("");
}

TEST(DuplicateKeys, NamesThePathOfTheFirstRepeatedKey) {
  EXPECT_EQ(DuplicateIn(R"({"a": 1, "b": 2})"), "");
  EXPECT_EQ(DuplicateIn(R"({"a": 1, "a": 2})"), "a");
  EXPECT_EQ(DuplicateIn(R"({"x": {"a": 1}, "y": {"a": 1}})"), "");  // other objects
  EXPECT_EQ(DuplicateIn(R"({"buyers": [{"id": "b", "v": 1}, {"v": 1, "id": "c", "v": 2}]})"),
            "buyers[1].v");
  EXPECT_EQ(DuplicateIn(R"({"a": [1, [2, 3], {"k": 1, "k": 1}]})"), "a[2].k");
  EXPECT_EQ(DuplicateIn(R"({"a": {"b": 1}, "a": 2})"), "a");
  EXPECT_EQ(DuplicateIn(R"([{"z": 1}, {"z": 1, "q": 0, "z": 3}])"), "[1].z");
}

TEST(DuplicateKeys, DeepNestingIsFlaggedNotTracked) {
  const std::string deep = std::string(1000, '[') + std::string(1000, ']');
  StrictParse p = ParseRejectingDuplicates(deep, 16);
  EXPECT_FALSE(p.value.is_discarded());
  EXPECT_TRUE(p.too_deep);
  EXPECT_FALSE(ParseRejectingDuplicates("[[[]]]", 16).too_deep);
}

TEST(MarketJson, DuplicateKeysDepthAndSizeAreInputErrors) {
  const std::string ok = R"({"auctioneer": {"v_min": 0.4, "c_max": 1.0, "l1": 0.5, "l2": 0.1},
    "buyers": [], "sellers": []})";
  EXPECT_TRUE(ParseMarketJson(ok).ok());
  auto dup =
      ParseMarketJson(R"({"auctioneer": {"v_min": 0.4, "c_max": 1.0, "l1": 0.5, "l2": 0.1, "l1": 9},
    "buyers": [], "sellers": []})");
  EXPECT_EQ(dup.status().message(), "auctioneer.l1: duplicate key");
  auto deep = ParseMarketJson(std::string(100, '[') + std::string(100, ']'));
  EXPECT_EQ(deep.status().message(), "input: nested deeper than 16 levels");
  auto big = ParseMarketJson(std::string(kMaxMarketJsonBytes + 1, ' '));
  EXPECT_EQ(big.status().message(), "input: larger than the limit of 16777216 bytes");
}

}  // namespace
}  // namespace v2v::market::internal
