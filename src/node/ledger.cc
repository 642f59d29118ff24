#include "node/ledger.h"

#include <algorithm>

#include "codec/codec.h"
#include "contract/compact_identity.h"
#include "contract/x509_identity.h"
#include "store/schema.h"

namespace v2v::node {

using chain::Reject;
using chain::Rejected;
namespace schema = store::schema;

VerifierFactory CompactVerifierFactory() {
  return [](const contract::Genesis& g) -> std::unique_ptr<contract::IdentityVerifier> {
    return std::make_unique<contract::CompactIdentityVerifier>(g.ca_key, std::set<Hash32>{});
  };
}

namespace {

// Refuses every certificate: the genesis names a CA certificate that cannot be trusted.
class RefuseAll final : public contract::IdentityVerifier {
 public:
  explicit RefuseAll(std::string why) : why_(std::move(why)) {}
  contract::IdentityResult Verify(ByteSpan, crypto::Role, int64_t) const override {
    return chain::Rejected(Reject::kBadCertificate, why_);
  }

 private:
  std::string why_;
};

}  // namespace

VerifierFactory DefaultVerifierFactory() {
  return [](const contract::Genesis& g) -> std::unique_ptr<contract::IdentityVerifier> {
    if (g.ca_certificate.empty()) return CompactVerifierFactory()(g);
    auto trust = crypto::CaTrust::Create(g.ca_certificate);
    if (!trust.ok()) return std::make_unique<RefuseAll>("genesis CA certificate: " + trust.status().message());
    if (trust->ca().public_key != g.ca_key) {
      return std::make_unique<RefuseAll>("genesis ca_key is not the CA certificate's key");
    }
    return std::make_unique<contract::X509IdentityVerifier>(std::move(trust).value());
  };
}

namespace poa = consensus::poa;

namespace {

// Schema "m/": what the ledger knows about a stored block without reading its transactions.
struct BlockMeta {
  uint64_t height = 0;
  uint64_t td = 0;  // total difficulty, genesis included
  chain::BlockHeader header;
  poa::Snapshot snapshot{1, {}};  // after the block
};

Bytes EncodeMeta(const BlockMeta& m) {
  codec::Writer w("v2v.blockmeta");
  w.U64(m.height);
  w.U64(m.td);
  w.Blob(chain::EncodeHeader(m.header));
  w.Blob(m.snapshot.Encode());
  return w.Take();
}

Result<BlockMeta> DecodeMeta(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.blockmeta");
  BlockMeta m;
  m.height = r.U64();
  m.td = r.U64();
  const Bytes header = r.Blob(chain::kMaxHeaderBytes);
  const Bytes snapshot = r.Blob();
  V2V_RETURN_IF_ERROR(r.Finish());
  V2V_ASSIGN_OR_RETURN(m.header, chain::DecodeHeader(header));
  V2V_ASSIGN_OR_RETURN(m.snapshot, poa::Snapshot::Decode(snapshot));
  if (m.header.height != m.height) return Status::Corruption("block metadata: height mismatch");
  return m;
}

Result<std::optional<BlockMeta>> LoadMeta(const store::KvStore& kv, const Hash32& hash) {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv.Get(schema::MetaKey(hash)));
  if (!bytes) return std::optional<BlockMeta>();
  auto meta = DecodeMeta(*bytes);
  if (!meta.ok()) return Status::Corruption("block " + hash.Hex() + " metadata: " + meta.status().message());
  return std::optional<BlockMeta>(std::move(meta).value());
}

Bytes HashBytes(const Hash32& h) { return Bytes(h.bytes.begin(), h.bytes.end()); }

Bytes HeadRecord(uint64_t height, const Hash32& hash) {
  const std::string be = schema::BigEndian64(height);
  Bytes head(be.begin(), be.end());
  head.insert(head.end(), hash.bytes.begin(), hash.bytes.end());
  return head;
}

Result<std::optional<Hash32>> CanonicalHash(const store::KvStore& kv, uint64_t height) {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv.Get(schema::CanonicalKey(height)));
  if (!bytes) return std::optional<Hash32>();
  if (bytes->size() != 32) return Status::Corruption("bad canonical index entry");
  Hash32 h;
  std::copy(bytes->begin(), bytes->end(), h.bytes.begin());
  return std::optional<Hash32>(h);
}

