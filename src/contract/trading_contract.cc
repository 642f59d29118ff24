#include "contract/trading_contract.h"

#include <atomic>
#include <map>
#include <thread>

#include "chain/tx_check.h"
#include "codec/codec.h"
#include "contract/allocation_check.h"
#include "contract/internal/block_run.h"
#include "crypto/hash.h"

namespace v2v::contract {

__extension__ typedef __int128 Int128;  // exact sums of int64 values

using chain::Reject;
using chain::Rejected;

std::optional<chain::Rejection> TradingContract::CheckStateless(const chain::Tx& tx) const {
  return chain::CheckTxStateless(tx);
}

std::optional<chain::Rejection> TradingContract::CheckStateless(
    const chain::Tx& tx, const CheckedTxCache& checked) const {
  return chain::CheckTxStateless(
      tx, [&checked](const chain::Tx& bid) { return checked.Contains(chain::TxHash(bid)); });
}

std::variant<chain::State, chain::Rejection> TradingContract::ApplyBlock(const chain::State& state,
                                                                         const chain::Block& block,
                                                                         bool checked) const {
  auto executed = Execute(state, block, checked);
  if (auto* r = std::get_if<chain::Rejection>(&executed)) return *r;
  return std::get<Executed>(std::move(executed)).state;
}

std::variant<Executed, chain::Rejection> TradingContract::Execute(const chain::State& state,
                                                                  const chain::Block& block,
                                                                  bool checked) const {
  if (!checked) {
    if (auto r = CheckTxsParallel(block.txs, 1)) return *r;
  }
  internal::StateOverlay overlay(state);
  internal::BlockRun run(overlay, block.header.timestamp_s, verifier_, params_);
  std::vector<TxEffects> effects(block.txs.size());
  for (size_t i = 0; i < block.txs.size(); ++i) {
    if (auto r = run.Apply(block.txs[i], &effects[i])) {
      r->tx_index = static_cast<int>(i);
      return *r;
    }
  }
  chain::State next = overlay.Merge();
#ifndef NDEBUG
  if (auto r = CheckConservation(next)) return *r;
#endif
  chain::EntryChanges changes = chain::EncodeChanges(next, overlay.ChangedKeys());
  return Executed{std::move(next), std::move(effects), std::move(changes)};
}

Hash32 EscrowId(const Hash32& round_tx, uint32_t index) {
  codec::Writer w("v2v.escrow-id");
  w.Hash(round_tx);
  w.U32(index);
  return crypto::Sha256(w.bytes());
}

std::optional<chain::Rejection> CheckConservation(const chain::State& state) {
  Int128 money = 0, energy = state.supply.lost_wh;
  for (const auto& [id, a] : state.accounts) {
    if (a.balance < 0 || a.energy_wh < 0) {
      return Rejected(Reject::kConservation, "negative balance or energy: " + id);
    }
    money += a.balance;
    energy += a.energy_wh;
  }
  for (const auto& [id, e] : state.escrows) {
    if (e.amount < 0 || e.energy_wh < 0 || e.loss_wh < 0) {
      return Rejected(Reject::kConservation, "negative escrow");
    }
    money += e.amount;
    energy += e.energy_wh + e.loss_wh;
  }
  if (money != state.supply.money) return Rejected(Reject::kConservation, "money not conserved");
  if (energy != state.supply.energy_wh) {
    return Rejected(Reject::kConservation, "energy not conserved");
  }
  return std::nullopt;
}

namespace {

// Verifies every job on up to `threads` threads; each job's failure or nullopt.
std::vector<std::optional<chain::Rejection>> VerifyJobs(
    const std::vector<chain::SignatureJob>& jobs, int threads) {
  const size_t n = jobs.size();
  std::vector<std::optional<chain::Rejection>> out(n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) out[i] = chain::VerifyJob(jobs[i]);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && static_cast<size_t>(t) * 8 < n; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return out;
}

// CheckTxsParallel over the transactions `txs` points to; tx_index is the position in `txs`.
// With `cache`, a nested bid whose own check passed here (its hash in the cache: the vehicle
// gateway's or the peer transaction queue's) keeps its signature unverified, as in
// TradingContract::CheckStateless with the cache.
std::optional<chain::Rejection> CheckTxPointers(const std::vector<const chain::Tx*>& txs,
                                                int threads,
                                                const CheckedTxCache* cache = nullptr) {
  chain::NestedChecked checked;
  if (cache != nullptr) {
    checked = [cache](const chain::Tx& bid) { return cache->Contains(chain::TxHash(bid)); };
  }
  // Structure first, in order; then every signature (nested bids included) on the pool.
  std::vector<chain::SignatureJob> jobs;
  std::vector<size_t> job_tx;  // job -> index of its top-level transaction
  for (size_t i = 0; i < txs.size(); ++i) {
    if (auto r = chain::CheckTxStructure(*txs[i])) {
      r->tx_index = static_cast<int>(i);
      return r;
    }
    chain::AppendSignatureJobs(*txs[i], jobs, checked);
    job_tx.resize(jobs.size(), i);
  }
  std::vector<std::optional<chain::Rejection>> out = VerifyJobs(jobs, threads);
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i]) {
      out[i]->tx_index = static_cast<int>(job_tx[i]);
      return out[i];
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<chain::Rejection> CheckTxsParallel(const std::vector<chain::Tx>& txs, int threads) {
  std::vector<const chain::Tx*> all;
  all.reserve(txs.size());
  for (const chain::Tx& tx : txs) all.push_back(&tx);
  return CheckTxPointers(all, threads);
}

std::optional<chain::Rejection> CheckTxsParallel(const std::vector<chain::Tx>& txs, int threads,
                                                 CheckedTxCache* cache) {
  if (cache == nullptr) return CheckTxsParallel(txs, threads);
  std::vector<Hash32> hashes;
  hashes.reserve(txs.size());
  std::vector<const chain::Tx*> todo;
  std::vector<size_t> index;  // todo -> position in txs
  for (size_t i = 0; i < txs.size(); ++i) {
    hashes.push_back(chain::TxHash(txs[i]));
    if (!cache->Contains(hashes.back())) {
      todo.push_back(&txs[i]);
      index.push_back(i);
    }
  }
  if (auto r = CheckTxPointers(todo, threads, cache)) {
    r->tx_index = static_cast<int>(index[static_cast<size_t>(r->tx_index)]);
    return r;
  }
  for (size_t i : index) cache->Insert(hashes[i]);
  return std::nullopt;
}

std::vector<std::optional<chain::Rejection>> CheckEachTx(const std::vector<chain::Tx>& txs,
                                                         int threads, CheckedTxCache* cache) {
  std::vector<std::optional<chain::Rejection>> out(txs.size());
  std::vector<Hash32> hashes(txs.size());
  std::vector<chain::SignatureJob> jobs;
  std::vector<size_t> job_tx;  // job -> index of its top-level transaction
  for (size_t i = 0; i < txs.size(); ++i) {
    if (cache != nullptr) {
      hashes[i] = chain::TxHash(txs[i]);
      if (cache->Contains(hashes[i])) continue;
    }
    out[i] = chain::CheckTxStructure(txs[i]);
    if (out[i]) continue;
    chain::AppendSignatureJobs(txs[i], jobs);
    job_tx.resize(jobs.size(), i);
  }
  std::vector<std::optional<chain::Rejection>> verified = VerifyJobs(jobs, threads);
  std::vector<char> checked(txs.size(), 0);  // 1: its signatures were verified here
  for (size_t k = 0; k < jobs.size(); ++k) {
    const size_t i = job_tx[k];
    checked[i] = 1;
    if (verified[k] && !out[i]) out[i] = std::move(verified[k]);
  }
  for (size_t i = 0; i < txs.size(); ++i) {
    if (out[i]) {
      out[i]->tx_index = static_cast<int>(i);
    } else if (checked[i] && cache != nullptr) {
      cache->Insert(hashes[i]);
    }
  }
  return out;
}

}  // namespace v2v::contract
