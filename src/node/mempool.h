// The node's bounded pool of transactions waiting for a block (docs/spec/node.md N3, N4, N4.1).
//
// Pure bookkeeping: the caller checks a transaction's structure and signatures (the contract's
// CheckStateless) before Admit, and passes what its head state says about it (ChainView, with the
// contract's CheckTx lock time) and the time (injected: the mempool reads no clock). Per sender,
// transactions are kept by nonce; a block takes, per sender, the run of consecutive nonces after
// the committed one, senders in the order their first ready transaction arrived, except that a
// transaction comes after the one using the nonce below each nonce it uses (its own, and its
// carried bids': a round carrying a vehicle's bid after the round carrying its previous bid). After
// a new head, Prune drops what the chain now holds (nonce <= committed). Bounds: max_txs in all;
// per sender, nonces at most max_nonce_gap ahead and at most max_future_per_sender transactions
// that are not ready (waiting for an earlier nonce); a transaction pending longer than
// tx_lifetime_ms is dropped by Expire.
//
// Lock times: a transaction that the contract says no block can take before some time (CheckTx's
// not yet, contract/tx_verdict.h: a round whose window has not closed, a refund before its
// escrow's deadline) keeps that time (ChainView::not_before_s at admission; Defer when the
// producer meets it). Select leaves it, with its sender's later ones, for a block stamped at or
// after that time; it is never dropped for it (only, like any, when it expires).
//
// A nonce is used by one pending transaction at most, counting the bids inside trading rounds
// (each bid is signed with its vehicle's nonce): a round whose bid uses a nonce that another
// pending transaction uses (another RSU's round, the vehicle's own transaction) is refused as
// nonce_taken, and so is a vehicle transaction whose nonce a pending round's bid uses. A pending
// transaction dropped without a block taking it (refused while sealing, a bid inside it stale
// after a new head, expired) takes its sender's later ones with it, which could never apply;
// each drop is returned with its code (MempoolDrop) for the node to report.
// Not thread-safe (one owner).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "chain/reject.h"
#include "chain/state.h"
#include "chain/tx.h"

namespace v2v::node {

using NonceOf = std::function<uint64_t(const std::string& sender)>;
// Whether the canonical chain holds the transaction with this hash.
using OnChain = std::function<bool(const Hash32& tx)>;

struct MempoolOptions {
  size_t max_txs = 200000;
  uint64_t max_nonce_gap = 4096;      // nonce may be at most committed + this
  size_t max_future_per_sender = 64;  // pending, not ready: an earlier nonce is missing
  int64_t tx_lifetime_ms = 600'000;   // 10 minutes pending, then Expire drops it
  // Reannounce: a transaction a block could take now that has waited this long since it was
  // admitted or last announced is sent to the peers again, at most this many a call.
  int64_t reannounce_after_ms = 10'000;
  size_t max_reannounced = 1000;
  size_t max_reannounced_bytes = 1 << 20;
};

// Why Admit refused a transaction. Stable names (MempoolRejectName) are what clients see.
enum class MempoolReject : uint8_t {
  kDuplicate = 1,  // "duplicate": already pending
  kKnown,          // "known": the head state already holds it (ChainView::applied)
  kStaleNonce,     // "stale_nonce": nonce <= the committed one (it, or another with that nonce,
                   // is on the chain)
  kNonceGap,       // "nonce_gap": more than max_nonce_gap ahead
  kNonceTaken,     // "nonce_taken": another pending transaction of the sender has this nonce
  kTooManyFuture,  // "too_many_future": the sender has max_future_per_sender not-ready ones
  kFull,           // "mempool_full": max_txs pending
};
std::string_view MempoolRejectName(MempoolReject code);

struct MempoolRejection {
  MempoolReject code;
  std::string detail;
  std::string ToString() const;  // "<name>: <detail>"
  Status ToStatus() const { return Status::InvalidArgument(ToString()); }
};

// What the head state says about a transaction; the caller reads it from its ledger.
struct ChainView {
  uint64_t committed_nonce = 0;  // the sender's nonce at the head (0: no account)
  bool applied = false;          // AlreadyApplied(tx, head state)
  bool bid_stale = false;        // a bid inside it has a nonce <= its vehicle's committed one
  int64_t not_before_s = 0;      // the contract's not yet: no block stamped earlier can take it
};

// A pending transaction dropped without a block taking it, and why: the contract's code (it was
// refused while sealing), kStaleNonce (its nonce, or a bid's inside it, is used on the chain by
// another transaction), kExpired, or
// kPredecessorDropped (an earlier nonce of its sender was dropped).
struct MempoolDrop {
  Hash32 hash;
  chain::Reject code;
};

// True when `head` already holds the transaction's effect where its nonce cannot tell (the
// sender has no sequenced nonce): a CA Revoke of a certificate revoked on the ledger, a CA
// Recertify whose account holds its certificate or has moved on from the one it replaces (which
// is then retired: revoked on the ledger).
bool AlreadyApplied(const chain::Tx& tx, const chain::State& head);

class Mempool {
 public:
  explicit Mempool(MempoolOptions options = {}) : options_(options) {}