// Schema "u/": the prior value (or absence) of every state entry a block changed.
using Undo = std::vector<std::pair<std::string, std::optional<Bytes>>>;

Bytes EncodeUndo(const Undo& undo) {
  codec::Writer w("v2v.undo");
  w.U32(static_cast<uint32_t>(undo.size()));
  for (const auto& [key, value] : undo) {
    w.Str(key);
    w.Bool(value.has_value());
    if (value) w.Blob(*value);
  }
  return w.Take();
}

Result<Undo> DecodeUndo(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.undo");
  Undo undo(r.Count(UINT32_MAX, 5));
  for (auto& [key, value] : undo) {
    if (!r.ok()) break;
    key = r.Str(codec::kMaxFieldBytes);
    if (r.Bool()) value = r.Blob();
  }
  V2V_RETURN_IF_ERROR(r.Finish());
  return undo;
}

// Calls f(key, before or null, after or null) for every key whose value differs.
template <class F>
void ForEachChange(const chain::Entries& before, const chain::Entries& after, F f) {
  auto b = before.begin(), a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      f(b->first, &b->second, nullptr);
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      f(a->first, nullptr, &a->second);
      ++a;
    } else {
      if (a->second != b->second) f(a->first, &b->second, &a->second);
      ++a, ++b;
    }
  }
}

Undo MakeUndo(const chain::Entries& before, const chain::Entries& after) {
  Undo undo;
  ForEachChange(before, after, [&](const std::string& k, const Bytes* was, const Bytes*) {
    undo.emplace_back(k, was ? std::optional<Bytes>(*was) : std::nullopt);
  });
  return undo;
}

void PutStateChanges(const chain::Entries& before, const chain::Entries& after,
                     store::WriteBatch& batch) {
  ForEachChange(before, after, [&](const std::string& k, const Bytes*, const Bytes* now) {
    if (now) {
      batch.Put(schema::StateKey(k), *now);
    } else {
      batch.Delete(schema::StateKey(k));
    }
  });
}

}  // namespace

poa::Snapshot GenesisSnapshot(const contract::Genesis& genesis) {
  return poa::Snapshot(genesis.clique.epoch, genesis.authorities);
}

poa::CliqueConfig CliqueConfigOf(const contract::Genesis& genesis, int64_t allowed_future_s) {
  poa::CliqueConfig c;
  c.epoch = genesis.clique.epoch;
  c.period_s = genesis.clique.period_s;
  c.allowed_future_s = allowed_future_s;
  return c;
}

poa::CliqueHeader ToCliqueHeader(const chain::BlockHeader& h) {
  poa::CliqueHeader c;
  c.height = h.height;
  c.sealer = h.sealer;
  // Any difficulty but 1 or 2 is wrong; 0 stands for all of them.
  c.difficulty = h.difficulty <= 2 ? static_cast<uint8_t>(h.difficulty) : uint8_t{0};
  if (h.vote) c.vote = poa::Vote{h.vote->target, h.vote->authorize};
  c.checkpoint_signers = h.checkpoint_signers;
  return c;
}

