// CSV output with a locale-free, platform-independent number format, so that the same seed
// gives byte-identical files. The first line of every file is a '#' comment with the stamp
// (tool, seed, scenario hash); gnuplot and most CSV readers (pandas: comment='#') skip it.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace v2v::sim {

// Shortest text that reads back as the same double (std::to_chars), "nan"/"inf" spelled out.
std::string FormatExact(double x);
// At most `digits` significant digits (std::to_chars general format); -0 prints as 0.
std::string FormatG(double x, int digits = 8);
// The experiments' tables: four significant digits.
inline std::string FormatG4(double x) { return FormatG(x, 4); }
// A cell with no value: written "nan".
inline constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// A table of already formatted cells.
class CsvTable {
 public:
  explicit CsvTable(std::vector<std::string> header) : header_(std::move(header)) {}
  // REQUIRES: cells.size() == header size.
  void AddRow(std::vector<std::string> cells);
  // Convenience: numbers formatted with FormatG(x, 8).
  void AddNumbers(const std::vector<double>& values);
  const std::vector<std::string>& header() const { return header_; }
  const std::vector<std::vector<std::string>>& rows() const { return rows_; }
  size_t size() const { return rows_.size(); }
  // The whole file: "# stamp\n" (if stamp is not empty), header, rows; "\n" line ends.
  std::string ToString(std::string_view stamp) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Writes `text` to `path` (truncating); IoError naming the path on failure.
Status WriteTextFile(const std::string& path, std::string_view text);
// mkdir -p; IoError naming the path on failure.
Status MakeDirs(const std::string& path);

}  // namespace v2v::sim
