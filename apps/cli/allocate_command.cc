#include "allocate_command.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "base/file_util.h"
#include "market/market_json.h"
#include "market/market_round.h"

namespace v2v::cli {
namespace {

struct AllocateOptions {
  std::string input;
  std::string output;
  bool table = false;
};

// Exit codes: 0 done; 2 the input is not a valid market (one line on stderr naming the field);
// 1 the round could not be solved (a bug or numerical failure; the message says which).
int RunAllocate(const AllocateOptions& opt) {
  auto input = ReadFile(opt.input, market::kMaxMarketJsonBytes);
  if (!input.ok()) {
    std::cerr << "v2v allocate: --input " << input.status().message() << "\n";
    return 2;
  }
  auto market = market::ParseMarketJson(*input);
  if (!market.ok()) {
    std::cerr << "v2v allocate: " << opt.input << ": " << market.status().message() << "\n";
    return 2;
  }
  auto result = market::RunRound(*market);
  if (!result.ok()) {
    std::cerr << "v2v allocate: " << result.status().ToString() << "\n";
    return 1;
  }
  const std::string text =
      opt.table ? market::RoundResultToTable(*result) : market::RoundResultToJson(*result) + "\n";
  if (opt.output.empty()) {
    std::cout << text;
    return 0;
  }
  std::ofstream out(opt.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "v2v allocate: --output " << opt.output << ": cannot write file\n";
    return 1;
  }
  return 0;
}

}  // namespace

void AddAllocateCommand(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<AllocateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "allocate", "Run one trading round (validate, pair, price, allocate) on a JSON market");
  cmd->add_option("--input,-i", opt->input, "Market JSON file (kWh, currency/kWh, metres)")
      ->required();
  cmd->add_option("--output,-o", opt->output, "Write the result here instead of stdout");
  cmd->add_flag("--table", opt->table, "Print a human-readable table instead of JSON");
  cmd->callback([opt, exit_code] { *exit_code = RunAllocate(*opt); });
}

}  // namespace v2v::cli
