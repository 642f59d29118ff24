// End-to-end tests of `v2v sweep` as a user runs it: a full grid, one cell, two shards merged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "testing/shell.h"

namespace {

namespace fs = std::filesystem;

fs::path SweepTempDir(const std::string& tag) {
  const fs::path d =
      fs::temp_directory_path() / ("v2v_sweepcli_" + tag + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

v2v::testing::CommandResult RunSweepCli(const std::string& args, const fs::path& dir) {
  return v2v::testing::RunCommand(std::string(V2V_CLI) + " sweep " + args, dir);
}

// The data rows (not the stamp or the header) of a runs file.
std::vector<std::string> SweepDataLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#' && line.rfind("cell,", 0) != 0) out.push_back(line);
  }
  return out;
}

void WriteTinyGrid(const fs::path& path) {
  std::ofstream(path) << "[scenario.city]\nsize_m = 3000\n[scenario.vehicles]\ncount = 40\n"
                         "[scenario.time]\nduration_s = 3600\n[axes]\nvehicles.count = [30, 60]\n";
}

TEST(SweepCliTest, CellsAndMergedShardsEqualTheFullRun) {
  const fs::path d = SweepTempDir("grid");
  WriteTinyGrid(d / "grid.toml");
  const std::string common = "--grid " + (d / "grid.toml").string() + " --seeds 2 --seed 3 ";
  auto r = RunSweepCli(common + "--jobs 2 --out " + (d / "full").string(), d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4 runs (2 cells x 2 seeds)"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("sweep: 4/4 runs"), std::string::npos) << r.err;
  const std::string runs = v2v::testing::Slurp(d / "full/runs.csv");
  const std::vector<std::string> rows = SweepDataLines(runs);
  ASSERT_EQ(rows.size(), 4u) << runs;
  EXPECT_EQ(rows[2].rfind("1,60,0,", 0), 0u) << rows[2];
  EXPECT_EQ(SweepDataLines(v2v::testing::Slurp(d / "full/summary.csv")).size(), 2u);
  EXPECT_TRUE(fs::exists(d / "full/plots/welfare/data.csv"));
  EXPECT_TRUE(fs::exists(d / "full/plots/welfare/plot.gp"));
  EXPECT_NE(v2v::testing::Slurp(d / "full/cells/cell-1.toml").find("count = 60"),
            std::string::npos);

  r = RunSweepCli(common + "--cell 1 -q --out " + (d / "parts").string(), d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto cell = SweepDataLines(v2v::testing::Slurp(d / "parts/part-cell-1.csv"));
  EXPECT_EQ(cell, (std::vector<std::string>{rows[2], rows[3]}));

  for (const char* shard : {"0/2", "1/2"}) {
    r = RunSweepCli(common + "--jobs 1 -q --shard " + shard + " --out " + (d / "shards").string(),
                    d);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  r = RunSweepCli("merge -q --out " + (d / "merged").string() + " " + (d / "shards").string(), d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(v2v::testing::Slurp(d / "merged/runs.csv"), runs);
  EXPECT_EQ(v2v::testing::Slurp(d / "merged/summary.csv"),
            v2v::testing::Slurp(d / "full/summary.csv"));

  r = RunSweepCli(
      "merge --out " + (d / "m2").string() + " " + (d / "shards/part-shard-0-of-2.csv").string(),
      d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing 2 of 4 runs: cell 1 seed 0, cell 1 seed 1"), std::string::npos)
      << r.err;
  r = RunSweepCli("merge --out " + (d / "m3").string() + " " + (d / "shards").string() + " " +
                      (d / "parts").string(),
                  d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cell 1 seed 0 is in both"), std::string::npos) << r.err;
  fs::remove_all(d);
}

// The example grid of comparison mechanisms: cell 3 is VCG, which trades the first best of the
// city's rounds and pays a deficit; cell 2 is SBBA, whose budget balances and which trades less.
TEST(SweepCliTest, TheMechanismsExampleRunsItsCellsOnTheCitysRounds) {
  const fs::path d = SweepTempDir("mech");
  auto cell = [&](int k) {
    auto r = RunSweepCli(std::string("--grid ") + V2V_EXAMPLES +
                             "/sweep_mechanisms.toml --seeds 1 -q --cell " + std::to_string(k) +
                             " --out " + d.string(),
                         d);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string part = v2v::testing::Slurp(d / ("part-cell-" + std::to_string(k) + ".csv"));
    EXPECT_NE(part.find(",p2p_trades,p2p_surplus,p2p_budget,p2p_efficiency,p2p_truthful_trades,"
                        "p2p_truthful_surplus,p2p_truthful_efficiency,p2p_first_best_in_range,"
                        "p2p_in_range_trades,p2p_in_range_surplus,p2p_in_range_budget,"
                        "p2p_in_range_efficiency\n"),
              std::string::npos)
        << part;
    const std::vector<std::string> rows = SweepDataLines(part);
    return rows.empty() ? std::string() : rows[0];
  };
  const std::string vcg = cell(3), sbba = cell(2);
  ASSERT_EQ(vcg.rfind("3,vcg,0,", 0), 0u) << vcg;
  auto column = [](const std::string& row, int from_end) {  // 1: the last column
    size_t end = row.size();
    for (int i = 1; i < from_end; ++i) end = row.rfind(',', end - 1);
    const size_t begin = row.rfind(',', end - 1) + 1;
    return std::stod(row.substr(begin, end - begin));
  };
  // From the end: p2p_in_range_efficiency, _budget, _surplus, _trades, p2p_first_best_in_range,
  // then p2p_truthful_efficiency, _surplus, _trades, then p2p_efficiency, p2p_budget.
  EXPECT_LT(column(vcg, 10), 0) << vcg;              // p2p_budget
  EXPECT_NEAR(column(vcg, 9), 1, 1e-12) << vcg;      // p2p_efficiency: VCG trades the first best
  EXPECT_EQ(column(vcg, 6), column(vcg, 9)) << vcg;  // its traders report their types anyway
  ASSERT_EQ(sbba.rfind("2,sbba,0,", 0), 0u) << sbba;
  EXPECT_NEAR(column(sbba, 10), 0, 1e-9) << sbba;
  EXPECT_LT(column(sbba, 9), 1) << sbba;  // SBBA gives up trades for its budget
  // The cells name their mechanism, so they are measured within the radius: VCG's matches beyond
  // it lapse, and what stands is below the first best within the radius.
  EXPECT_LT(column(vcg, 1), 1) << vcg;
  EXPECT_GT(column(vcg, 1), 0) << vcg;
  EXPECT_LT(column(vcg, 2), 0) << vcg;  // the deficit of the trades that stand
  EXPECT_NEAR(column(sbba, 2), 0, 1e-9) << sbba;
  EXPECT_LE(column(sbba, 1), 1) << sbba;
}

TEST(SweepCliTest, BadGridsAndOptionsExitTwoAndWriteNothing) {
  const fs::path d = SweepTempDir("bad");
  std::ofstream(d / "g.toml") << "[axes]\nmarket.l1 = [0.5, -1]\n";
  auto r = RunSweepCli("--grid " + (d / "g.toml").string() + " --out " + (d / "o").string(), d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("[market] l1: -1 is outside"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "o"));
  WriteTinyGrid(d / "t.toml");
  r = RunSweepCli("--grid " + (d / "t.toml").string() + " --cell 2 --out " + (d / "o").string(), d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--cell 2: the grid has 2 cells (0..1)"), std::string::npos) << r.err;
  r = RunSweepCli("--grid " + (d / "t.toml").string() + " --shard 2/2 --out " + (d / "o").string(),
                  d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(d / "o"));
  fs::remove_all(d);
}

}  // namespace
