#include "store/mem_disk.h"

#include <gtest/gtest.h>

namespace v2v::store {
namespace {

WriteBatch Put(const std::string& key, uint8_t v) {
  WriteBatch b;
  b.Put(key, Bytes{v});
  return b;
}

TEST(MemDisk, SyncedWritesSurviveAndUnsyncedDieWithTheStore) {
  auto disk = std::make_shared<MemDisk>();
  {
    auto kv = OpenMemDiskStore(disk);
    ASSERT_TRUE(kv->Write(Put("a", 1), /*sync=*/true).ok());
    ASSERT_TRUE(kv->Write(Put("b", 2), /*sync=*/false).ok());
    EXPECT_EQ(**kv->Get("b"), Bytes{2});  // the process sees its own write
    std::vector<std::string> keys;
    ASSERT_TRUE(kv->Scan("", [&](std::string_view k, ByteSpan) {
                    keys.emplace_back(k);
                    return true;
                  }).ok());
    EXPECT_EQ(keys, (std::vector<std::string>{"a", "b"}));
  }
  auto kv = OpenMemDiskStore(disk);
  EXPECT_EQ(**kv->Get("a"), Bytes{1});
  EXPECT_FALSE(kv->Get("b")->has_value()) << "never synced: lost with the process";
}

TEST(MemDisk, UnsyncedWritesBecomeDurableWithTheNextSync) {
  auto disk = std::make_shared<MemDisk>();
  auto kv = OpenMemDiskStore(disk);
  ASSERT_TRUE(kv->Write(Put("a", 1), false).ok());
  ASSERT_TRUE(kv->Write(Put("b", 2), true).ok());
  kv = OpenMemDiskStore(disk);
  EXPECT_TRUE(kv->Get("a")->has_value());
  EXPECT_TRUE(kv->Get("b")->has_value());
}

TEST(MemDisk, CrashBetweenWriteAndSyncLosesTheBatchAndKillsTheStore) {
  auto disk = std::make_shared<MemDisk>();
  auto kv = OpenMemDiskStore(disk);
  ASSERT_TRUE(kv->Write(Put("a", 1), true).ok());
  disk->CrashAtNextSync();
  ASSERT_TRUE(kv->Write(Put("b", 2), false).ok());  // unsynced: not affected yet
  EXPECT_EQ(kv->Write(Put("c", 3), true).code(), StatusCode::kIoError);
  EXPECT_TRUE(disk->crashed());
  EXPECT_EQ(kv->Get("a").status().code(), StatusCode::kIoError) << "the process is dead";
  auto reopened = OpenMemDiskStore(disk);
  EXPECT_FALSE(disk->crashed());
  EXPECT_EQ(**reopened->Get("a"), Bytes{1});
  EXPECT_FALSE(reopened->Get("b")->has_value());
  EXPECT_FALSE(reopened->Get("c")->has_value());
  EXPECT_EQ(kv->Get("a").status().code(), StatusCode::kIoError) << "the old store stays dead";
}

}  // namespace
}  // namespace v2v::store
