#include "sim/experiments.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "base/file_util.h"

namespace v2v::sim {
namespace {

std::string SlurpExperimentFile(const std::string& path) {
  auto text = ReadFile(path);
  return text.ok() ? std::move(text).value() : std::string();
}

TEST(ExperimentsTest, TheoremOneFiguresAgreeWithThePaper) {
  ExperimentOptions opt;
  opt.quick = true;
  for (int n : {6, 9, 10, 12, 13, 14}) {
    auto f = RunFigure(n, opt);
    ASSERT_TRUE(f.ok()) << n << ": " << f.status().ToString();
    EXPECT_EQ(f->verdict, Verdict::kAgrees) << f->name << ": " << f->measured;
    EXPECT_GT(f->data.size(), 5u) << f->name;
  }
  EXPECT_FALSE(RunFigure(3, opt).ok());
}

TEST(ExperimentsTest, TradeShareMatchesTheoremOneAndTheDeclaredBounds) {
  // Unit square, both sides using the true bounds: the Chatterjee-Samuelson 9/32.
  EXPECT_NEAR(TradeShare({0, 1, 0, 1, 1, 0, 1, 0}, 400000, 3), 9.0 / 32, 0.004);
  // Theorem 1 trades iff v - c >= (v^max - c^min)/4: a lower declared v^max, seen by both
  // sides, makes trade likelier; seen by the buyer only (ask fixed), rarer.
  const double both_low = TradeShare({0.5, 0.8, 0.3, 0.8, 0.8, 0.3, 0.8, 0.3}, 200000, 4);
  const double both_high = TradeShare({0.5, 0.8, 0.3, 0.8, 1.2, 0.3, 1.2, 0.3}, 200000, 4);
  const double bid_low = TradeShare({0.5, 0.8, 0.3, 0.8, 0.8, 0.3, 1.0, 0.3}, 200000, 4);
  const double bid_high = TradeShare({0.5, 0.8, 0.3, 0.8, 1.2, 0.3, 1.0, 0.3}, 200000, 4);
  EXPECT_GT(both_low, both_high + 0.05);
  EXPECT_LT(bid_low, bid_high - 0.05);
  ExperimentOptions opt;
  opt.quick = true;
  EXPECT_EQ(Fig4BuyerBids(opt).verdict, Verdict::kPartly);
  EXPECT_EQ(Fig5SellerAsks(opt).verdict, Verdict::kPartly);
}

TEST(ExperimentsTest, ApproximationIsHighWhenRangesAreClose) {
  ExperimentOptions opt;
  opt.quick = true;
  const Figure f = Fig8Approximation(opt);
  // Row d = 0 is the sixth (d from -0.25 in steps of 0.05).
  const auto& row = f.data.rows()[5];
  ASSERT_EQ(row[0], "0");
  const double a = std::stod(row[1]);
  EXPECT_GT(a, 0.95);
  EXPECT_LT(a, 1.0);
}

TEST(ExperimentsTest, SameSeedGivesByteIdenticalCsv) {
  ExperimentOptions opt;
  opt.quick = true;
  opt.seed = 5;
  const std::string a = ::testing::TempDir() + "/exp_a", b = ::testing::TempDir() + "/exp_b";
  const std::vector<int> figs = {5, 7, 11, 12};
  auto ra = RunExperimentSuite(a, figs, true, opt);
  auto rb = RunExperimentSuite(b, figs, true, opt);
  ASSERT_TRUE(ra.ok()) << ra.status().ToString();
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  for (const char* f : {"/fig5/data.csv", "/fig7/data.csv", "/fig11/data.csv", "/fig12/data.csv",
                        "/mechanisms.csv", "/mechanisms/data.csv"}) {
    const std::string x = SlurpExperimentFile(a + f);
    EXPECT_GT(x.size(), 100u) << f;
    EXPECT_EQ(x, SlurpExperimentFile(b + f)) << f;
  }
  const std::string report = SlurpExperimentFile(a + "/report.md");
  for (const char* s : {"fig5/plot.png", "fig12/plot.png", "mechanisms/plot.png",
                        "| unit-square | 1 | bayesian |"}) {
    EXPECT_NE(report.find(s), std::string::npos) << s;
  }
}

TEST(ExperimentsTest, MechanismComparisonHasEveryMechanismSettingAndSize) {
  ExperimentOptions opt;
  opt.quick = true;
  const auto r = CompareMechanismsFairly(opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const MechanismComparison& m = *r;
  EXPECT_EQ(m.table.header().front(), "setting");
  // 2 settings x (n = 1: 7 contenders; n = 2, 5, 10: 8 each: the pooled Bayesian scheme, and
  // the k-double auction's equilibrium estimated by the pooled solver), then 7 on the city (the
  // k-double auction twice: at the bilateral equilibrium and truthful) and 6 on the city within
  // the radius (at the orders sent).
  const size_t benchmark_rows = 2 * (7 + 3 * 8);
  ASSERT_EQ(m.table.size(), benchmark_rows + 7 + 6);
  EXPECT_EQ(m.table.rows()[0][0], "unit-square");
  EXPECT_EQ(m.table.rows()[0][2], "bayesian");
  EXPECT_NEAR(std::stod(m.table.rows()[0][6]), 27.0 / 32, 0.02);  // efficiency, quick sizes
  EXPECT_EQ(m.table.rows()[benchmark_rows - 1][0], "paper-fig9");
  EXPECT_EQ(m.table.rows()[benchmark_rows - 1][1], "10");
  // The city's rows, by mechanism and bidding: truthful reports trade each round's first best
  // under the k-double auction (its upper line) and VCG, VCG at a deficit; at equilibrium the
  // k-double auction trades less; SBBA balances its budget and gives up trades; no mechanism
  // leaves a trader worse off than not trading at its true type.
  std::map<std::string, std::vector<std::string>> city, in_range;
  for (size_t i = benchmark_rows; i < m.table.size(); ++i) {
    const auto& row = m.table.rows()[i];
    EXPECT_EQ(row[0], i < benchmark_rows + 7 ? "city" : "city-in-range");
    EXPECT_EQ(row[4], "3");                      // seeds when quick
    EXPECT_GT(std::stod(row[5]), 10) << row[2];  // rounds per seed
    EXPECT_EQ(std::stod(row[12]), 0) << row[2];  // IR violations per round
    (row[0] == "city" ? city : in_range)[row[2] + ", " + row[3]] = row;
  }
  ASSERT_EQ(city.size(), 7u);
  // Within the radius: the trades that do not lapse are some of the pooled ones, and no
  // mechanism beats the first best within the radius; the radius binds in this city, so even
  // VCG's trades keep less than all of it.
  ASSERT_EQ(in_range.size(), 6u);
  for (const auto& [label, row] : in_range) {
    ASSERT_TRUE(city.count(label)) << label;
    EXPECT_LE(std::stod(row[8]), std::stod(city[label][8])) << label;  // trades per round
    EXPECT_LE(std::stod(row[6]), 1 + 1e-9) << label;
    EXPECT_GT(std::stod(row[6]), 0) << label;
    EXPECT_LE(std::stod(row[14]), std::stod(city[label][14])) << label;  // first best per round
  }
  EXPECT_LT(std::stod(in_range["vcg, dominant-strategy"][6]), 1);
  EXPECT_LT(std::stod(in_range["vcg, dominant-strategy"][8]),
            std::stod(city["vcg, dominant-strategy"][8]));
  const auto& kda_truthful = city["k-double-auction(k=0.5), truthful (upper line)"];
  const auto& kda_equilibrium =
      city["k-double-auction(k=0.5), equilibrium (bilateral, city priors)"];
  ASSERT_FALSE(kda_truthful.empty());
  ASSERT_FALSE(kda_equilibrium.empty());
  EXPECT_NEAR(std::stod(kda_truthful[6]), 1, 1e-9);
  EXPECT_LT(std::stod(kda_equilibrium[6]), std::stod(kda_truthful[6]));
  EXPECT_LT(std::stod(kda_equilibrium[8]), std::stod(kda_truthful[8]));  // trades per round
  EXPECT_NEAR(std::stod(city["vcg, dominant-strategy"][6]), 1, 1e-9);
  EXPECT_LT(std::stod(city["vcg, dominant-strategy"][10]), 0);
  EXPECT_LT(std::stod(city["sbba, dominant-strategy"][6]), 1);
  EXPECT_NEAR(std::stod(city["sbba, dominant-strategy"][10]), 0, 1e-9);
  EXPECT_GE(std::stod(city["mcafee, dominant-strategy"][10]), 0);
  // The plot table: one row per size, a (mean, interval) pair per contender of the unit square.
  ASSERT_EQ(m.plot_data.size(), 4u);
  EXPECT_EQ(m.plot_data.header().size(), 1u + 2 * 9);
  EXPECT_EQ(m.plot_data.rows()[1][3], "nan");  // the k-DA's equilibrium exists for n = 1 only
  EXPECT_NE(m.plot.find("yerrorlines"), std::string::npos);
}

}  // namespace
}  // namespace v2v::sim
