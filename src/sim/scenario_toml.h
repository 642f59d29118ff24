// The scenario's TOML reader at the level of parsed nodes, for files that embed scenario keys
// (a sweep grid's base and axes, sim/sweep.h). Messages name `source: [section] key` and the
// line of the node, so a key read from another file points into that file.
#pragma once

#include <string>
#include <string_view>

// toml++ reports syntax errors by exception (the Debian build has exceptions on); its callers
// catch them and return a Status: no exception leaves src/sim/.
#include <toml++/toml.h>

#include "base/result.h"
#include "base/status.h"
#include "sim/scenario.h"

namespace v2v::sim {

// Parses a whole TOML document; a syntax error is InvalidArgument "source: line N: what".
Result<toml::table> ParseTomlText(std::string_view text, std::string_view source);

// Sets one key of `s` from a TOML value, checking its type and range (not the cross-field
// rules: ValidateScenario). InvalidArgument naming the key if unknown, mistyped or out of range.
Status ApplyScenarioKey(const std::string& section, const std::string& key, const toml::node& n,
                        std::string_view source, Scenario& s);

// Sets every [section] key of `root` on `s`, as a scenario file does (no validation).
Status ApplyScenarioTable(const toml::table& root, std::string_view source, Scenario& s);

}  // namespace v2v::sim