chain::Rejection CliqueRejection(const Status& s) {
  const std::optional<poa::CliqueError> e = poa::CliqueErrorOf(s);
  if (!e) return Rejected(Reject::kMalformed, s.message());
  const std::string_view code = poa::CliqueErrorCode(*e);
  std::string detail = s.message().substr(code.size());
  if (detail.starts_with(": ")) detail = detail.substr(2);
  switch (*e) {
    case poa::CliqueError::kUnauthorizedSigner: return Rejected(Reject::kUnauthorizedSigner, detail);
    case poa::CliqueError::kRecentlySigned: return Rejected(Reject::kRecentlySigned, detail);
    case poa::CliqueError::kWrongDifficulty: return Rejected(Reject::kWrongDifficulty, detail);
    case poa::CliqueError::kInvalidCheckpointVote: return Rejected(Reject::kInvalidCheckpointVote, detail);
    case poa::CliqueError::kMismatchingCheckpointSigners:
      return Rejected(Reject::kMismatchingCheckpointSigners, detail);
    case poa::CliqueError::kCheckpointSignersOffEpoch:
      return Rejected(Reject::kCheckpointSignersOffEpoch, detail);
    case poa::CliqueError::kNonContiguousHeight: return Rejected(Reject::kBadHeight, detail);
    case poa::CliqueError::kInvalidTimestamp: return Rejected(Reject::kInvalidTimestamp, detail);
    case poa::CliqueError::kFutureBlock: return Rejected(Reject::kFutureBlock, detail);
  }
  return Rejected(Reject::kMalformed, s.message());
}

std::variant<poa::Snapshot, chain::Rejection> CheckHeader(const chain::Block& block,
                                                          const chain::BlockHeader& parent,
                                                          const poa::Snapshot& parent_snapshot,
                                                          const poa::CliqueConfig& config,
                                                          std::optional<int64_t> now_s) {
  const chain::BlockHeader& h = block.header;
  if (h.height != parent.height + 1) return Rejected(Reject::kBadHeight, std::to_string(h.height));
  if (h.parent != chain::BlockHash(parent)) return Rejected(Reject::kBadParent, h.parent.Hex());
  poa::CliqueConfig timing = config;
  if (!now_s) timing.allowed_future_s = 0;  // no future check: nothing is after INT64_MAX
  if (Status t = poa::VerifyTimestamp(timing, parent.timestamp_s, h.timestamp_s,
                                      now_s.value_or(INT64_MAX));
      !t.ok()) {
    return CliqueRejection(t);
  }
  if (!chain::SealValid(h)) return Rejected(Reject::kBadSeal, "seal does not verify");
  auto next = parent_snapshot.Apply(ToCliqueHeader(h));
  if (!next.ok()) return CliqueRejection(next.status());
  if (h.tx_root != chain::TxRoot(block.txs)) return Rejected(Reject::kBadTxRoot, "");
  return std::move(next).value();
}

Result<std::optional<chain::Block>> LoadCanonicalBlock(const store::KvStore& kv, uint64_t height) {
  V2V_ASSIGN_OR_RETURN(auto hash, CanonicalHash(kv, height));
  if (!hash) return std::optional<chain::Block>();
  V2V_ASSIGN_OR_RETURN(auto bytes, kv.Get(schema::BlockKey(*hash)));
  if (!bytes) return Status::Corruption("canonical block " + std::to_string(height) + " missing");
  V2V_ASSIGN_OR_RETURN(chain::Block block, chain::DecodeBlock(*bytes));
  return std::optional<chain::Block>(std::move(block));
}

