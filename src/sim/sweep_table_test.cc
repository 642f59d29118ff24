#include "sim/sweep_table.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/mechanism_benchmark.h"

namespace v2v::sim {
namespace {

SweepRun SweepRow(int cell, std::vector<std::string> labels, int seed, double base) {
  SweepRun r;
  r.cell = cell;
  r.labels = std::move(labels);
  r.seed = seed;
  r.sim_seed = 1000u + static_cast<uint64_t>(seed);
  for (size_t m = 0; m < kSweepMetrics.size(); ++m)
    r.metrics.push_back(base + 0.1 * static_cast<double>(m));
  return r;
}

// Two axes of two values, three seeds: cell c = 2 * (l1 index) + (count index).
SweepRuns SweepFixture() {
  SweepRuns r{"0123456789abcdef", 4, 3, 9, {"market.l1", "vehicles.count"}, {}};
  const char* l1[] = {"0.5", "1"};
  const char* count[] = {"20", "40"};
  for (int c = 0; c < 4; ++c) {
    for (int s = 0; s < 3; ++s)
      r.runs.push_back(SweepRow(c, {l1[c / 2], count[c % 2]}, s, 10.0 * c + s + 1.0 / 3));
  }
  return r;
}

TEST(SweepTableTest, RunsRoundTripExactly) {
  SweepRuns r = SweepFixture();
  r.runs[1].metrics[3] = kNan;  // a run without trades has no mean price
  r.runs[2].sim_seed = UINT64_MAX;
  const std::string text = SweepRunsCsv(r);
  EXPECT_EQ(text.rfind("# v2v sweep grid=0123456789abcdef cells=4 seeds=3 seed=9\n"
                       "cell,market.l1,vehicles.count,seed,sim_seed,rounds,trades,energy_kwh,"
                       "mean_price,welfare,served_share,grid_kwh,p2p_trades,p2p_surplus,p2p_budget,"
                       "p2p_efficiency,p2p_truthful_trades,p2p_truthful_surplus,"
                       "p2p_truthful_efficiency,p2p_first_best_in_range,p2p_in_range_trades,"
                       "p2p_in_range_surplus,p2p_in_range_budget,p2p_in_range_efficiency\n"
                       "0,0.5,20,0,1000,",
                       0),
            0u)
      << text;
  auto back = ParseSweepRunsCsv(text, "runs.csv");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->axes, r.axes);
  EXPECT_EQ(back->runs.size(), r.runs.size());
  EXPECT_TRUE(std::isnan(back->runs[1].metrics[3]));
  EXPECT_EQ(back->runs[2].sim_seed, UINT64_MAX);
  EXPECT_EQ(back->runs[4].metrics[0], r.runs[4].metrics[0]);  // exact, not rounded
  EXPECT_EQ(SweepRunsCsv(*back), text);
}

TEST(SweepTableTest, BadRunsFilesNameTheLine) {
  const std::string good = SweepRunsCsv(SweepFixture());
  auto err = [](const std::string& text) {
    auto r = ParseSweepRunsCsv(text, "p.csv");
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_NE(err("cell,seed\n").find("p.csv: line 1: not a sweep's runs"), std::string::npos);
  EXPECT_NE(err("# v2v sweep grid=x cells=4 seeds=3\ncell\n").find("line 1"), std::string::npos);
  std::string bad = good;
  bad.replace(bad.find("\n0,0.5,20,0,") + 1, 1, "9");
  EXPECT_NE(err(bad).find("line 3: cell 9 is not in 0..3"), std::string::npos) << err(bad);
  EXPECT_NE(err(good + "1,2,3\n").find("line 15: 3 columns"), std::string::npos);
  bad = good;
  bad.replace(bad.find(",20,0,1000,") + 11, 1, "x");
  EXPECT_NE(err(bad).find("line 3: rounds x"), std::string::npos) << err(bad);
}

TEST(SweepTableTest, MergeJoinsPartsAndRefusesOverlapsGapsAndOtherSweeps) {
  const SweepRuns all = SweepFixture();
  SweepRuns a = all, b = all;
  a.runs.clear();
  b.runs.clear();
  for (const SweepRun& r : all.runs) (r.cell % 2 ? a : b).runs.push_back(r);
  auto merged = MergeSweepRuns({{"a", a}, {"b", b}});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(SweepRunsCsv(*merged), SweepRunsCsv(all));

  auto overlap = MergeSweepRuns({{"a", a}, {"b", b}, {"c", a}});
  ASSERT_FALSE(overlap.ok());
  EXPECT_NE(overlap.status().message().find("cell 1 seed 0 is in both a and c"), std::string::npos);
  auto gap = MergeSweepRuns({{"a", a}});
  ASSERT_FALSE(gap.ok());
  EXPECT_NE(gap.status().message().find("missing 6 of 12 runs: cell 0 seed 0, cell 0 seed 1"),
            std::string::npos)
      << gap.status().message();
  SweepRuns other = b;
  other.seed = 2;
  auto mixed = MergeSweepRuns({{"a", a}, {"o", other}});
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("o is from another sweep than a"), std::string::npos);
}

TEST(SweepTableTest, SummaryIsMeanAndIntervalPerCellLeavingOutMissingValues) {
  SweepRuns r = SweepFixture();
  r.runs[0].metrics[3] = kNan;
  const CsvTable t = SweepSummary(r);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t.header()[3], "runs");
  EXPECT_EQ(t.header()[4], "rounds_mean");
  EXPECT_EQ(t.header()[5], "rounds_ci95");
  const auto& row = t.rows()[1];
  EXPECT_EQ(row[0], "1");
  EXPECT_EQ(row[1], "0.5");
  EXPECT_EQ(row[2], "40");
  EXPECT_EQ(row[3], "3");
  const Estimate e = EstimateOf({r.runs[3].metrics[0], r.runs[4].metrics[0], r.runs[5].metrics[0]});
  EXPECT_EQ(row[4], FormatG(e.mean, 6));
  EXPECT_EQ(row[5], FormatG(e.half_width, 3));
  const Estimate price = EstimateOf({r.runs[1].metrics[3], r.runs[2].metrics[3]});
  EXPECT_EQ(t.rows()[0][4 + 2 * 3], FormatG(price.mean, 6));
}

