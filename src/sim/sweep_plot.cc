// SweepPlots (sim/sweep_table.h): a metric over the first axis with 95% bands.
#include <algorithm>
#include <charconv>
#include <map>

#include "sim/sweep_table.h"

namespace v2v::sim {
namespace {

bool IsNumberLabel(const std::string& s) {
  double x = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), x);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string GnuplotQuoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// The cells' layout for plotting: x values (first axis) and lines (the other axes' values),
// both in cell order, and each cell's (x, line).
struct PlotLayout {
  std::vector<std::string> xs;
  std::vector<std::string> lines;  // "key=value, key=value"; one "" without other axes
  std::map<std::pair<size_t, size_t>, size_t> row_of;  // (x, line) -> summary row
  bool numeric_x = true;
};

size_t IndexOf(std::vector<std::string>& v, const std::string& s) {
  auto it = std::find(v.begin(), v.end(), s);
  if (it != v.end()) return static_cast<size_t>(it - v.begin());
  v.push_back(s);
  return v.size() - 1;
}

PlotLayout LayoutOf(const SweepRuns& r, const CsvTable& summary) {
  PlotLayout p;
  const size_t na = r.axes.size();
  for (size_t row = 0; row < summary.size(); ++row) {
    const std::vector<std::string>& cells = summary.rows()[row];
    const std::string& x = cells[1];
    p.numeric_x = p.numeric_x && IsNumberLabel(x);
    std::string line;
    for (size_t a = 1; a < na; ++a) line += (a > 1 ? ", " : "") + r.axes[a] + "=" + cells[1 + a];
    p.row_of[{IndexOf(p.xs, x), IndexOf(p.lines, line)}] = row;
  }
  return p;
}

double SummaryNumber(const CsvTable& summary, size_t row, size_t col) {
  const std::string& s = summary.rows()[row][col];
  double x = kNan;
  if (std::from_chars(s.data(), s.data() + s.size(), x).ec != std::errc()) return kNan;
  return x;
}

SweepPlot PlotOne(const SweepRuns& r, const CsvTable& summary, const PlotLayout& p, size_t m) {
  SweepPlot plot;
  plot.metric = kSweepMetrics[m];
  const size_t mean_col = 1 + r.axes.size() + 1 + 2 * m;  // cell, axes, runs, then pairs
  std::vector<std::string> header = {r.axes[0]};
  for (size_t l = 0; l < p.lines.size(); ++l) {
    for (const char* part : {"mean_", "low_", "high_"}) header.push_back(part + std::to_string(l));
  }
  plot.data = CsvTable(header);
  for (size_t x = 0; x < p.xs.size(); ++x) {
    std::vector<std::string> row = {p.xs[x]};
    for (size_t l = 0; l < p.lines.size(); ++l) {
      auto it = p.row_of.find({x, l});
      const double mean =
          it == p.row_of.end() ? kNan : SummaryNumber(summary, it->second, mean_col);
      const double hw =
          it == p.row_of.end() ? kNan : SummaryNumber(summary, it->second, mean_col + 1);
      for (double v : {mean, mean - hw, mean + hw}) row.push_back(FormatG(v, 8));
    }
    plot.data.AddRow(std::move(row));
  }
  const std::string x = p.numeric_x ? "1" : "0";
  std::string body = "set xlabel " + GnuplotQuoted(r.axes[0]) + " noenhanced\nset ylabel " +
                     GnuplotQuoted(plot.metric) +
                     " noenhanced\nset key below\nset style fill transparent solid 0.2 noborder\n";
  if (!p.numeric_x) body += "set offsets 0.25, 0.25, 0, 0\n";
  body += "plot ";
  for (size_t l = 0; l < p.lines.size(); ++l) {
    const std::string c = std::to_string(2 + 3 * l), lc = " lc " + std::to_string(l + 1);
    const std::string title = p.lines[l].empty() ? "mean, 95% interval" : p.lines[l];
    body += std::string(l ? ", \\\n     '' " : "datafile ") + "using " + x + ":" +
            std::to_string(3 + 3 * l) + ":" + std::to_string(4 + 3 * l) + " with filledcurves" +
            lc + " notitle, \\\n     '' using " + x + ":" + c +
            (p.numeric_x ? "" : ":xticlabels(1)") + " with linespoints lw 2 pt 7" + lc + " title " +
            GnuplotQuoted(title);
  }
  plot.gnuplot = body + "\n";
  return plot;
}

}  // namespace

std::vector<SweepPlot> SweepPlots(const SweepRuns& r) {
  std::vector<SweepPlot> plots;
  if (r.axes.empty() || r.runs.empty()) return plots;
  const CsvTable summary = SweepSummary(r);
  const PlotLayout layout = LayoutOf(r, summary);
  for (size_t m = 0; m < kSweepMetrics.size(); ++m) plots.push_back(PlotOne(r, summary, layout, m));
  return plots;
}

}  // namespace v2v::sim
