// SweepPlots (sim/sweep_table.h): a metric over the first axis with 95% bands.
#include <algorithm>
#include <charconv>
#include <cmath>
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

std::string Labels(const SweepRuns& r, const std::string& metric) {
  return "set xlabel " + GnuplotQuoted(r.axes[0]) + " noenhanced\nset ylabel " +
         GnuplotQuoted(metric) + " noenhanced\nset key below\n";
}

std::string LineTitle(const PlotLayout& p, size_t l) {
  return GnuplotQuoted(p.lines[l].empty() ? "mean, 95% interval" : p.lines[l]);
}

// A numeric first axis: one line per value of the other axes, its interval a band.
std::string LinesWithBands(const SweepRuns& r, const PlotLayout& p, const std::string& metric) {
  std::string body = Labels(r, metric) + "set style fill transparent solid 0.2 noborder\nplot ";
  for (size_t l = 0; l < p.lines.size(); ++l) {
    const std::string c = std::to_string(2 + 3 * l), lc = " lc " + std::to_string(l + 1);
    body += std::string(l ? ", \\\n     '' " : "datafile ") +
            "using 1:" + std::to_string(3 + 3 * l) + ":" + std::to_string(4 + 3 * l) +
            " with filledcurves" + lc + " notitle, \\\n     '' using 1:" + c +
            " with linespoints lw 2 pt 7" + lc + " title " + LineTitle(p, l);
  }
  return body + "\n";
}

// A first axis of names (mechanisms, layouts): nothing lies between two values, so a bar per
// value, one per value of the other axes side by side, its interval an error bar.
std::string BarsWithErrorBars(const SweepRuns& r, const PlotLayout& p, const std::string& metric) {
  std::string body =
      Labels(r, metric) +
      "set style data histograms\nset style histogram errorbars gap 1 lw 1\n"
      "set style fill solid 0.5 border -1\nset grid ytics\nset yrange [*<0:0<*]\nplot ";
  for (size_t l = 0; l < p.lines.size(); ++l) {
    body += std::string(l ? ", \\\n     '' " : "datafile ") + "using " + std::to_string(2 + 3 * l) +
            ":" + std::to_string(3 + 3 * l) + ":" + std::to_string(4 + 3 * l) +
            (l ? "" : ":xticlabels(1)") + " lc " + std::to_string(l + 1) + " title " +
            LineTitle(p, l);
  }
  return body + "\n";
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
  plot.gnuplot =
      p.numeric_x ? LinesWithBands(r, p, plot.metric) : BarsWithErrorBars(r, p, plot.metric);
  return plot;
}

}  // namespace

std::vector<SweepPlot> SweepPlots(const SweepRuns& r) {
  std::vector<SweepPlot> plots;
  if (r.axes.empty() || r.runs.empty()) return plots;
  const CsvTable summary = SweepSummary(r);
  const PlotLayout layout = LayoutOf(r, summary);
  for (size_t m = 0; m < kSweepMetrics.size(); ++m) {
    const bool measured = std::any_of(r.runs.begin(), r.runs.end(), [m](const SweepRun& run) {
      return !std::isnan(run.metrics[m]);
    });
    if (measured) plots.push_back(PlotOne(r, summary, layout, m));
  }
  return plots;
}

}  // namespace v2v::sim
