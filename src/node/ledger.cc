#include "node/ledger.h"

#include <algorithm>

#include "store/ledger_records.h"
#include "store/schema.h"

namespace v2v::node {

using chain::Reject;
using chain::Rejected;
namespace poa = consensus::poa;
namespace schema = store::schema;

poa::Snapshot GenesisSnapshot(const contract::Genesis& genesis) {
  return poa::Snapshot(genesis.clique.epoch, genesis.authorities);
}

poa::CliqueConfig CliqueConfigOf(const contract::Genesis& genesis,
                                 std::optional<int64_t> allowed_future_s) {
  poa::CliqueConfig c;
  c.epoch = genesis.clique.epoch;
  c.period_s = genesis.clique.period_s;
  c.allowed_future_s = allowed_future_s;
  return c;
}

namespace {

std::unique_ptr<contract::TradingContract> MakeContract(
    const contract::Genesis& genesis, const contract::IdentityVerifier& verifier) {
  return std::make_unique<contract::TradingContract>(verifier, contract::ContractParamsOf(genesis));
}

}  // namespace

Ledger::Ledger(std::unique_ptr<store::KvStore> kv, contract::Genesis genesis, LedgerOptions options)
    : kv_(std::move(kv)),
      genesis_(std::move(genesis)),
      options_(std::move(options)),
      engine_(CliqueConfigOf(genesis_, options_.allowed_future_s)),
      verifier_(options_.verifier(genesis_)),
      contract_(MakeContract(genesis_, *verifier_)),
      executor_(*contract_, options_.verify_threads, options_.checked_txs),
      tree_(*kv_) {}

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
  meta.total_difficulty = meta.header.difficulty;
  meta.snapshot = GenesisSnapshot(genesis);
  const Hash32 hash = chain::BlockHash(meta.header);
  chain::Entries entries = chain::EncodeEntries(state);
  store::WriteBatch batch;
  batch.Put(std::string(schema::kGenesis), encoded);
  BlockTree::StageBlock(batch, hash, chain::Block{meta.header, {}}, meta);
  BlockTree::StageCanonical(batch, 0, hash);
  for (const auto& [k, v] : entries) batch.Put(schema::StateKey(k), v);
  BlockTree::StageHead(batch, 0, hash);
  V2V_RETURN_IF_ERROR(l->kv_->Write(batch, /*sync=*/true));
  l->tree_.SetHead(hash, std::move(meta));
  l->state_ = std::move(state);
  l->leaves_ = chain::StateLeaves(entries);
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
  V2V_RETURN_IF_ERROR(tree_.LoadHead());
  chain::Entries entries;
  V2V_RETURN_IF_ERROR(kv_->Scan(schema::kStatePrefix, [&](std::string_view k, ByteSpan v) {
    entries.emplace(std::string(k.substr(schema::kStatePrefix.size())), Bytes(v.begin(), v.end()));
    return true;
  }));
  if (chain::StateRoot(entries) != head().state_root) {
    return Status::Corruption("stored state does not match the head's state root");
  }
  V2V_ASSIGN_OR_RETURN(state_, chain::DecodeEntries(entries));
  leaves_ = chain::StateLeaves(entries);
  entries_ = std::move(entries);
  return Status::Ok();
}

Result<chain::Block> Ledger::BlockAt(uint64_t height) const {
  V2V_ASSIGN_OR_RETURN(auto block, store::LoadCanonicalBlock(*kv_, height));
  if (!block) return Status::NotFound("no block at height " + std::to_string(height));
  return std::move(*block);
}

Result<poa::Snapshot> Ledger::SnapshotAfter(const Hash32& block_hash) const {
  V2V_ASSIGN_OR_RETURN(auto meta, tree_.Meta(block_hash));
  if (!meta) return Status::NotFound("no block " + block_hash.Hex());
  return std::move(meta->snapshot);
}

// --- importing --------------------------------------------------------------------------------

chain::ValidationResult<ImportResult> Ledger::Import(const chain::Block& block, int64_t now_s) {
  return Insert(block, now_s,
                [this](const chain::State& s, const chain::Block& b, const chain::StateLeaves* l) {
                  return executor_.Execute(s, b, l);
                });
}

chain::ValidationResult<ImportResult> Ledger::ImportSealed(const SealedBlock& sealed,
                                                           int64_t now_s) {
  // Sound because the block hash commits to the parent and to every transaction, and the state
  // after a given parent is deterministic. REQUIRES: `sealed` is as SealBlock returned it.
  return Insert(sealed.block, now_s,
                [&sealed](const chain::State&, const chain::Block&, const chain::StateLeaves*) {
                  return chain::ValidationResult<contract::Executed>(
                      contract::Executed{sealed.state_after, sealed.effects, sealed.changes});
                });
}

