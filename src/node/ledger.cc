#include "node/ledger.h"

#include <algorithm>

#include "contract/simple_identity.h"
#include "contract/x509_identity.h"
#include "store/schema.h"

namespace v2v::node {

using chain::Reject;
using chain::Rejected;
namespace schema = store::schema;

VerifierFactory SimpleVerifierFactory() {
  return [](const contract::Genesis& g) -> std::unique_ptr<contract::IdentityVerifier> {
    return std::make_unique<contract::SimpleIdentityVerifier>(g.ca_key, std::set<Hash32>{});
  };
}

namespace {

// Refuses every certificate: the genesis names a CA certificate that cannot be trusted.
class RefuseAll final : public contract::IdentityVerifier {
 public:
  explicit RefuseAll(std::string why) : why_(std::move(why)) {}
  contract::IdentityResult Verify(ByteSpan, chain::Role, int64_t) const override {
    return chain::Rejected(Reject::kBadCertificate, why_);
  }

 private:
  std::string why_;
};

}  // namespace

VerifierFactory DefaultVerifierFactory() {
  return [](const contract::Genesis& g) -> std::unique_ptr<contract::IdentityVerifier> {
    if (g.ca_certificate.empty()) return SimpleVerifierFactory()(g);
    auto trust = crypto::CaTrust::Create(g.ca_certificate);
    if (!trust.ok()) return std::make_unique<RefuseAll>("genesis CA certificate: " + trust.status().message());
    if (trust->ca().public_key != g.ca_key) {
      return std::make_unique<RefuseAll>("genesis ca_key is not the CA certificate's key");
    }
    return std::make_unique<contract::X509IdentityVerifier>(std::move(trust).value());
  };
}

Ledger::Ledger(std::unique_ptr<store::KvStore> kv, contract::Genesis genesis,
               LedgerOptions options)
    : kv_(std::move(kv)), genesis_(std::move(genesis)), options_(std::move(options)) {
  verifier_ = options_.verifier(genesis_);
  contract::ContractParams params = genesis_.params;
  params.ca_key = genesis_.ca_key;
  contract_ = std::make_unique<contract::TradingContract>(*verifier_, params);
}

Result<std::unique_ptr<Ledger>> Ledger::Init(std::unique_ptr<store::KvStore> kv,
                                             const contract::Genesis& genesis,
                                             LedgerOptions options) {
  V2V_ASSIGN_OR_RETURN(auto existing, kv->Get(schema::kGenesis));
  const Bytes encoded = contract::EncodeGenesis(genesis);
  if (existing) {
    if (*existing != encoded) return Status::FailedPrecondition("store holds another genesis");
    return Open(std::move(kv), std::move(options));
  }
  std::unique_ptr<Ledger> l(new Ledger(std::move(kv), genesis, std::move(options)));
  V2V_ASSIGN_OR_RETURN(chain::State state, contract::GenesisState(genesis, *l->verifier_));
  const chain::BlockHeader header = contract::GenesisHeader(genesis, state);
  store::WriteBatch batch;
  batch.Put(std::string(schema::kGenesis), encoded);
  chain::Block block{header, {}};
  batch.Put(schema::BlockKey(0), chain::EncodeBlock(block));
  const Hash32 hash = chain::BlockHash(header);
  batch.Put(schema::HashIndexKey(hash), Bytes(8, 0));
  for (auto& [k, v] : chain::EncodeEntries(state)) batch.Put(schema::StateKey(k), v);
  Bytes head(8, 0);
  head.insert(head.end(), hash.bytes.begin(), hash.bytes.end());
  batch.Put(std::string(schema::kHead), head);
  V2V_RETURN_IF_ERROR(l->kv_->Write(batch, /*sync=*/true));
  l->head_ = header;
  l->state_ = std::move(state);
  return l;
}

Result<std::unique_ptr<Ledger>> Ledger::Open(std::unique_ptr<store::KvStore> kv,
                                             LedgerOptions options) {
  V2V_ASSIGN_OR_RETURN(auto g, kv->Get(schema::kGenesis));
  if (!g) return Status::NotFound("no ledger here (run `v2v chain init` first)");
  V2V_ASSIGN_OR_RETURN(contract::Genesis genesis, contract::DecodeGenesis(*g));
  std::unique_ptr<Ledger> l(new Ledger(std::move(kv), std::move(genesis), std::move(options)));
  V2V_RETURN_IF_ERROR(l->Load());
  return l;
}

Status Ledger::Load() {
  V2V_ASSIGN_OR_RETURN(auto head, kv_->Get(schema::kHead));
  if (!head || head->size() != 40) return Status::Corruption("missing or bad head record");
  uint64_t height = 0;
  for (int i = 0; i < 8; ++i) height = (height << 8) | (*head)[static_cast<size_t>(i)];
  V2V_ASSIGN_OR_RETURN(chain::Block block, BlockAt(height));
  if (!std::equal(head->begin() + 8, head->end(), chain::BlockHash(block.header).bytes.begin())) {
    return Status::Corruption("head hash does not match the head block");
  }
  chain::Entries entries;
  V2V_RETURN_IF_ERROR(kv_->Scan(schema::kStatePrefix, [&](std::string_view k, ByteSpan v) {
    entries.emplace(std::string(k.substr(schema::kStatePrefix.size())), Bytes(v.begin(), v.end()));
    return true;
  }));
  if (chain::StateRoot(entries) != block.header.state_root) {
    return Status::Corruption("stored state does not match the head's state root");
  }
  V2V_ASSIGN_OR_RETURN(state_, chain::DecodeEntries(entries));
  head_ = block.header;
  return Status::Ok();
}

Result<chain::Block> Ledger::BlockAt(uint64_t height) const {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv_->Get(schema::BlockKey(height)));
  if (!bytes) return Status::NotFound("no block at height " + std::to_string(height));
  return chain::DecodeBlock(*bytes);
}

