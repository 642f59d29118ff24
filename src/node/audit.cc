#include "node/audit.h"

#include <sstream>

#include "store/schema.h"

namespace v2v::node {
namespace schema = store::schema;

std::string AuditReport::ToText() const {
  std::ostringstream os;
  os << "audit: " << (ok() ? "OK" : "VIOLATIONS") << "\n"
     << "  blocks replayed: " << blocks << " (head height " << height << ", hash " << head.Hex()
     << ")\n"
     << "  transactions: " << txs << "\n"
     << "  money supply: " << money << ", energy supply: " << energy_wh << " Wh (lost " << lost_wh
     << " Wh), open escrows: " << escrows << "\n";
  for (const auto& v : violations) os << "  VIOLATION: " << v << "\n";
  return os.str();
}

namespace {

Result<std::optional<chain::Block>> LoadBlock(const store::KvStore& kv, uint64_t h) {
  return LoadCanonicalBlock(kv, h);
}

Result<std::optional<Hash32>> IndexedHash(const store::KvStore& kv, uint64_t h) {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv.Get(schema::CanonicalKey(h)));
  if (!bytes || bytes->size() != 32) return std::optional<Hash32>();
  Hash32 hash;
  std::copy(bytes->begin(), bytes->end(), hash.bytes.begin());
  return std::optional<Hash32>(hash);
}

void CheckStored(const store::KvStore& kv, const chain::State& state, AuditReport& report) {
  chain::Entries stored;
  Status s = kv.Scan(schema::kStatePrefix, [&](std::string_view k, ByteSpan v) {
    stored.emplace(std::string(k.substr(schema::kStatePrefix.size())), Bytes(v.begin(), v.end()));
    return true;
  });
  if (!s.ok() || stored != chain::EncodeEntries(state)) {
    report.violations.push_back("stored state differs from the replayed state");
  }
  auto head = kv.Get(schema::kHead);
  const std::string be = schema::BigEndian64(report.height);
  Bytes want(be.begin(), be.end());
  want.insert(want.end(), report.head.bytes.begin(), report.head.bytes.end());
  if (!head.ok() || !head->has_value() || **head != want) {
    report.violations.push_back("head record does not name the last block");
  }
}

}  // namespace

Result<AuditReport> Audit(const store::KvStore& kv, const VerifierFactory& verifier_factory) {
  AuditReport report;
  V2V_ASSIGN_OR_RETURN(auto g, kv.Get(schema::kGenesis));
  if (!g) return Status::NotFound("no ledger in this store");
  auto genesis = contract::DecodeGenesis(*g);
  if (!genesis.ok()) {
    report.violations.push_back("genesis: " + genesis.status().message());
    return report;
  }
  auto verifier = verifier_factory(*genesis);
  const contract::TradingContract contract(*verifier, contract::ContractParamsOf(*genesis));
  auto state = contract::GenesisState(*genesis, *verifier);
  if (!state.ok()) {
    report.violations.push_back("genesis: " + state.status().message());
    return report;
  }
  chain::State s = std::move(state).value();
  auto b0 = LoadBlock(kv, 0);
  if (!b0.ok() || !b0->has_value() || (*b0)->header != contract::GenesisHeader(*genesis, s)) {
    report.violations.push_back("block 0 is not the genesis block");
    return report;
  }
  chain::BlockHeader parent = (*b0)->header;
  consensus::poa::Snapshot snapshot = GenesisSnapshot(*genesis);
  const consensus::poa::Engine engine(CliqueConfigOf(*genesis));
  for (uint64_t h = 1;; ++h) {
    auto block = LoadBlock(kv, h);
    if (!block.ok()) {
      report.violations.push_back("block " + std::to_string(h) + ": " + block.status().message());
      break;
    }
    if (!block->has_value()) break;
    const chain::Block& b = **block;
    auto header = engine.VerifyHeaderOn(parent, snapshot, b, std::nullopt);  // only ever rejects
    std::optional<chain::Rejection> why;
    if (header.invalid()) why = header.rejection();
    if (!why) {
      auto indexed = IndexedHash(kv, h);
      if (!indexed.ok() || !*indexed || **indexed != chain::BlockHash(b.header)) {
        why = chain::Rejected(chain::Reject::kMalformed, "stored under another hash than its own");
      }
    }
    std::variant<chain::State, chain::Rejection> next = why ? *why : contract.ApplyBlock(s, b);
    if (auto* r = std::get_if<chain::Rejection>(&next)) why = *r;
    if (!why && contract.Commit(std::get<chain::State>(next)) != b.header.state_root) {
      why = chain::Rejected(chain::Reject::kBadStateRoot, "");
    }
    if (!why) why = contract::CheckConservation(std::get<chain::State>(next));
    if (why) {
      report.violations.push_back("block " + std::to_string(h) + ": " + why->ToString());
      break;
    }
    s = std::get<chain::State>(std::move(next));
    snapshot = std::move(header).value();
    parent = b.header;
    ++report.blocks;
    report.txs += b.txs.size();
  }
  report.height = parent.height;
  report.head = chain::BlockHash(parent);
  report.money = s.supply.money;
  report.energy_wh = s.supply.energy_wh;
  report.lost_wh = s.supply.lost_wh;
  report.escrows = static_cast<int64_t>(s.escrows.size());
  if (report.ok()) CheckStored(kv, s, report);
  return report;
}

}  // namespace v2v::node
