// The invariants the cluster simulation checks on one node after every step, independently of
// the ledger's own code paths:
//  - the canonical chain is valid under Clique: each block links to its parent, is one higher,
//    keeps the period, carries a valid seal and tx root; its sealer is a signer that is not
//    among the recent sealers and its difficulty says whether it was in turn (restated here),
//    and Snapshot::Apply accepts it from the parent's snapshot (votes, checkpoints);
//  - no transaction appears twice on the canonical chain;
//  - on a chain of the paper's scheme, every trading round's trades are priced as
//    market::PriceExact prices their pair (the pricing rule's owner; a genesis naming another
//    mechanism, contract C-4.9, is not priced pair by pair), and no bid is in two rounds of the
//    canonical chain;
//  - each sender's nonces on the canonical chain (its transactions' and its bids' inside
//    rounds) have no reuse and no gap, and end at its account's nonce in the head state;
//  - the head state conserves money and energy (the genesis totals, no negative amounts) and
//    hashes to the head's state root;
//  - across a crash: every block of the canonical chain seen before it is still stored after
//    the restart, and the head's total difficulty did not go down.
// The chain is re-checked only from where it changed since the last call.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "consensus/poa/snapshot.h"
#include "node/ledger.h"

namespace v2v::cluster {

class ChainChecker {
 public:
  // A violation, or nullopt when every invariant holds.
  std::optional<std::string> Check(const node::Ledger& ledger);
  // After the node restarted on its disk (call before Check).
  std::optional<std::string> CheckSurvived(const node::Ledger& reopened) const;
  uint64_t txs() const { return tx_height_.size(); }  // on the checked canonical chain
  uint64_t rounds_by(const std::string& rsu) const;   // trading rounds `rsu` sent, ditto

 private:
  std::optional<std::string> Init(const node::Ledger& ledger);
  std::optional<std::string> Extend(const node::Ledger& ledger, const chain::Block& block);
  std::optional<std::string> CheckSigner(const chain::BlockHeader& header,
                                         std::map<uint64_t, crypto::PublicKey>& recents) const;
  struct Checked;
  // The trading rounds and nonces of a block's transaction `tx`, recorded into `c`.
  std::optional<std::string> CheckTx(const chain::Tx& tx, uint64_t height, Checked& c);
  std::optional<std::string> CheckRound(const chain::TradingRound& round, uint64_t height,
                                        Checked& c);
  std::optional<std::string> UseNonce(const std::string& sender, uint64_t nonce, Checked& c);
  std::optional<std::string> CheckNoncesGapless(const Checked& c) const;
  std::optional<std::string> CheckState(const node::Ledger& ledger) const;
  void TruncateTo(uint64_t height);

  struct Checked {
    Hash32 hash;
    int64_t time_s;
    std::map<uint64_t, crypto::PublicKey> recents;  // recent sealers by height, after the block
    consensus::poa::Snapshot snapshot;              // after the block
    std::vector<Hash32> txs;
    std::vector<Hash32> bids;                              // inside its trading rounds
    std::vector<std::pair<std::string, uint64_t>> nonces;  // (sender, nonce), bids included
    std::vector<std::string> rounds;                       // each trading round's sender
  };
  std::vector<Checked> chain_;  // by height
  std::map<Hash32, uint64_t> tx_height_;
  std::map<Hash32, uint64_t> bid_height_;
  std::map<std::string, std::set<uint64_t>> nonces_;  // by sender
  uint64_t total_difficulty_ = 0;
  uint64_t period_s_ = 0;
  bool paper_scheme_ = true;        // the genesis names the paper's scheme (C-4.9)
  int64_t money_ = 0, energy_ = 0;  // the genesis totals
};

}  // namespace v2v::cluster
