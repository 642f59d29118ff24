// Writes the seed corpus of the chain_decode fuzz target from today's encoders, so the seeds
// always carry today's byte layouts (docs/spec/encoding.md); `--check DIR` instead verifies that
// every seed this program writes exists in DIR and still decodes (ctest runs it).
//   chain_decode_seeds OUT_DIR          # regenerate tests/fuzz/corpus/chain_decode/
//   chain_decode_seeds --check DIR
// Each seed is the target's selector byte (chain_decode_fuzz.cc) followed by the encoding.
// Every value comes from fixed keys and a fixed seed, so the output is the same on every run.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "base/file_util.h"
#include "chain/block.h"
#include "contract/compact_identity.h"
#include "contract/genesis.h"
#include "devnet/block_generator.h"
#include "node/export.h"

namespace {

using namespace v2v;

enum Selector : uint8_t {
  kTx = 0,
  kBlock = 1,
  kHeader = 2,
  kExport = 3,
  kGenesis = 4,
  kCert = 5,
  kApply = 6
};

Bytes Seed(Selector s, const Bytes& bytes) {
  Bytes out(bytes.size() + 1);
  out[0] = s;
  std::copy(bytes.begin(), bytes.end(), out.begin() + 1);
  return out;
}

// name -> seed bytes
std::map<std::string, Bytes> MakeSeeds() {
  const devnet::BlockGenerator gen;
  auto ledger = std::move(node::Ledger::Init(store::NewMemKvStore(), gen.genesis())).value();
  v2v::base::Rng rng(1);
  std::map<std::string, Bytes> seeds;
  std::map<size_t, const chain::Tx*> first_of_kind;
  std::vector<chain::Block> blocks;
  for (int i = 0; i < 4; ++i) {
    auto block = gen.NextBlock(*ledger, rng);
    if (!block.ok() || !ledger->Append(*block).ok()) std::abort();  // fixed inputs: a bug
    blocks.push_back(std::move(block).value());
  }
  for (size_t i = 0; i < 3; ++i) {
    const Bytes b = chain::EncodeBlock(blocks[i]);
    seeds["block" + std::to_string(i)] = Seed(kBlock, b);
    seeds["apply_block" + std::to_string(i)] = Seed(kApply, b);
  }
  seeds["header"] = Seed(kHeader, chain::EncodeHeader(blocks[0].header));
  for (const auto& b : blocks) {
    for (const auto& tx : b.txs) first_of_kind.emplace(tx.body.index(), &tx);
  }
  for (const auto& [kind, tx] : first_of_kind) {
    seeds["tx_kind" + std::to_string(kind + 1)] = Seed(kTx, chain::EncodeTx(*tx));
  }
  // Bids with every car limit stated (contract C-4.8): the flags byte and its values.
  chain::Tx buyer;
  buyer.sender = "car-1";
  buyer.nonce = 1;
  buyer.body = chain::BuyerBid{"rsu-0", 1,  300, 200,           400,    1000,         5000,
                               2500,    10, -20, 1'700'000'000, 11'000, 1'700'000'900};
  seeds["tx_kind2_limits"] = Seed(kTx, chain::EncodeTx(buyer));
  chain::Tx seller;
  seller.sender = "car-2";
  seller.nonce = 1;
  seller.body = chain::SellerBid{"rsu-0", 1, 150, 100,           200,   20'000,        5'000,
                                 50'000,  0, 0,   1'700'000'000, 7'400, 1'700'003'600, 12'000};
  seeds["tx_kind3_limits"] = Seed(kTx, chain::EncodeTx(seller));
  // Kinds the built-in market does not send: structure only (decoders check no signature).
  chain::Tx revoke;
  revoke.sender = "ca";
  revoke.sender_key = gen.genesis().ca_key;
  revoke.nonce = 1;
  const Hash32 revoke_hash = crypto::Sha256(gen.genesis().accounts.front().certificate);
  revoke.body = chain::Revoke{revoke_hash};
  seeds["tx_kind7"] = Seed(kTx, chain::EncodeTx(revoke));
  chain::Tx recertify = revoke;
  recertify.body =
      chain::Recertify{"car-1", revoke_hash, gen.genesis().accounts.front().certificate};
  seeds["tx_kind8"] = Seed(kTx, chain::EncodeTx(recertify));
  chain::Tx reg;
  reg.sender = "car-new";
  reg.sender_key = gen.authority().public_key();
  reg.nonce = 1;
  reg.body = chain::Register{crypto::Role::kVehicle, gen.genesis().accounts.front().certificate};
  seeds["tx_kind1"] = Seed(kTx, chain::EncodeTx(reg));
  seeds["genesis"] = Seed(kGenesis, contract::EncodeGenesis(gen.genesis()));
  contract::Genesis with_grid = gen.genesis();  // the grid section (contract C-4.7)
  market::GridTariff tariff;
  tariff.import = {{0, 90}, {28'800, 180}};
  tariff.feed_in = 30;
  tariff.chargers = {{0, 0}, {1500, -200}};
  tariff.detour_wh_per_km = 180;
  tariff.wait_s = 600;
  tariff.time_value_per_h = 3600;
  with_grid.params.grid = {{"", tariff}, {"rsu-1", tariff}};
  seeds["genesis_grid"] = Seed(kGenesis, contract::EncodeGenesis(with_grid));
  contract::Genesis with_mechanism = gen.genesis();  // C-4.9: zero areas, then the mechanism
  with_mechanism.params.mechanism = {market::ChainMechanismKind::kKDoubleAuction, 250'000, 0};
  seeds["genesis_mechanism"] = Seed(kGenesis, contract::EncodeGenesis(with_mechanism));
  with_grid.params.mechanism = {market::ChainMechanismKind::kPostedPrice, 0, 310};
  seeds["genesis_grid_mechanism"] = Seed(kGenesis, contract::EncodeGenesis(with_grid));
  seeds["export"] = Seed(kExport, *node::ExportChain(*ledger));
  seeds["cert"] = Seed(
      kCert, contract::IssueCompactCertificate(
                 gen.authority(), {"car-1", crypto::Role::kVehicle, gen.authority().public_key(),
                                   1'600'000'000, 1'900'000'000}));
  seeds["empty"] = Bytes{kTx};
  return seeds;
}

// Whether a seed still decodes with today's decoders (the selectors that are pure decoders).
bool Decodes(const Bytes& seed) {
  if (seed.size() <= 1) return true;
  const ByteSpan in(seed.data() + 1, seed.size() - 1);
  switch (seed[0]) {
    case kTx:
      return chain::DecodeTx(in).ok();
    case kBlock:
    case kApply:
      return chain::DecodeBlock(in).ok();
    case kHeader:
      return chain::DecodeHeader(in).ok();
    case kExport:
      return node::DecodeExport(in).ok();
    case kGenesis:
      return contract::DecodeGenesis(in).ok();
    default:
      return true;
  }
}

int Write(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (const auto& [name, bytes] : MakeSeeds()) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", (dir / name).c_str());
      return 1;
    }
  }
  return 0;
}

int Check(const std::filesystem::path& dir) {
  int bad = 0;
  for (const auto& [name, generated] : MakeSeeds()) {
    auto bytes = ReadFileBytes((dir / name).string());
    if (!bytes.ok()) {
      std::fprintf(stderr, "%s: missing (%s); regenerate with chain_decode_seeds\n", name.c_str(),
                   bytes.status().ToString().c_str());
      ++bad;
    } else if (bytes->empty() || (*bytes)[0] != generated[0] || !Decodes(*bytes) ||
               !Decodes(generated)) {
      std::fprintf(stderr,
                   "%s: does not decode with today's layout; regenerate with chain_decode_seeds\n",
                   name.c_str());
      ++bad;
    }
  }
  std::printf("chain_decode seeds: %s\n", bad ? "STALE" : "ok");
  return bad ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) != "--check") return Write(argv[1]);
  if (argc == 3 && std::string(argv[1]) == "--check") return Check(argv[2]);
  std::fprintf(stderr, "usage: chain_decode_seeds OUT_DIR | --check DIR\n");
  return 2;
}