TEST(SweepTableTest, PlotsHaveBandsAndOneLinePerValueOfTheOtherAxes) {
  const SweepRuns r = SweepFixture();
  const std::vector<SweepPlot> plots = SweepPlots(r);
  ASSERT_EQ(plots.size(), kSweepMetrics.size());
  const SweepPlot& p = plots[4];
  EXPECT_EQ(p.metric, "welfare");
  EXPECT_EQ(p.data.header(), (std::vector<std::string>{"market.l1", "mean_0", "low_0", "high_0",
                                                       "mean_1", "low_1", "high_1"}));
  ASSERT_EQ(p.data.size(), 2u);
  EXPECT_EQ(p.data.rows()[1][0], "1");
  EXPECT_NE(p.gnuplot.find("using 1:3:4 with filledcurves lc 1 notitle"), std::string::npos)
      << p.gnuplot;
  EXPECT_NE(p.gnuplot.find("title 'vehicles.count=40'"), std::string::npos) << p.gnuplot;
  const double mean = std::stod(p.data.rows()[1][4]), low = std::stod(p.data.rows()[1][5]);
  EXPECT_LT(low, mean);

  SweepRuns words = r;
  for (SweepRun& run : words.runs) run.labels[0] = run.cell < 2 ? "grid" : "junctions";
  // Names on the first axis: bars with error bars, one per value of the other axes.
  const std::string bars = SweepPlots(words)[0].gnuplot;
  EXPECT_NE(bars.find("set style histogram errorbars"), std::string::npos) << bars;
  EXPECT_NE(bars.find("using 2:3:4:xticlabels(1) lc 1 title 'vehicles.count=20'"),
            std::string::npos)
      << bars;
  EXPECT_NE(bars.find("'' using 5:6:7 lc 2 title 'vehicles.count=40'"), std::string::npos) << bars;
  EXPECT_EQ(bars.find("filledcurves"), std::string::npos) << bars;
  // A metric no run measured (the in-range ones of a grid naming no comparison mechanism) has
  // no plot; one that some run measured keeps its plot.
  SweepRuns unmeasured = r;
  for (SweepRun& run : unmeasured.runs) run.metrics[kSweepMetrics.size() - 1] = kNan;
  unmeasured.runs[0].metrics[3] = kNan;
  const std::vector<SweepPlot> fewer = SweepPlots(unmeasured);
  ASSERT_EQ(fewer.size(), kSweepMetrics.size() - 1);
  EXPECT_EQ(fewer.back().metric, kSweepMetrics[kSweepMetrics.size() - 2]);
  EXPECT_EQ(fewer[3].metric, "mean_price");
  SweepRuns none = r;
  none.axes.clear();
  for (SweepRun& run : none.runs) run.labels.clear();
  EXPECT_TRUE(SweepPlots(none).empty());
}

}  // namespace
}  // namespace v2v::sim
