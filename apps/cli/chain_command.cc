#include "chain_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/file_util.h"
#include "devnet/block_generator.h"
#include "node/audit.h"
#include "node/export.h"
#include "node/genesis_json.h"
#include "node/ledger.h"

namespace v2v::cli {
namespace {

struct Options {
  std::string data, genesis, file;
  int rounds = 10;
  uint64_t seed = 1;
  int64_t at = -1;
  bool json = false;
};

int ChainFail(const std::string& what, const Status& s, int code = 1) {
  std::cerr << "v2v " << what << ": " << s.ToString() << "\n";
  return code;
}

Result<std::unique_ptr<node::Ledger>> OpenLedger(const std::string& dir) {
  if (!std::filesystem::exists(dir)) return Status::NotFound("no data directory " + dir);
  V2V_ASSIGN_OR_RETURN(auto kv, store::OpenRocksKvStore(dir));
  return node::Ledger::Open(std::move(kv));
}

int RunGenesis(const Options& o) {
  std::ofstream out(o.file, std::ios::trunc);
  out << node::GenesisToJson(devnet::BlockGenerator().genesis()).dump(2) << "\n";
  out.close();
  if (!out) return ChainFail("chain genesis", Status::IoError("cannot write " + o.file));
  return 0;
}

int RunInit(const Options& o) {
  contract::Genesis g = devnet::BlockGenerator().genesis();
  if (!o.genesis.empty()) {
    auto bytes = ReadFileBytes(o.genesis);
    if (!bytes.ok()) return ChainFail("chain init", bytes.status(), 2);
    auto parsed = node::ParseGenesisJson(*bytes);
    if (!parsed.ok()) return ChainFail("chain init", parsed.status(), 2);
    g = std::move(parsed).value();
  }
  auto kv = store::OpenRocksKvStore(o.data);
  if (!kv.ok()) return ChainFail("chain init", kv.status());
  auto ledger = node::Ledger::Init(std::move(kv).value(), g);
  if (!ledger.ok()) return ChainFail("chain init", ledger.status(), 2);
  std::cout << nlohmann::json{{"height", (*ledger)->head().height},
                              {"hash", (*ledger)->head_hash().Hex()}}
                   .dump()
            << "\n";
  return 0;
}

int RunGenerate(const Options& o) {
  const devnet::BlockGenerator generator;
  auto kv = store::OpenRocksKvStore(o.data);
  if (!kv.ok()) return ChainFail("chain generate", kv.status());
  auto ledger = node::Ledger::Init(std::move(kv).value(), generator.genesis());
  if (!ledger.ok()) return ChainFail("chain generate", ledger.status(), 2);
  base::Rng rng(o.seed ^ ((*ledger)->head().height * 0x9e3779b97f4a7c15ull));
  uint64_t txs = 0;
  for (int i = 0; i < o.rounds; ++i) {
    auto block = generator.NextBlock(**ledger, rng);
    if (!block.ok()) return ChainFail("chain generate", block.status());
    if (Status s = (*ledger)->Append(*block).ToStatus(); !s.ok())
      return ChainFail("chain generate", s);
    txs += block->txs.size();
  }
  std::cout << nlohmann::json{{"height", (*ledger)->head().height},
                              {"hash", (*ledger)->head_hash().Hex()},
                              {"transactions", txs},
                              {"open_escrows", (*ledger)->state().escrows.size()}}
                   .dump()
            << "\n";
  return 0;
}

int RunHead(const Options& o) {
  auto ledger = OpenLedger(o.data);
  if (!ledger.ok()) return ChainFail("chain head", ledger.status());
  std::cout << nlohmann::json{{"height", (*ledger)->head().height},
                              {"hash", (*ledger)->head_hash().Hex()}}
                   .dump()
            << "\n";
  return 0;
}

int RunAccounts(const Options& o) {
  auto ledger = OpenLedger(o.data);
  if (!ledger.ok()) return ChainFail("chain accounts", ledger.status());
  chain::State state = (*ledger)->state();
  if (o.at >= 0) {
    auto at = (*ledger)->StateAt(static_cast<uint64_t>(o.at));
    if (!at.ok()) return ChainFail("chain accounts", at.status(), 2);
    state = std::move(at).value();
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, a] : state.accounts) {
    out.push_back({{"id", id}, {"energy_wh", a.energy_wh}, {"balance", a.balance}});
  }
  if (o.json) {
    std::cout << out.dump() << "\n";
  } else {
    for (const auto& a : out) {
      std::cout << a["id"].get<std::string>() << "\t" << a["energy_wh"] << " Wh\t" << a["balance"]
                << "\n";
    }
  }
  return 0;
}

int RunExport(const Options& o) {
  auto ledger = OpenLedger(o.data);
  if (!ledger.ok()) return ChainFail("chain export", ledger.status());
  auto bytes = node::ExportChain(**ledger);
  if (!bytes.ok()) return ChainFail("chain export", bytes.status());
  std::ofstream out(o.file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes->data()),
            static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) return ChainFail("chain export", Status::IoError("cannot write " + o.file));
  return 0;
}