Ledger::Ledger(std::unique_ptr<store::KvStore> kv, contract::Genesis genesis,
               LedgerOptions options)
    : kv_(std::move(kv)), genesis_(std::move(genesis)), options_(std::move(options)) {
  clique_ = CliqueConfigOf(genesis_, options_.allowed_future_s);
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
  if (genesis.clique.epoch == 0) return Status::InvalidArgument("genesis clique epoch is 0");
  std::unique_ptr<Ledger> l(new Ledger(std::move(kv), genesis, std::move(options)));
  V2V_ASSIGN_OR_RETURN(chain::State state, contract::GenesisState(genesis, *l->verifier_));
  BlockMeta meta;
  meta.header = contract::GenesisHeader(genesis, state);
  meta.td = meta.header.difficulty;
  meta.snapshot = GenesisSnapshot(genesis);
  const Hash32 hash = chain::BlockHash(meta.header);
  chain::Entries entries = chain::EncodeEntries(state);
  store::WriteBatch batch;
  batch.Put(std::string(schema::kGenesis), encoded);
  batch.Put(schema::BlockKey(hash), chain::EncodeBlock(chain::Block{meta.header, {}}));
  batch.Put(schema::MetaKey(hash), EncodeMeta(meta));
  batch.Put(schema::CanonicalKey(0), HashBytes(hash));
  for (const auto& [k, v] : entries) batch.Put(schema::StateKey(k), v);
  batch.Put(std::string(schema::kHead), HeadRecord(0, hash));
  V2V_RETURN_IF_ERROR(l->kv_->Write(batch, /*sync=*/true));
  l->head_ = meta.header;
  l->head_hash_ = hash;
  l->head_td_ = meta.td;
  l->snapshot_ = std::move(meta.snapshot);
  l->state_ = std::move(state);
  l->entries_ = std::move(entries);
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
  Hash32 hash;
  std::copy(head->begin() + 8, head->end(), hash.bytes.begin());
  V2V_ASSIGN_OR_RETURN(auto meta, LoadMeta(*kv_, hash));
  if (!meta || meta->height != height || chain::BlockHash(meta->header) != hash) {
    return Status::Corruption("head record does not name a stored block");
  }
  V2V_ASSIGN_OR_RETURN(auto canonical, CanonicalHash(*kv_, height));
  if (!canonical || *canonical != hash) {
    return Status::Corruption("head is not the canonical block at its height");
  }
  chain::Entries entries;
  V2V_RETURN_IF_ERROR(kv_->Scan(schema::kStatePrefix, [&](std::string_view k, ByteSpan v) {
    entries.emplace(std::string(k.substr(schema::kStatePrefix.size())), Bytes(v.begin(), v.end()));
    return true;
  }));
  if (chain::StateRoot(entries) != meta->header.state_root) {
    return Status::Corruption("stored state does not match the head's state root");
  }
  V2V_ASSIGN_OR_RETURN(state_, chain::DecodeEntries(entries));
  entries_ = std::move(entries);
  head_ = meta->header;
  head_hash_ = hash;
  head_td_ = meta->td;
  snapshot_ = std::move(meta->snapshot);
  return Status::Ok();
}

Result<chain::Block> Ledger::BlockAt(uint64_t height) const {
  V2V_ASSIGN_OR_RETURN(auto block, LoadCanonicalBlock(*kv_, height));
  if (!block) return Status::NotFound("no block at height " + std::to_string(height));
  return std::move(*block);
}

Result<chain::Block> Ledger::BlockByHash(const Hash32& hash) const {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv_->Get(schema::BlockKey(hash)));
  if (!bytes) return Status::NotFound("no block " + hash.Hex());
  return chain::DecodeBlock(*bytes);
}

bool Ledger::HasBlock(const Hash32& hash) const {
  auto meta = kv_->Get(schema::MetaKey(hash));
  return meta.ok() && meta->has_value();
}

Result<poa::Snapshot> Ledger::SnapshotAfter(const Hash32& block_hash) const {
  V2V_ASSIGN_OR_RETURN(auto meta, LoadMeta(*kv_, block_hash));
  if (!meta) return Status::NotFound("no block " + block_hash.Hex());
  return std::move(meta->snapshot);
}

Result<std::optional<std::string>> Ledger::BadReason(const Hash32& hash) const {
  V2V_ASSIGN_OR_RETURN(auto bytes, kv_->Get(schema::BadKey(hash)));
  if (!bytes) return std::optional<std::string>();
  return std::optional<std::string>(std::string(bytes->begin(), bytes->end()));
}

