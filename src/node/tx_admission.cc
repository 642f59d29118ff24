#include "node/tx_admission.h"

#include <set>

#include "contract/time_rules.h"
#include "node/producer.h"

namespace v2v::node {

ChainView ViewOf(const chain::Tx& tx, const chain::State& head) {
  bool bid_stale = false;
  if (const auto* round = std::get_if<chain::TradingRound>(&tx.body)) {
    for (const auto* bids : {&round->buyers, &round->sellers}) {
      for (const chain::Tx& b : *bids) {
        bid_stale = bid_stale || b.nonce <= CommittedNonce(head, b.sender);
      }
    }
  }
  return ChainView{CommittedNonce(head, tx.sender), AlreadyApplied(tx, head), bid_stale};
}

chain::Rejection ToRejection(const MempoolRejection& r) {
  using chain::Reject;
  Reject code = Reject::kMempoolFull;
  switch (r.code) {
    case MempoolReject::kDuplicate:
      code = Reject::kDuplicate;
      break;
    case MempoolReject::kKnown:
      code = Reject::kKnown;
      break;
    case MempoolReject::kStaleNonce:
      code = Reject::kStaleNonce;
      break;
    case MempoolReject::kNonceGap:
      code = Reject::kNonceGap;
      break;
    case MempoolReject::kNonceTaken:
      code = Reject::kNonceTaken;
      break;
    case MempoolReject::kTooManyFuture:
      code = Reject::kTooManyFuture;
      break;
    case MempoolReject::kFull:
      code = Reject::kMempoolFull;
      break;
  }
  return chain::Rejected(code, r.detail);
}

int64_t LockTime(const chain::State& head, const chain::Tx& tx, int64_t now_s) {
  const int64_t earliest = contract::EarliestBlockTime(head, tx);
  return earliest > now_s ? earliest : 0;
}

TxAdmitted TxAdmission::Admit(const contract::TradingContract& contract, const chain::State& head,
                              const chain::Tx& tx, int64_t now_ms) {
  const Hash32 hash = chain::TxHash(tx);
  if (mempool_.Contains(hash)) {
    return {TxVerdict::kDuplicate, chain::Rejected(chain::Reject::kDuplicate, "already pending")};
  }
  // C-3.0 is final (a network never changes): another network's bytes are invalid, never pooled.
  if (auto r = contract::CheckNetwork(tx, contract.params())) return {TxVerdict::kInvalid, *r};
  if (!checked_->Contains(hash)) {
    if (auto r = contract.CheckStateless(tx, *checked_)) return {TxVerdict::kInvalid, *r};
    checked_->Insert(hash);
  }
  ChainView view = ViewOf(tx, head);
  view.not_before_s = LockTime(head, tx, now_ms / 1000);
  // Refused here (a transaction already on the chain as `known`) means never gossiped.
  if (auto refused = mempool_.Admit(tx, hash, view, now_ms)) {
    return {TxVerdict::kRefused, ToRejection(*refused)};
  }
  return {TxVerdict::kAdmitted, hash};
}

std::vector<MempoolDrop> TxAdmission::Prune(const chain::State& state, const OnChain& on_chain) {
  return mempool_.Prune([&state](const std::string& s) { return CommittedNonce(state, s); },
                        on_chain,
                        [&state](const chain::Tx& tx) { return AlreadyApplied(tx, state); });
}

TxAdmission::Readmitted TxAdmission::ReadmitAbandoned(const Ledger& ledger, Hash32 old_head,
                                                      uint64_t depth, int64_t now_ms) {
  std::vector<chain::Block> abandoned;
  uint64_t fork_height = 0;  // the highest block both chains share
  for (uint64_t i = 0; i < depth; ++i) {
    auto b = ledger.BlockByHash(old_head);
    if (!b.ok()) break;
    old_head = b->header.parent;
    fork_height = b->header.height - 1;
    abandoned.push_back(std::move(b).value());
  }
  std::set<Hash32> on_new_chain;
  for (Hash32 h = ledger.head_hash(); !abandoned.empty();) {
    auto b = ledger.BlockByHash(h);
    if (!b.ok() || b->header.height <= fork_height) break;
    for (const chain::Tx& tx : b->txs) on_new_chain.insert(chain::TxHash(tx));
    h = b->header.parent;
  }
  Readmitted out;
  for (auto it = abandoned.rbegin(); it != abandoned.rend(); ++it) {
    for (const chain::Tx& tx : it->txs) {
      const Hash32 hash = chain::TxHash(tx);
      if (mempool_.Contains(hash)) continue;
      const auto refused = mempool_.Admit(tx, hash, ViewOf(tx, ledger.state()), now_ms);
      if (!refused) {
        ++out.count;
      } else if (!on_new_chain.count(hash)) {
        out.dropped.push_back({hash, ToRejection(*refused).code});
      }
    }
  }
  return out;
}

}  // namespace v2v::node
