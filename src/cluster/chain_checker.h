// The invariants the cluster simulation checks on one node after every step, independently of
// the ledger's own code paths:
//  - the canonical chain is valid under Clique: each block links to its parent, is one higher,
//    keeps the period, carries a valid seal and tx root; its sealer is a signer that is not
//    among the recent sealers and its difficulty says whether it was in turn (restated here),
//    and Snapshot::Apply accepts it from the parent's snapshot (votes, checkpoints);
//  - no transaction appears twice on the canonical chain;
//  - the head state conserves money and energy (the genesis totals, no negative amounts) and
//    hashes to the head's state root;
//  - across a crash: every block of the canonical chain seen before it is still stored after
//    the restart, and the head's total difficulty did not go down.
// The chain is re-checked only from where it changed since the last call.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
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

 private:
  std::optional<std::string> Init(const node::Ledger& ledger);
  std::optional<std::string> Extend(const node::Ledger& ledger, const chain::Block& block);
  std::optional<std::string> CheckSigner(const chain::BlockHeader& header,
                                         std::map<uint64_t, crypto::PublicKey>& recents) const;
  std::optional<std::string> CheckState(const node::Ledger& ledger) const;
  void TruncateTo(uint64_t height);

  struct Checked {
    Hash32 hash;
    int64_t time_s;
    std::map<uint64_t, crypto::PublicKey> recents;  // recent sealers by height, after the block
    consensus::poa::Snapshot snapshot;              // after the block
    std::vector<Hash32> txs;
  };
  std::vector<Checked> chain_;  // by height
  std::map<Hash32, uint64_t> tx_height_;
  uint64_t total_difficulty_ = 0;
  uint64_t period_s_ = 0;
  int64_t money_ = 0, energy_ = 0;  // the genesis totals
};

}  // namespace v2v::cluster
