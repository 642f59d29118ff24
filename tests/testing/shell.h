// Test helpers for end-to-end tests that run programs the way a user does (header-only).
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace v2v::testing {

struct CommandResult {
  int exit_code;  // -1 if the command did not exit normally
  std::string out, err;
};

// The whole file ("" if it cannot be read).
inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `command` through the shell in `dir`, capturing stdout and stderr through files there.
inline CommandResult RunCommand(const std::string& command, const std::filesystem::path& dir) {
  const std::filesystem::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string full =
      "cd " + dir.string() + " && " + command + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(full.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
}

}  // namespace v2v::testing