std::optional<chain::Rejection> Ledger::NotOnHead(const chain::BlockHeader& h) const {
  if (h.height != head().height + 1) return Rejected(Reject::kBadHeight, std::to_string(h.height));
  if (h.parent != head_hash()) return Rejected(Reject::kBadParent, h.parent.Hex());
  return std::nullopt;
}

chain::ValidationStatus Ledger::Append(const chain::Block& block) {
  if (auto r = NotOnHead(block.header)) return *r;
  auto done = Insert(block, std::nullopt,
                     [this](const chain::State& s, const chain::Block& b,
                            const chain::StateLeaves* l) { return executor_.Execute(s, b, l); });
  if (!done.ok()) return done.failure();
  return chain::Valid{};
}

chain::ValidationStatus Ledger::AppendPrechecked(const chain::Block& block) {
  if (auto r = NotOnHead(block.header)) return *r;
  auto done =
      Insert(block, std::nullopt,
             [this](const chain::State& s, const chain::Block& b, const chain::StateLeaves* l) {
               return executor_.ExecuteChecked(s, b, l);
             });
  if (!done.ok()) return done.failure();
  return chain::Valid{};
}

chain::ValidationResult<ImportResult> Ledger::Insert(const chain::Block& block,
                                                     std::optional<int64_t> now_s,
                                                     const ExecuteNew& execute_new) {
  const chain::BlockHeader& h = block.header;
  const Hash32 hash = chain::BlockHash(h);
  V2V_ASSIGN_OR_RETURN(auto bad, tree_.BadReason(hash));
  if (bad) return *bad;
  if (tree_.Has(hash)) return ImportResult{ImportOutcome::kKnown, 0};
  auto verified = engine_.VerifyHeader(tree_, block, now_s);
  if (verified.error() && verified.error_status().code() == StatusCode::kNotFound) {
    V2V_ASSIGN_OR_RETURN(auto parent_bad, tree_.BadReason(h.parent));
    if (parent_bad) return Rejected(Reject::kBadAncestor, "parent " + h.parent.Hex());
  }
  V2V_VALIDATED_OR_RETURN(poa::Snapshot snapshot, std::move(verified));
  V2V_ASSIGN_OR_RETURN(auto parent, tree_.Meta(h.parent));
  if (!parent) return Status::Corruption("parent " + h.parent.Hex() + " vanished");
  BlockMeta meta{parent->total_difficulty + h.difficulty, h, std::move(snapshot)};

  store::WriteBatch batch;
  BlockTree::StageBlock(batch, hash, block, meta);
  if (!tree_.PreferredOverHead(meta.total_difficulty, h.height, hash)) {
    V2V_RETURN_IF_ERROR(kv_->Write(batch, /*sync=*/true));
    return ImportResult{ImportOutcome::kSide, 0};
  }
  return MakeCanonical(block, hash, std::move(meta), execute_new, std::move(batch));
}