std::optional<chain::Rejection> Ledger::Execute(const chain::State& state,
                                                const chain::Block& block, bool txs_checked,
                                                chain::State& next) const {
  if (proposed_ && proposed_->hash == chain::BlockHash(block.header)) {
    next = std::move(proposed_->state);
    proposed_.reset();
    return std::nullopt;
  }
  if (!txs_checked) {
    if (auto r = contract::CheckTxsParallel(block.txs, options_.verify_threads,
                                            options_.checked_txs.get())) {
      return r;
    }
  }
  auto result = contract_->ApplyBlock(state, block, /*checked=*/true);
  if (auto* r = std::get_if<chain::Rejection>(&result)) return *r;
  next = std::get<chain::State>(std::move(result));
  if (contract_->Commit(next) != block.header.state_root) {
    return Rejected(Reject::kBadStateRoot, "");
  }
  return std::nullopt;
}

Status Ledger::MarkBad(const std::vector<Hash32>& hashes, const chain::Rejection& why) {
  store::WriteBatch batch;
  const std::string text = why.ToString();
  for (size_t i = 0; i < hashes.size(); ++i) {
    const std::string reason =
        i == 0 ? text : std::string(chain::RejectName(Reject::kBadAncestor)) + ": " + hashes[0].Hex();
    batch.Put(schema::BadKey(hashes[i]), Bytes(reason.begin(), reason.end()));
    batch.Delete(schema::BlockKey(hashes[i]));
    batch.Delete(schema::MetaKey(hashes[i]));
  }
  return kv_->Write(batch, /*sync=*/true);
}

Result<ImportResult> Ledger::Import(const chain::Block& block, int64_t now_s) {
  return Insert(block, now_s, /*txs_checked=*/false, /*must_extend=*/false);
}

Status Ledger::Append(const chain::Block& block) {
  return Insert(block, std::nullopt, /*txs_checked=*/false, /*must_extend=*/true).status();
}

Status Ledger::AppendPrechecked(const chain::Block& block) {
  return Insert(block, std::nullopt, /*txs_checked=*/true, /*must_extend=*/true).status();
}

