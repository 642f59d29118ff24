// Crash test: a child process appends blocks to a RocksDB ledger, and every few blocks imports a
// heavier fork (a reorg of depth 2), and is killed with SIGKILL at random moments. After each
// kill the store must reopen at a head at or above the last height the child reported committed
// (heights only grow: each fork is one block longer than what it replaces), audit clean, and
// accept further blocks.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "devnet/block_generator.h"
#include "node/audit.h"
#include "node/ledger.h"

extern char** environ;

namespace v2v {
namespace {

uint64_t LastReported(const std::string& path) {
  std::ifstream in(path);
  uint64_t h = 0, last = 0;
  while (in >> h) last = h;
  return last;
}

TEST(Crash, KilledWriterAlwaysReopensAtACommittedBlock) {
  const uint64_t seed = 20261124;
  std::printf("crash test seed %llu\n", static_cast<unsigned long long>(seed));
  base::Rng rng(seed);
  const auto dir =
      std::filesystem::temp_directory_path() / ("v2v_crash_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string data = (dir / "data").string(), progress = (dir / "progress").string();
  uint64_t last_height = 0;
  for (int round = 0; round < 8; ++round) {
    const std::string child_seed = std::to_string(rng.Next());
    const char* args[] = {V2V_CRASH_CHILD, data.c_str(), progress.c_str(), child_seed.c_str(),
                          nullptr};
    pid_t pid = 0;
    ASSERT_EQ(
        posix_spawn(&pid, V2V_CRASH_CHILD, nullptr, nullptr, const_cast<char**>(args), environ), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng.Int(150, 700)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited by itself (round " << round << ")";

    const uint64_t reported = LastReported(progress);
    auto kv = store::OpenRocksKvStore(data);
    ASSERT_TRUE(kv.ok()) << kv.status().ToString();
    auto report = node::Audit(**kv, node::DefaultVerifierFactory());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok()) << report->ToText();
    EXPECT_GE(report->height, reported) << "a committed block was lost (round " << round << ")";
    EXPECT_GE(report->height, last_height);
    last_height = report->height;
    auto ledger = node::Ledger::Open(std::move(kv).value());
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    EXPECT_EQ((*ledger)->head().height, report->height);
  }
  EXPECT_GT(last_height, 0u);
  // The survivor continues.
  const devnet::BlockGenerator generator;
  auto ledger = node::Ledger::Open(std::move(store::OpenRocksKvStore(data)).value());
  ASSERT_TRUE(ledger.ok());
  base::Rng more(seed + 1);
  ASSERT_TRUE((*ledger)->Append(*generator.NextBlock(**ledger, more)).ok());
  EXPECT_EQ((*ledger)->head().height, last_height + 1);
  ledger->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace v2v