// The block won fork choice: roll the state back to the common ancestor, execute the branch and
// the block, and commit it all (with what `batch` holds) in one synced write.
chain::ValidationResult<ImportResult> Ledger::MakeCanonical(const chain::Block& block,
                                                            const Hash32& hash, BlockMeta meta,
                                                            const ExecuteNew& execute_new,
                                                            store::WriteBatch batch) {
  const chain::BlockHeader& h = block.header;
  const bool publish = options_.events != nullptr;
  V2V_VALIDATED_OR_RETURN(Branch branch, tree_.BranchTo(h.parent, h.height - 1));
  const uint64_t depth = head().height - branch.ancestor_height;
  if (depth == 0 && branch.blocks.empty()) {
    return ExtendHead(block, hash, std::move(meta), execute_new, std::move(batch));
  }
  std::vector<BlockRemoved> removed;
  V2V_ASSIGN_OR_RETURN(chain::Entries entries,
                       RollBack(*kv_, entries_, head().height, branch.ancestor_height, batch,
                                publish ? &removed : nullptr));
  chain::State rolled;  // the state after the last block executed (from the ancestor's on)
  if (depth > 0) {
    auto decoded = chain::DecodeEntries(entries);
    if (!decoded.ok())
      return Status::Corruption("rolled-back state: " + decoded.status().message());
    rolled = std::move(decoded).value();
  }
  const chain::State* current = depth > 0 ? &rolled : &state_;

  std::vector<BlockApplied> applied;
  branch.blocks.push_back(hash);
  for (size_t i = 0; i < branch.blocks.size(); ++i) {
    const bool is_new = i + 1 == branch.blocks.size();
    chain::Block stored;
    if (!is_new) {
      V2V_ASSIGN_OR_RETURN(stored, tree_.BlockByHash(branch.blocks[i]));
    }
    const chain::Block& b = is_new ? block : stored;
    auto next = is_new ? execute_new(*current, b, nullptr) : executor_.Execute(*current, b);
    if (next.invalid()) {
      V2V_RETURN_IF_ERROR(
          tree_.MarkBad(std::vector<Hash32>(branch.blocks.begin() + static_cast<std::ptrdiff_t>(i),
                                            branch.blocks.end()),
                        next.rejection()));
      return next.rejection();
    }
    V2V_VALIDATED_OR_RETURN(contract::Executed executed, std::move(next));
    rolled = std::move(executed.state);
    current = &rolled;
    chain::Entries next_entries = chain::EncodeEntries(rolled);
    batch.Put(schema::UndoKey(branch.blocks[i]),
              store::EncodeUndo(MakeUndo(entries, next_entries)));
    BlockTree::StageCanonical(batch, b.header.height, branch.blocks[i]);
    entries = std::move(next_entries);
    if (publish) {
      auto shared = is_new ? std::make_shared<const chain::Block>(block)
                           : std::make_shared<const chain::Block>(std::move(stored));
      applied.push_back(
          MakeBlockApplied(std::move(shared), branch.blocks[i], std::move(executed.effects)));
    }
  }
  for (uint64_t k = h.height + 1; k <= head().height; ++k) batch.Delete(schema::CanonicalKey(k));
  StageStateChanges(entries_, entries, batch);
  BlockTree::StageHead(batch, h.height, hash);
  V2V_RETURN_IF_ERROR(kv_->Write(batch, /*sync=*/true));

  tree_.SetHead(hash, std::move(meta));
  state_ = std::move(rolled);
  leaves_ = chain::StateLeaves(entries);
  entries_ = std::move(entries);
  Publish(std::move(removed), std::move(applied));
  return ImportResult{depth == 0 ? ImportOutcome::kExtended : ImportOutcome::kReorged, depth};
}

chain::ValidationResult<ImportResult> Ledger::ExtendHead(const chain::Block& block,
                                                         const Hash32& hash, BlockMeta meta,
                                                         const ExecuteNew& execute_new,
                                                         store::WriteBatch batch) {
  auto next = execute_new(state_, block, &leaves_);
  if (next.invalid()) {
    V2V_RETURN_IF_ERROR(tree_.MarkBad({hash}, next.rejection()));
    return next.rejection();
  }
  V2V_VALIDATED_OR_RETURN(contract::Executed executed, std::move(next));
  batch.Put(schema::UndoKey(hash), store::EncodeUndo(MakeUndo(entries_, executed.changes)));
  BlockTree::StageCanonical(batch, block.header.height, hash);
  StageStateChanges(entries_, executed.changes, batch);
  BlockTree::StageHead(batch, block.header.height, hash);
  V2V_RETURN_IF_ERROR(kv_->Write(batch, /*sync=*/true));

  tree_.SetHead(hash, std::move(meta));
  state_ = std::move(executed.state);
  ApplyChanges(entries_, executed.changes);
  leaves_.Apply(executed.changes);
  std::vector<BlockApplied> applied;
  if (options_.events != nullptr) {
    applied.push_back(MakeBlockApplied(std::make_shared<const chain::Block>(block), hash,
                                       std::move(executed.effects)));
  }
  Publish({}, std::move(applied));
  return ImportResult{ImportOutcome::kExtended, 0};
}

void Ledger::Publish(std::vector<BlockRemoved> removed, std::vector<BlockApplied> applied) {
  if (options_.events == nullptr) return;
  for (BlockRemoved& r : removed) options_.events->Publish(std::move(r));
  for (BlockApplied& a : applied) options_.events->Publish(std::move(a));
}

// --- checking without storing -----------------------------------------------------------------

std::optional<chain::Rejection> Ledger::PrecheckBlock(const chain::Block& block) const {
  if (!poa::Engine::VerifySeal(block.header))
    return Rejected(Reject::kBadSeal, "seal does not verify");
  if (block.header.tx_root != chain::TxRoot(block.txs)) return Rejected(Reject::kBadTxRoot, "");
  return executor_.CheckTxs(block.txs);
}

Result<SealedBlock> Ledger::SealBlock(std::vector<chain::Tx> txs, int64_t time,
                                      const crypto::PrivateKey& sealer,
                                      std::optional<chain::HeaderVote> vote) const {
  return BuildSealedBlock(engine_, tree_, executor_, state_, &leaves_, std::move(txs), time, sealer,
                          vote);
}

Result<chain::State> Ledger::StateAt(uint64_t height) const {
  if (height > head().height) return Status::NotFound("height above head");
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
