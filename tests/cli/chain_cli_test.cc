// End-to-end tests of `v2v chain ...` and `v2v audit` as a user runs them.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "testing/shell.h"

namespace {

namespace fs = std::filesystem;

using CliRun = v2v::testing::CommandResult;
using v2v::testing::Slurp;

class ChainCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("v2v_chain_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun V2v(const std::string& args) {
    return v2v::testing::RunCommand(std::string(V2V_CLI) + " " + args, dir_);
  }
  std::string D(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(ChainCli, GenerateHeadAccountsAuditExportImport) {
  ASSERT_EQ(V2v("chain init --data " + D("a")).exit_code, 0);
  CliRun generated = V2v("chain generate --data " + D("a") + " --rounds 6 --seed 4");
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  CliRun head = V2v("chain head --data " + D("a"));
  ASSERT_EQ(head.exit_code, 0);
  const auto h = nlohmann::json::parse(head.out);
  EXPECT_EQ(h["height"], 6);
  EXPECT_EQ(h["hash"].get<std::string>().size(), 64u);

  CliRun acc = V2v("chain accounts --data " + D("a") + " --json");
  ASSERT_EQ(acc.exit_code, 0);
  const auto accounts = nlohmann::json::parse(acc.out);
  ASSERT_TRUE(accounts.is_array());
  ASSERT_FALSE(accounts.empty());
  EXPECT_TRUE(accounts[0].contains("id") && accounts[0].contains("energy_wh") &&
              accounts[0].contains("balance"));
  CliRun at0 = V2v("chain accounts --data " + D("a") + " --at 0 --json");
  ASSERT_EQ(at0.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(at0.out)[1]["balance"], 10000000);

  CliRun audit = V2v("audit --data " + D("a"));
  EXPECT_EQ(audit.exit_code, 0) << audit.out;
  EXPECT_NE(audit.out.find("audit: OK"), std::string::npos);

  ASSERT_EQ(V2v("chain export --data " + D("a") + " --out " + D("x.bin")).exit_code, 0);
  CliRun imp = V2v("chain import --data " + D("b") + " --in " + D("x.bin"));
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_EQ(nlohmann::json::parse(imp.out)["hash"], h["hash"]);

  // A corrupted export is refused and leaves nothing behind to trust.
  std::string bytes = Slurp(D("x.bin"));
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  std::ofstream(D("bad.bin"), std::ios::binary) << bytes;
  CliRun bad = V2v("chain import --data " + D("c") + " --in " + D("bad.bin"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("Corruption"), std::string::npos) << bad.err;
}

TEST_F(ChainCli, GenesisJsonRoundTrips) {
  ASSERT_EQ(V2v("chain genesis --out " + D("g.json")).exit_code, 0);
  CliRun from_file = V2v("chain init --data " + D("a") + " --genesis " + D("g.json"));
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  CliRun builtin = V2v("chain init --data " + D("b"));
  ASSERT_EQ(builtin.exit_code, 0);
  EXPECT_EQ(from_file.out, builtin.out);  // same genesis block hash
  std::ofstream(D("bad.json")) << "{\"timestamp\": 1}";
  CliRun bad = V2v("chain init --data " + D("c") + " --genesis " + D("bad.json"));
  EXPECT_EQ(bad.exit_code, 2);
}

// `chain import` streams its input: every bad input is exit 2 with one line on stderr saying what
// is wrong, and the data directory is not even created.
TEST_F(ChainCli, ImportRefusesEveryBadInputWithOneLine) {
  ASSERT_EQ(V2v("chain init --data " + D("a")).exit_code, 0);
  ASSERT_EQ(V2v("chain generate --data " + D("a") + " --rounds 2 --seed 1").exit_code, 0);
  ASSERT_EQ(V2v("chain export --data " + D("a") + " --out " + D("x.bin")).exit_code, 0);
  const std::string good = Slurp(D("x.bin"));
  std::ofstream(D("empty.bin"), std::ios::binary).flush();
  std::ofstream(D("cut.bin"), std::ios::binary) << good.substr(0, good.size() / 2);
  std::string random(5000, '\0');
  for (size_t i = 0; i < random.size(); ++i) random[i] = static_cast<char>((i * 7919 + 13) % 251);
  std::ofstream(D("random.bin"), std::ios::binary) << random;
  // The tag, then a genesis length of 0xffffffff.
  std::ofstream(D("huge.bin"), std::ios::binary) << good.substr(0, 12) << std::string(4, '\xff');
  fs::create_directories(D("dir"));
  const std::pair<std::string, std::string> cases[] = {
      {D("empty.bin"), "export is empty"},
      {D("cut.bin"), "export truncated at byte"},
      {D("random.bin"), "not a chain export"},
      {D("huge.bin"), "the genesis declares 4294967295 bytes, above the limit of 16777216"},
      {D("dir"), "is a directory"},
      {"/dev/zero", "not a chain export"},
      {D("missing.bin"), "cannot read"},
  };
  for (const auto& [in, want] : cases) {
    CliRun r = V2v("chain import --data " + D("c") + " --in " + in);
    EXPECT_EQ(r.exit_code, 2) << in << ": " << r.err;
    EXPECT_NE(r.err.find(want), std::string::npos) << in << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << in << ": " << r.err;
    EXPECT_FALSE(fs::exists(D("c"))) << in;
  }
}

// Under a 256 MiB address-space limit, an endless input is still one clear line and exit 2 (the
// whole-file reader this replaced died of std::bad_alloc, exit 134). Sanitizers reserve far more
// address space than that, so the test only runs in normal builds.
#if defined(__SANITIZE_ADDRESS__)
#define V2V_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define V2V_UNDER_ASAN 1
#endif
#endif
TEST_F(ChainCli, ImportOfDevZeroUnderAMemoryLimitIsAClearError) {
#ifdef V2V_UNDER_ASAN
  GTEST_SKIP() << "address-space limits do not apply under AddressSanitizer";
#endif
  CliRun r = v2v::testing::RunCommand("ulimit -v 262144 && " + std::string(V2V_CLI) +
                                          " chain import --data " + D("z") + " --in /dev/zero",
                                      dir_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("not a chain export"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(ChainCli, MissingDataIsAnError) {
  EXPECT_NE(V2v("chain head --data " + D("nothing")).exit_code, 0);
  EXPECT_NE(V2v("audit --data " + D("nothing")).exit_code, 0);
}

}  // namespace