  // Admits the transaction at time `now_ms`, or says why not (nothing changes then).
  std::optional<MempoolRejection> Admit(const chain::Tx& tx, const Hash32& hash,
                                        const ChainView& chain, int64_t now_ms);
  bool Contains(const Hash32& hash) const { return by_hash_.count(hash) > 0; }
  size_t size() const { return by_hash_.size(); }
  // The pending transaction that uses `sender`'s nonce `nonce`: its own, or a trading round
  // carrying its bid.
  std::optional<Hash32> NonceUser(const std::string& sender, uint64_t nonce) const;
  // The highest round number of the trading rounds `rsu` sent that are pending (0: none).
  uint64_t HighestPendingRound(const std::string& rsu) const;

  // Up to `max` transactions, of at most `max_bytes` encoded bytes in all, that a block stamped
  // `block_time_s` can carry in this order (see above; a sender's run ends at a transaction whose
  // lock time is later). The default block time means "any": lock times are not looked at.
  std::vector<chain::Tx> Select(const NonceOf& committed_nonce, size_t max,
                                size_t max_bytes = SIZE_MAX,
                                int64_t block_time_s = std::numeric_limits<int64_t>::max()) const;
  // The pending transaction can go in no block stamped before `not_before_s` (the contract said
  // not yet while sealing). Only ever raises its lock time; unknown hashes are ignored.
  void Defer(const Hash32& hash, int64_t not_before_s);
  // The lock time of a pending transaction (0: none), or nullopt if it is not pending.
  std::optional<int64_t> NotBefore(const Hash32& hash) const;
  // Takes out every transaction whose nonce <= its sender's committed nonce: forgotten when the
  // chain holds it (`on_chain`), dropped (kStaleNonce) when another transaction with its nonce
  // took its place; forgets every transaction `applied` says the head holds (a CA Revoke or
  // Recertify, AlreadyApplied: their nonce is not sequenced, the CA has no account); and drops
  // every trading round carrying a bid whose nonce <= its vehicle's committed one (kStaleNonce),
  // with successors. Returns the drops.
  std::vector<MempoolDrop> Prune(const NonceOf& committed_nonce, const OnChain& on_chain,
                                 const std::function<bool(const chain::Tx&)>& applied = {});
  // Drops one transaction (e.g. the contract refused it: `code`) and its sender's later ones,
  // which could never become ready (kPredecessorDropped); returns the drops, it first.
  std::vector<MempoolDrop> RemoveWithSuccessors(const Hash32& hash, chain::Reject code);
  // Drops every transaction admitted at or before now_ms - tx_lifetime_ms (kExpired), each with
  // its successors; returns the drops.
  std::vector<MempoolDrop> Expire(int64_t now_ms);
  // The transactions a block stamped now could take (each sender's run of ready ones, lock times
  // passed) that were admitted or last announced at least reannounce_after_ms ago, oldest
  // announcement first, within max_reannounced and max_reannounced_bytes; they count as announced
  // now. Gossip can lose a transaction (a dropped frame, a peer that restarted with an empty
  // mempool, a partition): the node sends these to its peers again (docs/spec/node.md N4.3).
  std::vector<chain::Tx> Reannounce(const NonceOf& committed_nonce, int64_t now_ms);

 private:
  struct Entry {
    chain::Tx tx;
    Hash32 hash;
    uint64_t seq;  // arrival order
    size_t bytes;  // encoded size
    int64_t added_ms;
    int64_t not_before_s;  // lock time: no block stamped earlier takes it
    int64_t announced_ms;  // admitted, or last returned by Reannounce
  };
  using SenderTxs = std::map<uint64_t, Entry>;
  // Removes one entry from every index; returns the sender map's next iterator.
  SenderTxs::iterator Erase(SenderTxs& txs, SenderTxs::iterator it);
  std::optional<MempoolRejection> CheckSender(const chain::Tx& tx, const SenderTxs* mine,
                                              uint64_t committed) const;
  // nonce_taken when a bid inside `tx` (or `tx` itself) uses a nonce another pending one uses.
  std::optional<MempoolRejection> CheckNonceUsers(const chain::Tx& tx) const;

  MempoolOptions options_;
  uint64_t next_seq_ = 0;
  std::map<std::string, SenderTxs> by_sender_;
  std::map<Hash32, std::pair<std::string, uint64_t>> by_hash_;
  std::map<std::pair<int64_t, uint64_t>, Hash32> by_time_;  // (admitted ms, seq) -> hash
  // Nonces used by bids inside pending trading rounds: vehicle -> nonce -> the round's hash.
  std::map<std::string, std::map<uint64_t, Hash32>> bid_nonces_;
};

}  // namespace v2v::node