namespace {

std::optional<chain::Rejection> CheckLinks(const chain::BlockHeader& h,
                                           const chain::BlockHeader& parent) {
  if (h.height != parent.height + 1) return Rejected(Reject::kBadHeight, std::to_string(h.height));
  if (h.parent != chain::BlockHash(parent)) return Rejected(Reject::kBadParent, h.parent.Hex());
  if (h.timestamp_s < parent.timestamp_s) return Rejected(Reject::kBadTimestamp, "before parent");
  return std::nullopt;
}

}  // namespace

std::optional<chain::Rejection> CheckHeader(const chain::Block& block,
                                            const chain::BlockHeader& parent,
                                            const contract::Genesis& genesis) {
  if (auto r = CheckLinks(block.header, parent)) return r;
  return CheckHeaderAlone(block, genesis);
}

std::optional<chain::Rejection> CheckHeaderAlone(const chain::Block& block,
                                                 const contract::Genesis& genesis) {
  const chain::BlockHeader& h = block.header;
  if (std::find(genesis.authorities.begin(), genesis.authorities.end(), h.sealer) ==
      genesis.authorities.end()) {
    return Rejected(Reject::kUnauthorizedSealer, h.sealer.Hex());
  }
  if (!chain::SealValid(h)) return Rejected(Reject::kBadSeal, "seal does not verify");
  if (h.tx_root != chain::TxRoot(block.txs)) return Rejected(Reject::kBadTxRoot, "");
  return std::nullopt;
}

std::variant<chain::State, chain::Rejection> Ledger::Validate(const chain::Block& block) const {
  if (auto r = CheckLinks(block.header, head_)) return *r;
  if (auto r = PrecheckBlock(block)) return *r;
  return ValidateAfterPrecheck(block);
}