Result<ImportResult> Ledger::Insert(const chain::Block& block, std::optional<int64_t> now_s,
                                    bool txs_checked, bool must_extend) {
  const chain::BlockHeader& h = block.header;
  if (must_extend) {
    if (h.height != head_.height + 1) return Rejected(Reject::kBadHeight, std::to_string(h.height)).ToStatus();
    if (h.parent != head_hash_) return Rejected(Reject::kBadParent, h.parent.Hex()).ToStatus();
  }
  const Hash32 hash = chain::BlockHash(h);
  V2V_ASSIGN_OR_RETURN(auto bad, BadReason(hash));
  if (bad) return Status::InvalidArgument(*bad);
  V2V_ASSIGN_OR_RETURN(auto known, LoadMeta(*kv_, hash));
  if (known) return ImportResult{ImportOutcome::kKnown, 0};
  V2V_ASSIGN_OR_RETURN(auto parent, LoadMeta(*kv_, h.parent));
  if (!parent) {
    V2V_ASSIGN_OR_RETURN(auto parent_bad, BadReason(h.parent));
    if (parent_bad) return Rejected(Reject::kBadAncestor, "parent " + h.parent.Hex()).ToStatus();
    return Status::NotFound("unknown parent " + h.parent.Hex());
  }
  auto checked = CheckHeader(block, parent->header, parent->snapshot, clique_, now_s);
  if (auto* r = std::get_if<chain::Rejection>(&checked)) return r->ToStatus();
  BlockMeta meta;
  meta.height = h.height;
  meta.td = parent->td + h.difficulty;
  meta.header = h;
  meta.snapshot = std::get<poa::Snapshot>(std::move(checked));

  store::WriteBatch batch;
  batch.Put(schema::BlockKey(hash), chain::EncodeBlock(block));
  batch.Put(schema::MetaKey(hash), EncodeMeta(meta));
  if (!poa::PreferTip({meta.td, h.height, hash}, {head_td_, head_.height, head_hash_})) {
    V2V_RETURN_IF_ERROR(kv_->Write(batch, /*sync=*/true));
    return ImportResult{ImportOutcome::kSide, 0};
  }

  // The branch from the common ancestor (exclusive): stored side blocks, oldest first.
  std::vector<Hash32> branch;
  Hash32 cursor = h.parent;
  uint64_t at = h.height - 1;
  for (;;) {
    V2V_ASSIGN_OR_RETURN(auto canonical, CanonicalHash(*kv_, at));
    if (canonical && *canonical == cursor) break;
    if (at == 0) return Status::Corruption("branch does not reach the genesis block");
    V2V_ASSIGN_OR_RETURN(auto m, LoadMeta(*kv_, cursor));
    if (!m) {
      V2V_ASSIGN_OR_RETURN(auto why, BadReason(cursor));
      if (why) return Rejected(Reject::kBadAncestor, "ancestor " + cursor.Hex()).ToStatus();
      return Status::Corruption("side block " + cursor.Hex() + " missing");
    }
    branch.push_back(cursor);
    cursor = m->header.parent;
    --at;
  }
  std::reverse(branch.begin(), branch.end());
  const uint64_t ancestor = at;
  const uint64_t depth = head_.height - ancestor;

  // Roll the state back to the ancestor.
  chain::Entries entries = entries_;
  for (uint64_t k = head_.height; k > ancestor; --k) {
    V2V_ASSIGN_OR_RETURN(auto gone, CanonicalHash(*kv_, k));
    if (!gone) return Status::Corruption("canonical index missing at " + std::to_string(k));
    V2V_ASSIGN_OR_RETURN(auto undo_bytes, kv_->Get(schema::UndoKey(*gone)));
    if (!undo_bytes) return Status::Corruption("undo record missing for " + gone->Hex());
    auto undo = DecodeUndo(*undo_bytes);
    if (!undo.ok()) return Status::Corruption("undo record: " + undo.status().message());
    for (auto& [key, value] : *undo) {
      if (value) {
        entries[key] = std::move(*value);
      } else {
        entries.erase(key);
      }
    }
    batch.Delete(schema::UndoKey(*gone));
  }
  chain::State rolled;
  if (depth > 0) {
    auto decoded = chain::DecodeEntries(entries);
    if (!decoded.ok()) return Status::Corruption("rolled-back state: " + decoded.status().message());
    rolled = std::move(decoded).value();
  }
  const chain::State* current = depth > 0 ? &rolled : &state_;

  // Execute the branch, then the new block.
  chain::State next;
  branch.push_back(hash);
  for (size_t i = 0; i < branch.size(); ++i) {
    const bool is_new = i + 1 == branch.size();
    chain::Block stored;
    if (!is_new) {
      V2V_ASSIGN_OR_RETURN(stored, BlockByHash(branch[i]));
    }
    const chain::Block& b = is_new ? block : stored;
    if (auto r = Execute(*current, b, is_new && txs_checked, next)) {
      V2V_RETURN_IF_ERROR(MarkBad(std::vector<Hash32>(branch.begin() + static_cast<std::ptrdiff_t>(i),
                                                       branch.end()), *r));
      return r->ToStatus();
    }
    chain::Entries next_entries = chain::EncodeEntries(next);
    batch.Put(schema::UndoKey(branch[i]), EncodeUndo(MakeUndo(entries, next_entries)));
    batch.Put(schema::CanonicalKey(b.header.height), HashBytes(branch[i]));
    entries = std::move(next_entries);
    rolled = std::move(next);
    current = &rolled;
  }
  for (uint64_t k = h.height + 1; k <= head_.height; ++k) batch.Delete(schema::CanonicalKey(k));
  PutStateChanges(entries_, entries, batch);
  batch.Put(std::string(schema::kHead), HeadRecord(h.height, hash));
  V2V_RETURN_IF_ERROR(kv_->Write(batch, /*sync=*/true));

  head_ = h;
  head_hash_ = hash;
  head_td_ = meta.td;
  snapshot_ = std::move(meta.snapshot);
  state_ = std::move(rolled);
  entries_ = std::move(entries);
  return ImportResult{depth == 0 ? ImportOutcome::kExtended : ImportOutcome::kReorged, depth};
}