// Two streamed passes over --in (bounded memory whatever its size): the first checks every byte
// (structure, lengths, checksum) and writes nothing, so a bad export leaves --data untouched;
// the second re-validates and stores each block.
int RunImport(const Options& o) {
  std::error_code ec;
  if (std::filesystem::is_directory(o.file, ec)) {
    return ChainFail("chain import",
                     Status::InvalidArgument("--in " + o.file + " is a directory, not an export"),
                     2);
  }
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return ChainFail("chain import", Status::IoError("cannot read --in " + o.file), 2);
  auto blocks = node::VerifyExport(in);
  if (!blocks.ok()) return ChainFail("chain import", blocks.status(), 2);
  in.clear();
  in.seekg(0);
  if (!in) {
    return ChainFail("chain import",
                     Status::InvalidArgument("--in " + o.file + " cannot be read twice (a pipe?)"),
                     2);
  }
  auto kv = store::OpenRocksKvStore(o.data);
  if (!kv.ok()) return ChainFail("chain import", kv.status());
  auto ledger = node::ImportChain(std::move(kv).value(), in);
  if (!ledger.ok()) return ChainFail("chain import", ledger.status(), 2);
  std::cout << nlohmann::json{{"height", (*ledger)->head().height},
                              {"hash", (*ledger)->head_hash().Hex()}}
                   .dump()
            << "\n";
  return 0;
}

int RunAudit(const Options& o) {
  if (!std::filesystem::exists(o.data)) return ChainFail("audit", Status::NotFound(o.data));
  auto kv = store::OpenRocksKvStore(o.data);
  if (!kv.ok()) return ChainFail("audit", kv.status());
  auto report = node::Audit(**kv, node::DefaultVerifierFactory());
  if (!report.ok()) return ChainFail("audit", report.status());
  std::cout << report->ToText();
  return report->ok() ? 0 : 1;
}

CLI::App* Sub(CLI::App* parent, const char* name, const char* help, std::shared_ptr<Options> o) {
  CLI::App* c = parent->add_subcommand(name, help);
  c->add_option("--data", o->data, "Data directory (RocksDB)")->required();
  return c;
}

}  // namespace

void AddChainCommand(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<Options>();
  CLI::App* chain =
      app.add_subcommand("chain", "The ledger: init, generate, inspect, export, import");
  chain->require_subcommand(1);
  auto* gen = chain->add_subcommand("genesis", "Write the built-in market's genesis as JSON");
  gen->add_option("--out", o->file, "Output file")->required();
  gen->callback([o, exit_code] { *exit_code = RunGenesis(*o); });
  auto* init = Sub(chain, "init", "Create a ledger from a genesis (default: the built-in one)", o);
  init->add_option("--genesis", o->genesis, "Genesis JSON file");
  init->callback([o, exit_code] { *exit_code = RunInit(*o); });
  auto* generate =
      Sub(chain, "generate", "Generate trading rounds of the built-in market and persist them", o);
  generate->add_option("--rounds", o->rounds, "Blocks (one trading round each)")
      ->check(CLI::Range(0, 1000000));
  generate->add_option("--seed", o->seed, "Random seed");
  generate->callback([o, exit_code] { *exit_code = RunGenerate(*o); });
  Sub(chain, "head", "Print the head as JSON", o)->callback([o, exit_code] {
    *exit_code = RunHead(*o);
  });
  auto* acc = Sub(chain, "accounts", "List accounts (id, energy_wh, balance)", o);
  acc->add_option("--at", o->at, "State after this height (replayed)");
  acc->add_flag("--json", o->json, "JSON array");
  acc->callback([o, exit_code] { *exit_code = RunAccounts(*o); });
  auto* exp = Sub(chain, "export", "Write the chain in the canonical encoding", o);
  exp->add_option("--out", o->file, "Output file")->required();
  exp->callback([o, exit_code] { *exit_code = RunExport(*o); });
  auto* imp = Sub(chain, "import", "Re-validate and store an exported chain (empty --data)", o);
  imp->add_option("--in", o->file, "Export file")->required();
  imp->callback([o, exit_code] { *exit_code = RunImport(*o); });
}

void AddAuditCommand(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<Options>();
  auto* audit = Sub(&app, "audit", "Replay the chain from genesis and check everything", o);
  audit->callback([o, exit_code] { *exit_code = RunAudit(*o); });
}

}  // namespace v2v::cli
