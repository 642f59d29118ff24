#include "clique_replay_command.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "base/file_util.h"
#include "consensus/poa/replay.h"

namespace v2v::cli {

void AddCliqueReplayCommand(CLI::App& app, int* exit_code) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "clique-replay",
      "Replay Clique (EIP-225) voting scenarios; one JSON line per case on stdout");
  cmd->add_option("file", *file, "JSON array of scenarios (see docs/clique.md)")->required();
  cmd->callback([file, exit_code] {
    auto text = ReadFile(*file);
    if (!text.ok()) {
      std::cerr << "v2v clique-replay: " << text.status().message() << "\n";
      *exit_code = 2;
      return;
    }
    auto lines = consensus::poa::ReplayScenarios(*text);
    if (!lines.ok()) {
      std::cerr << "v2v clique-replay: " << *file << ": " << lines.status().message() << "\n";
      *exit_code = 2;
      return;
    }
    for (const std::string& l : *lines) std::cout << l << "\n";
    *exit_code = 0;
  });
}

}  // namespace v2v::cli
