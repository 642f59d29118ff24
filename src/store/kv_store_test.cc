#include "store/kv_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/schema.h"

namespace v2v::store {
namespace {

void Exercise(KvStore& kv) {
  WriteBatch b;
  b.Put("a/1", Bytes{1});
  b.Put("a/2", Bytes{2});
  b.Put("b/1", Bytes{3});
  ASSERT_TRUE(kv.Write(b, true).ok());
  auto v = kv.Get("a/2");
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(**v, Bytes{2});
  EXPECT_FALSE(kv.Get("zz")->has_value());
  std::vector<std::string> keys;
  ASSERT_TRUE(kv.Scan("a/", [&](std::string_view k, ByteSpan) {
                  keys.emplace_back(k);
                  return true;
                }).ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a/2"}));
  WriteBatch d;
  d.Delete("a/1");
  ASSERT_TRUE(kv.Write(d, true).ok());
  EXPECT_FALSE(kv.Get("a/1")->has_value());
}

TEST(KvStore, Memory) { Exercise(*NewMemKvStore()); }

TEST(KvStore, RocksPersists) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("v2v_kv_store_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto kv = OpenRocksKvStore(dir.string());
    ASSERT_TRUE(kv.ok()) << kv.status().ToString();
    Exercise(**kv);
  }
  auto kv = OpenRocksKvStore(dir.string());
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(*(*kv)->Get("b/1").value(), Bytes{3});
  std::filesystem::remove_all(dir);
}

TEST(Schema, HeightsSortBigEndian) {
  EXPECT_LT(schema::CanonicalKey(255), schema::CanonicalKey(256));
  EXPECT_EQ(schema::CanonicalKey(1).size(), 10u);
}

}  // namespace
}  // namespace v2v::store