std::optional<chain::Rejection> Ledger::PrecheckBlock(const chain::Block& block) const {
  if (auto r = CheckHeaderAlone(block, genesis_)) return r;
  return contract::CheckTxsParallel(block.txs, options_.verify_threads);
}

std::variant<chain::State, chain::Rejection> Ledger::ValidateAfterPrecheck(
    const chain::Block& block) const {
  if (auto r = CheckLinks(block.header, head_)) return *r;
  auto next = contract_->ApplyBlock(state_, block, /*checked=*/true);
  if (auto* r = std::get_if<chain::Rejection>(&next)) return *r;
  if (contract_->Commit(std::get<chain::State>(next)) != block.header.state_root) {
    return Rejected(Reject::kBadStateRoot, "");
  }
  return next;
}

Status Ledger::Append(const chain::Block& block) {
  auto next = Validate(block);
  if (auto* r = std::get_if<chain::Rejection>(&next)) return r->ToStatus();
  return Commit(block, std::get<chain::State>(std::move(next)));
}

Status Ledger::AppendPrechecked(const chain::Block& block) {
  auto next = ValidateAfterPrecheck(block);
  if (auto* r = std::get_if<chain::Rejection>(&next)) return r->ToStatus();
  return Commit(block, std::get<chain::State>(std::move(next)));
}

Status Ledger::Commit(const chain::Block& block, chain::State next) {
  const chain::Entries before = chain::EncodeEntries(state_);
  const chain::Entries after = chain::EncodeEntries(next);
  store::WriteBatch batch;
  batch.Put(schema::BlockKey(block.header.height), chain::EncodeBlock(block));
  const Hash32 hash = chain::BlockHash(block.header);
  const std::string be = schema::BigEndian64(block.header.height);
  batch.Put(schema::HashIndexKey(hash), Bytes(be.begin(), be.end()));
  for (const auto& [k, v] : after) {
    auto it = before.find(k);
    if (it == before.end() || it->second != v) batch.Put(schema::StateKey(k), v);
  }
  for (const auto& [k, v] : before) {
    if (!after.contains(k)) batch.Delete(schema::StateKey(k));
  }
  Bytes head(be.begin(), be.end());
  head.insert(head.end(), hash.bytes.begin(), hash.bytes.end());
  batch.Put(std::string(schema::kHead), head);
  V2V_RETURN_IF_ERROR(kv_->Write(batch, /*sync=*/true));
  head_ = block.header;
  state_ = std::move(next);
  return Status::Ok();
}

Result<chain::Block> Ledger::Propose(std::vector<chain::Tx> txs, int64_t time,
                                     const crypto::PrivateKey& sealer) const {
  chain::Block block;
  block.txs = std::move(txs);
  block.header.height = head_.height + 1;
  block.header.parent = head_hash();
  block.header.timestamp_s = time;
  block.header.tx_root = chain::TxRoot(block.txs);
  if (auto r = contract::CheckTxsParallel(block.txs, options_.verify_threads)) return r->ToStatus();
  auto next = contract_->ApplyBlock(state_, block, /*checked=*/true);
  if (auto* r = std::get_if<chain::Rejection>(&next)) return r->ToStatus();
  block.header.state_root = contract_->Commit(std::get<chain::State>(next));
  chain::SealHeader(block.header, sealer);
  return block;
}

Result<chain::State> Ledger::StateAt(uint64_t height) const {
  if (height > head_.height) return Status::NotFound("height above head");
  V2V_ASSIGN_OR_RETURN(chain::State s, contract::GenesisState(genesis_, *verifier_));
  for (uint64_t h = 1; h <= height; ++h) {
    V2V_ASSIGN_OR_RETURN(chain::Block b, BlockAt(h));
    auto next = contract_->ApplyBlock(s, b);
    if (auto* r = std::get_if<chain::Rejection>(&next)) return r->ToStatus();
    s = std::get<chain::State>(std::move(next));
  }
  return s;
}

}  // namespace v2v::node
