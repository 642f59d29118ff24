// The node's bounded pool of transactions waiting for a block (docs/spec/node.md N3, N4).
//
// Pure bookkeeping: the caller checks a transaction's structure and signatures (the contract's
// CheckTx) before Add, and passes each sender's committed nonce. Per sender, transactions are
// kept by nonce; a block takes, per sender, the run of consecutive nonces after the committed
// one, senders in the order their first ready transaction arrived. After a new head, Prune drops
// what the chain now holds (nonce <= committed). Not thread-safe (one owner).
#pragma once

#include <cstdint>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "chain/reject.h"
#include "chain/tx.h"

namespace v2v::node {

using NonceOf = std::function<uint64_t(const std::string& sender)>;

struct MempoolOptions {
  size_t max_txs = 200000;
  uint64_t max_nonce_gap = 4096;  // nonce may be at most committed + this
};

class Mempool {
 public:
  explicit Mempool(MempoolOptions options = {}) : options_(options) {}

  // Adds the transaction, or refuses it with kAlreadyPending, kStaleNonce, kNonceGap,
  // kNonceTaken (another transaction of this sender already has this nonce) or kMempoolFull.
  std::optional<chain::Rejection> Add(const chain::Tx& tx, const Hash32& hash,
                                      uint64_t committed_nonce);
  bool Contains(const Hash32& hash) const { return by_hash_.count(hash) > 0; }
  size_t size() const { return by_hash_.size(); }

  // Up to `max` transactions, of at most `max_bytes` encoded bytes in all, that a block can
  // carry in this order (see above).
  std::vector<chain::Tx> Select(const NonceOf& committed_nonce, size_t max,
                                size_t max_bytes = SIZE_MAX) const;
  // Drops every transaction whose nonce <= its sender's committed nonce.
  void Prune(const NonceOf& committed_nonce);
  // Drops one transaction (e.g. the contract refused it) and its sender's later ones, which
  // could never become ready; returns how many were dropped.
  size_t RemoveWithSuccessors(const Hash32& hash);

 private:
  struct Entry {
    chain::Tx tx;
    Hash32 hash;
    uint64_t seq;  // arrival order
    size_t bytes;  // encoded size
  };
  MempoolOptions options_;
  uint64_t next_seq_ = 0;
  std::map<std::string, std::map<uint64_t, Entry>> by_sender_;
  std::map<Hash32, std::pair<std::string, uint64_t>> by_hash_;
};

}  // namespace v2v::node
