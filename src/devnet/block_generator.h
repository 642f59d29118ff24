// The built-in development network's block generator: a small market of one CA, one RSU (the
// only sealing authority) and a few vehicles, all with keys derived from fixed names, that
// produces signed transactions and sealed blocks for a ledger. Used by `v2v chain generate`, the
// tests, the benchmarks, the fuzz targets and the cluster simulation's workload; no node runs it.
// Runs fed the same seeded random generator produce the same chain, byte for byte.
//
// Each block: the sellers' meter reports (co-signed by the buyers) for some of its vehicles' open
// escrows, refunds for those past their deadline, then one trading round of random bids built by
// the RSU (auction/round_builder.h). Randomness comes only from the caller's seeded generator
// (base::Rng, the project's portable one: the same seed gives the same chain on every platform);
// this is a client of the ledger, not part of consensus.
#pragma once

#include <string>
#include <vector>

#include "auction/round_builder.h"
#include "base/random.h"
#include "node/ledger.h"

namespace v2v::devnet {

struct BlockGeneratorOptions {
  int vehicles = 12;
  int64_t t0 = 1'700'000'000;
  int64_t block_interval_s = 70;
  double settle_probability = 0.6;  // per open escrow and block
};

// The auctioneer's parameters of the built-in market's round `round` recorded at `time`: the
// window [time - 65, time - 5] (T_limit 60 s), Table II bounds v_min 100 / c_max 300, l1 = 1,
// l2 = 5 per kWh (in millionths), radius 1 km. Shared with the testnet load generator
// (bench/bench_testnet.cc).
auction::RoundParams MarketRoundParams(uint64_t round, int64_t time);

class BlockGenerator {
 public:
  explicit BlockGenerator(BlockGeneratorOptions options = {});

  const contract::Genesis& genesis() const { return genesis_; }
  // A genesis account for `name` holding `key`, certified by the market's CA for as long as the
  // market's own accounts, with `energy_wh` and `balance`: for clients that add accounts of their
  // own to a copy of genesis() (the network simulation's RSU nodes and vehicles).
  contract::GenesisAccount Account(const std::string& name, crypto::Role role,
                                   const crypto::PublicKey& key, int64_t energy_wh,
                                   int64_t balance) const;
  const crypto::PrivateKey& authority() const { return rsu_; }
  // A sealed block on top of the ledger's head (Ledger::SealBlock: Clique difficulty; with the
  // single authority every block is in turn, difficulty 2). `sealer` defaults to the RSU
  // authority; tests with several Clique signers pass theirs.
  Result<chain::Block> NextBlock(const node::Ledger& ledger, base::Rng& rng,
                                 const crypto::PrivateKey* sealer = nullptr) const;
  // The transactions of one such block at `time` without sealing it: settlements of the open
  // escrows, then round `round`, with nonces after the ledger's head state. Used by the cluster
  // simulation's workload, whose nodes seal them.
  Result<std::vector<chain::Tx>> NextTxs(const node::Ledger& ledger, int64_t time, uint64_t round,
                                         base::Rng& rng) const;
  // The round transaction alone (signed bids, scheme, RSU signature) for network `network`
  // (contract::NetworkIdOf the ledger's genesis), with nonces taken from `state`; used by the
  // benchmark.
  Result<chain::Tx> MakeRound(chain::NetworkId network, const chain::State& state, int64_t time,
                              uint64_t round, base::Rng& rng) const;

 private:
  class Nonces;
  std::vector<chain::Tx> Settlements(chain::NetworkId network, const chain::State& state,
                                     int64_t time, Nonces& nonces, base::Rng& rng) const;
  bool IsCar(const std::string& id) const;                        // one of this market's vehicles
  const crypto::PrivateKey& CarKey(const std::string& id) const;  // REQUIRES: IsCar(id)

  BlockGeneratorOptions options_;
  crypto::PrivateKey ca_, rsu_;
  std::vector<std::string> car_ids_;
  std::vector<crypto::PrivateKey> cars_;
  contract::Genesis genesis_;
};

}  // namespace v2v::devnet
