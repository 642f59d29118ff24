// The cluster simulation's genesis and pre-built clients: the built-in market
// (devnet::BlockGenerator: one CA, the auctioneer "rsu-1" and a dozen vehicles, keys from fixed
// seeds) submitting signed trading rounds with the sellers' meter reports (co-signed by the
// buyers) and the buyers' refunds past the escrow deadline. The genesis also registers each node
// as an auctioneer RSU account (its round book signs rounds with the node's key) and the
// simulated vehicles that bid at the nodes' round books (bidders.h), certified by the same CA.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/random.h"
#include "contract/genesis.h"
#include "crypto/ed25519.h"
#include "devnet/block_generator.h"
#include "node/service.h"

namespace v2v::cluster {

// An account the genesis registers: its id and the key its certificate binds.
struct Party {
  std::string id;
  crypto::PublicKey key;
};

// The key of the cluster's account `id` (a node or a vehicle), from a fixed seed.
crypto::PrivateKey SeededKey(const std::string& id);

class Workload {
 public:
  // The genesis of a cluster whose nodes (the authorities, and RSU accounts) are `nodes` (Clique
  // period 2 s, escrow deadline 20 s, so refunds happen within a run), with `vehicles` holding
  // money and energy.
  Workload(const std::vector<Party>& nodes, const std::vector<Party>& vehicles);
  const contract::Genesis& genesis() const { return genesis_; }
  int64_t genesis_time_s() const { return genesis_.timestamp_s; }

  // One batch (settlements, then the next round) built on `node`'s head state at `now_s`,
  // submitted to it; returns how many it admitted. Nothing when a nonce it would use is taken by
  // a transaction pending there (the market's previous batch). The market draws from a generator
  // of its own seeded by one draw of `rng`, so its draws do not shift the caller's stream.
  size_t SubmitBatch(node::NodeService& node, int64_t now_s, base::Rng& rng);
  uint64_t submitted() const { return submitted_; }

 private:
  devnet::BlockGenerator market_;
  contract::Genesis genesis_;
  uint64_t next_round_ = 1;
  uint64_t submitted_ = 0;
};

}  // namespace v2v::cluster
