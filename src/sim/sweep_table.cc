#include "sim/sweep_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "sim/mechanism_benchmark.h"

namespace v2v::sim {
namespace {

constexpr std::string_view kRunsStampPrefix = "# v2v sweep ";

std::vector<std::string> SplitOn(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    out.emplace_back(s.substr(start, at == std::string_view::npos ? s.npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

template <typename T>
bool ParseWhole(std::string_view s, T& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

std::vector<std::string> RunsHeader(const std::vector<std::string>& axes) {
  std::vector<std::string> h = {"cell"};
  h.insert(h.end(), axes.begin(), axes.end());
  h.push_back("seed");
  h.push_back("sim_seed");
  for (const char* m : kSweepMetrics) h.emplace_back(m);
  return h;
}

// "# v2v sweep grid=H cells=K seeds=N seed=S" into r.
bool ParseSweepRunsStamp(std::string_view line, SweepRuns& r) {
  if (line.substr(0, kRunsStampPrefix.size()) != kRunsStampPrefix) return false;
  int found = 0;
  for (const std::string& field : SplitOn(line.substr(kRunsStampPrefix.size()), ' ')) {
    const size_t eq = field.find('=');
    if (eq == std::string::npos) continue;
    const std::string_view key = std::string_view(field).substr(0, eq);
    const std::string_view value = std::string_view(field).substr(eq + 1);
    if (key == "grid") {
      r.grid_hash = std::string(value);
      found += !value.empty();
    } else if (key == "cells") {
      found += ParseWhole(value, r.cells) && r.cells >= 1;
    } else if (key == "seeds") {
      found += ParseWhole(value, r.seeds) && r.seeds >= 1;
    } else if (key == "seed") {
      found += ParseWhole(value, r.seed);
    }
  }
  return found == 4;
}

Result<SweepRun> ParseRunRow(const std::vector<std::string>& cells, const SweepRuns& r,
                             const std::string& where) {
  SweepRun run;
  const size_t na = r.axes.size();
  if (!ParseWhole(cells[0], run.cell) || run.cell < 0 || run.cell >= r.cells)
    return Status::InvalidArgument(where + ": cell " + cells[0] + " is not in 0.." +
                                   std::to_string(r.cells - 1));
  run.labels.assign(cells.begin() + 1, cells.begin() + 1 + static_cast<std::ptrdiff_t>(na));
  if (!ParseWhole(cells[1 + na], run.seed) || run.seed < 0 || run.seed >= r.seeds)
    return Status::InvalidArgument(where + ": seed " + cells[1 + na] + " is not in 0.." +
                                   std::to_string(r.seeds - 1));
  if (!ParseWhole(cells[2 + na], run.sim_seed))
    return Status::InvalidArgument(where + ": sim_seed " + cells[2 + na] + " is not a seed");
  for (size_t m = 0; m < kSweepMetrics.size(); ++m) {
    double x = 0;
    if (!ParseWhole(cells[3 + na + m], x))
      return Status::InvalidArgument(where + ": " + kSweepMetrics[m] + " " + cells[3 + na + m] +
                                     " is not a number");
    run.metrics.push_back(x);
  }
  return run;
}

std::string RunName(int cell, int seed) {
  return "cell " + std::to_string(cell) + " seed " + std::to_string(seed);
}

}  // namespace

std::string SweepRunsStamp(const SweepRuns& r) {
  return "v2v sweep grid=" + r.grid_hash + " cells=" + std::to_string(r.cells) +
         " seeds=" + std::to_string(r.seeds) + " seed=" + std::to_string(r.seed);
}

std::string SweepRunsCsv(const SweepRuns& r) {
  CsvTable t(RunsHeader(r.axes));
  for (const SweepRun& run : r.runs) {
    std::vector<std::string> row = {std::to_string(run.cell)};
    row.insert(row.end(), run.labels.begin(), run.labels.end());
    row.push_back(std::to_string(run.seed));
    row.push_back(std::to_string(run.sim_seed));
    for (double x : run.metrics) row.push_back(FormatExact(x));
    t.AddRow(std::move(row));
  }
  return t.ToString(SweepRunsStamp(r));
}

Result<SweepRuns> ParseSweepRunsCsv(std::string_view text, std::string_view source) {
  SweepRuns r;
  const std::string src(source);
  const std::vector<std::string> lines = SplitOn(text, '\n');
  if (lines.empty() || !ParseSweepRunsStamp(lines[0], r))
    return Status::InvalidArgument(src + ": line 1: not a sweep's runs (expected \"" +
                                   std::string(kRunsStampPrefix) + "grid=...\")");
  if (lines.size() < 2 || lines[1].rfind("cell,", 0) != 0)
    return Status::InvalidArgument(src + ": line 2: expected the header cell,...");
  const std::vector<std::string> header = SplitOn(lines[1], ',');
  const size_t fixed = 3 + kSweepMetrics.size();
  if (header.size() < fixed)
    return Status::InvalidArgument(src + ": line 2: too few columns in the header");
  r.axes.assign(header.begin() + 1, header.end() - static_cast<std::ptrdiff_t>(fixed - 1));
  if (header != RunsHeader(r.axes))
    return Status::InvalidArgument(src + ": line 2: unexpected header " + lines[1]);
  for (size_t i = 2; i < lines.size(); ++i) {
    if (lines[i].empty() || lines[i][0] == '#') continue;
    const std::string where = src + ": line " + std::to_string(i + 1);
    const std::vector<std::string> cells = SplitOn(lines[i], ',');
    if (cells.size() != header.size())
      return Status::InvalidArgument(where + ": " + std::to_string(cells.size()) +
                                     " columns, the header has " + std::to_string(header.size()));
    V2V_ASSIGN_OR_RETURN(SweepRun run, ParseRunRow(cells, r, where));
    r.runs.push_back(std::move(run));
  }
  return r;
}

Result<SweepRuns> MergeSweepRuns(const std::vector<std::pair<std::string, SweepRuns>>& parts) {
  if (parts.empty()) return Status::InvalidArgument("no parts to merge");
  const SweepRuns& first = parts.front().second;
  SweepRuns out = first;
  out.runs.clear();
  std::map<std::pair<int, int>, const std::string*> from;
  for (const auto& [name, part] : parts) {
    if (SweepRunsStamp(part) != SweepRunsStamp(first) || part.axes != first.axes)
      return Status::InvalidArgument(name + " is from another sweep than " + parts.front().first +
                                     " (" + SweepRunsStamp(part) + " vs " + SweepRunsStamp(first) +
                                     ")");
    for (const SweepRun& run : part.runs) {
      const std::pair<int, int> key{run.cell, run.seed};
      auto [it, inserted] = from.try_emplace(key, &name);
      if (!inserted)
        return Status::InvalidArgument(RunName(run.cell, run.seed) + " is in both " + *it->second +
                                       " and " + name);
      out.runs.push_back(run);
    }
  }
  std::string missing;
  int64_t count = 0;
  for (int c = 0; c < out.cells; ++c) {
    for (int s = 0; s < out.seeds; ++s) {
      if (from.count({c, s})) continue;
      if (++count <= 8) missing += (count > 1 ? ", " : "") + RunName(c, s);
    }
  }
  if (count > 0)
    return Status::InvalidArgument("missing " + std::to_string(count) + " of " +
                                   std::to_string(static_cast<int64_t>(out.cells) * out.seeds) +
                                   " runs: " + missing + (count > 8 ? ", ..." : "") +
                                   " (no part has them)");
  std::sort(out.runs.begin(), out.runs.end(), [](const SweepRun& a, const SweepRun& b) {
    return a.cell != b.cell ? a.cell < b.cell : a.seed < b.seed;
  });
  return out;
}

CsvTable SweepSummary(const SweepRuns& r) {
  std::vector<std::string> header = {"cell"};
  header.insert(header.end(), r.axes.begin(), r.axes.end());
  header.push_back("runs");
  for (const char* m : kSweepMetrics) {
    header.push_back(std::string(m) + "_mean");
    header.push_back(std::string(m) + "_ci95");
  }
  CsvTable t(header);
  for (size_t i = 0; i < r.runs.size();) {
    size_t j = i;
    while (j < r.runs.size() && r.runs[j].cell == r.runs[i].cell) ++j;
    std::vector<std::string> row = {std::to_string(r.runs[i].cell)};
    row.insert(row.end(), r.runs[i].labels.begin(), r.runs[i].labels.end());
    row.push_back(std::to_string(j - i));
    for (size_t m = 0; m < kSweepMetrics.size(); ++m) {
      std::vector<double> x;
      for (size_t k = i; k < j; ++k) {
        if (!std::isnan(r.runs[k].metrics[m])) x.push_back(r.runs[k].metrics[m]);
      }
      const Estimate e = x.empty() ? Estimate{kNan, kNan} : EstimateOf(x);
      row.push_back(FormatG(e.mean, 6));
      row.push_back(FormatG(e.half_width, 3));
    }
    t.AddRow(std::move(row));
    i = j;
  }
  return t;
}

}  // namespace v2v::sim
