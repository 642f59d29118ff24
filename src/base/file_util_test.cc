#include "base/file_util.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace v2v {
namespace {

namespace fs = std::filesystem;

class FileUtilTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("v2v_file_util_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& data) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << data;
    return p.string();
  }
  fs::path dir_;
};

TEST_F(FileUtilTest, ReadsWholeFilesIncludingEmptyAndBinary) {
  const std::string data("a\0b\xff\n", 5);
  auto s = ReadFile(Write("x", data));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s, data);
  auto b = ReadFileBytes(Write("x", data));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, Bytes(data.begin(), data.end()));
  auto empty = ReadFile(Write("e", ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST_F(FileUtilTest, RefusesMissingFilesDirectoriesAndTooMuch) {
  auto missing = ReadFile((dir_ / "nope").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  auto dir = ReadFile(dir_.string());
  EXPECT_EQ(dir.status().code(), StatusCode::kIoError);
  EXPECT_NE(dir.status().message().find("is a directory"), std::string::npos);

  const std::string p = Write("big", std::string(100, 'x'));
  EXPECT_TRUE(ReadFile(p, 100).ok());
  auto big = ReadFile(p, 99);
  EXPECT_EQ(big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(big.status().message().find("larger than 99 bytes"), std::string::npos);
  // An endless device is refused at the bound, not read until memory runs out.
  auto zero = ReadFile("/dev/zero", 1 << 20);
  EXPECT_EQ(zero.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace v2v