std::variant<chain::State, chain::Rejection> Ledger::Validate(const chain::Block& block) const {
  auto checked = CheckHeader(block, head_, snapshot_, clique_, std::nullopt);
  if (auto* r = std::get_if<chain::Rejection>(&checked)) return *r;
  chain::State next;
  if (auto r = Execute(state_, block, /*txs_checked=*/false, next)) return *r;
  return next;
}

std::variant<chain::State, chain::Rejection> Ledger::ValidateAfterPrecheck(
    const chain::Block& block) const {
  auto checked = CheckHeader(block, head_, snapshot_, clique_, std::nullopt);
  if (auto* r = std::get_if<chain::Rejection>(&checked)) return *r;
  chain::State next;
  if (auto r = Execute(state_, block, /*txs_checked=*/true, next)) return *r;
  return next;
}

std::optional<chain::Rejection> Ledger::PrecheckBlock(const chain::Block& block) const {
  if (!chain::SealValid(block.header)) return Rejected(Reject::kBadSeal, "seal does not verify");
  if (block.header.tx_root != chain::TxRoot(block.txs)) return Rejected(Reject::kBadTxRoot, "");
  return contract::CheckTxsParallel(block.txs, options_.verify_threads, options_.checked_txs.get());
}

Result<Proposal> Ledger::Propose(std::vector<chain::Tx> txs, int64_t time,
                                 const crypto::PrivateKey& sealer,
                                 std::optional<chain::HeaderVote> vote) const {
  proposed_.reset();
  const crypto::PublicKey me = sealer.public_key();
  const uint64_t height = head_.height + 1;
  if (!snapshot_.IsSigner(me)) {
    return Status::FailedPrecondition("not a signer at height " + std::to_string(height));
  }
  if (snapshot_.RecentlySigned(me)) {
    return Status::FailedPrecondition("signed recently: may not seal height " + std::to_string(height));
  }
  poa::CliqueConfig timing = clique_;
  timing.allowed_future_s = 0;
  V2V_RETURN_IF_ERROR(poa::VerifyTimestamp(timing, head_.timestamp_s, time, INT64_MAX));

  Proposal out;
  chain::Block& block = out.block;
  block.header.height = height;
  block.header.parent = head_hash_;
  block.header.timestamp_s = time;
  block.header.difficulty = snapshot_.DifficultyFor(height, me);
  if (height % clique_.epoch == 0) {
    block.header.checkpoint_signers = snapshot_.signers();
  } else {
    block.header.vote = vote;
  }
  block.txs = std::move(txs);
  auto drop = [&](const chain::Rejection& r) {
    const auto at = block.txs.begin() + r.tx_index;
    out.dropped.emplace_back(std::move(*at), r);
    block.txs.erase(at);
  };
  for (;;) {
    if (auto r = contract::CheckTxsParallel(block.txs, options_.verify_threads,
                                            options_.checked_txs.get())) {
      if (r->tx_index < 0) return r->ToStatus();
      drop(*r);
      continue;
    }
    auto next = contract_->ApplyBlock(state_, block, /*checked=*/true);
    if (auto* r = std::get_if<chain::Rejection>(&next)) {
      if (r->tx_index < 0) return r->ToStatus();
      drop(*r);
      continue;
    }
    block.header.state_root = contract_->Commit(std::get<chain::State>(next));
    proposed_ = ProposedState{Hash32{}, std::get<chain::State>(std::move(next))};
    break;
  }
  block.header.tx_root = chain::TxRoot(block.txs);
  chain::SealHeader(block.header, sealer);
  proposed_->hash = chain::BlockHash(block.header);
  return out;
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
