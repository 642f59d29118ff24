#include "sim/plot.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "sim/csv.h"

namespace v2v::sim {
namespace {

TEST(PlotTest, ScriptSetsTerminalOutputAndQuotesPaths) {
  const std::string s = GnuplotScript("/tmp/it's", "T'itle", "plot datafile using 1:2");
  EXPECT_NE(s.find("pngcairo"), std::string::npos);
  EXPECT_NE(s.find("set output '/tmp/it''s/plot.png'"), std::string::npos) << s;
  EXPECT_NE(s.find("datafile = '/tmp/it''s/data.csv'"), std::string::npos) << s;
  EXPECT_NE(s.find("set title 'T''itle'"), std::string::npos) << s;
  EXPECT_EQ(s.back(), '\n');
}

TEST(PlotTest, DrawsAPngWhenGnuplotIsInstalled) {
  if (std::system("gnuplot --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no gnuplot";
  const std::string dir = ::testing::TempDir() + "/plot_test";
  ASSERT_TRUE(MakeDirs(dir).ok());
  CsvTable t({"x", "y"});
  for (int i = 0; i < 5; ++i) t.AddNumbers({1.0 * i, 1.0 * i * i});
  ASSERT_TRUE(WriteTextFile(dir + "/data.csv", t.ToString("test")).ok());
  ASSERT_TRUE(RunGnuplot(dir, "squares", "plot datafile using 1:2 with lines").ok());
  std::ifstream png(dir + "/plot.png", std::ios::binary);
  char magic[8] = {};
  png.read(magic, 8);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  // A broken script is an error, not a crash.
  EXPECT_FALSE(RunGnuplot(dir, "bad", "plot nosuchfunction(x) with").ok());
}

}  // namespace
}  // namespace v2v::sim
