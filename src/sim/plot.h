// Drives gnuplot: writes a script beside the data and runs `gnuplot script` as a child process
// (posix_spawnp, no shell). The script gets the pngcairo terminal when available, png otherwise.
#pragma once

#include <string>

#include "base/status.h"

namespace v2v::sim {

// The full script for a figure directory: terminal, output DIR/plot.png, `datafile` =
// DIR/data.csv, CSV separator, then `body`.
std::string GnuplotScript(const std::string& dir, const std::string& title,
                          const std::string& body);

// Writes DIR/plot.gp and runs gnuplot on it. NotFound if gnuplot cannot be started, Internal if
// it exits with an error (its stderr is left on ours).
Status RunGnuplot(const std::string& dir, const std::string& title, const std::string& body);

}  // namespace v2v::sim
