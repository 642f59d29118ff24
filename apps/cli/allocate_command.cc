#include "allocate_command.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "base/file_util.h"
#include "market/market_json.h"
#include "market/market_round.h"
#include "market/round_mechanism.h"

namespace v2v::cli {
namespace {

struct AllocateOptions {
  std::string input;
  std::string output;
  bool table = false;
  std::string mechanism = "paper";  // Algorithm 1, or a name of market::MechanismNames()
  market::MechanismParams params;   // k and the posted price (its bounds are the round's)
  uint64_t seed = 1;
};

// The named mechanism's clearing as text, or exit 2 (bad name or parameter, one line).
Result<std::string> ClearWithMechanism(const AllocateOptions& opt, const market::Market& m) {
  V2V_ASSIGN_OR_RETURN(const market::MechanismClearing c,
                       market::ClearRoundWithMechanism(m, opt.mechanism, opt.params, opt.seed));
  return opt.table ? market::MechanismClearingToTable(c)
                   : market::MechanismClearingToJson(c) + "\n";
}

int WriteText(const AllocateOptions& opt, const std::string& text) {
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

// Exit codes: 0 done; 2 the input is not a valid market (one line on stderr naming the field) or
// --mechanism names no mechanism or lacks a parameter;
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
  if (opt.mechanism != "paper") {
    auto text = ClearWithMechanism(opt, *market);
    if (!text.ok()) {
      std::cerr << "v2v allocate: --mechanism: " << text.status().message() << "\n";
      return 2;
    }
    return WriteText(opt, *text);
  }
  auto result = market::RunRound(*market);
  if (!result.ok()) {
    std::cerr << "v2v allocate: " << result.status().ToString() << "\n";
    return 1;
  }
  return WriteText(opt, opt.table ? market::RoundResultToTable(*result)
                                  : market::RoundResultToJson(*result) + "\n");
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
  std::string names;
  for (std::string_view n : market::MechanismNames())
    names += (names.empty() ? "" : ", ") + std::string(n);
  cmd->add_option("--mechanism", opt->mechanism,
                  "paper (Algorithm 1, the default), or clear the valid bids one unit per trader "
                  "with: " +
                      names)
      ->capture_default_str();
  cmd->add_option("--k", opt->params.k, "The k-double auction's k, in [0, 1]")
      ->capture_default_str();
  cmd->add_option_function<double>(
      "--posted-price", [opt](double p) { opt->params.posted_price = p; },
      "The posted price's p (currency/kWh); required by posted-price");
  cmd->add_option("--seed", opt->seed, "Seed of SBBA's lottery")->capture_default_str();
  cmd->callback([opt, exit_code] { *exit_code = RunAllocate(*opt); });
}

}  // namespace v2v::cli
