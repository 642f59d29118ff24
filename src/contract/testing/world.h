// Test fixture for contract tests: a CA, one RSU and a few vehicles with fixed keys, a genesis
// and helpers that build signed bids and rounds. Header-only; tests only.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "auction/round_builder.h"
#include "chain/block.h"
#include "chain/testing/fixtures.h"
#include "contract/compact_identity.h"
#include "contract/genesis.h"
#include "contract/trading_contract.h"

namespace v2v::contract::testing {

using chain::testing::FixedKey;

struct World {
  static constexpr int64_t kT0 = 1'700'000'000;
  crypto::PrivateKey ca = FixedKey(100);
  crypto::PrivateKey rsu = FixedKey(101);
  std::vector<crypto::PrivateKey> cars;
  std::set<Hash32> revoked;
  Genesis genesis;

  explicit World(int n_cars = 4) {
    genesis.timestamp_s = kT0;
    genesis.ca_key = ca.public_key();
    genesis.authorities = {rsu.public_key()};
    genesis.accounts.push_back({crypto::Role::kRsu, Cert("rsu-1", crypto::Role::kRsu, rsu), 0, 0});
    for (int i = 0; i < n_cars; ++i) {
      cars.push_back(FixedKey(static_cast<uint8_t>(i + 1)));
      genesis.accounts.push_back({crypto::Role::kVehicle,
                                  Cert(CarId(i), crypto::Role::kVehicle, cars.back()), 50'000,
                                  1'000'000});
    }
  }

  static std::string CarId(int i) { return "car-" + std::to_string(i); }

  Bytes Cert(const std::string& id, crypto::Role role, const crypto::PrivateKey& key,
             int64_t not_before = kT0 - 1000, int64_t not_after = kT0 + 100000) const {
    return IssueCompactCertificate(ca, {id, role, key.public_key(), not_before, not_after});
  }

  CompactIdentityVerifier Verifier() const {
    return CompactIdentityVerifier(ca.public_key(), revoked);
  }

  chain::State GenesisStateOrDie() const {
    auto v = Verifier();
    return std::move(GenesisState(genesis, v)).value();
  }

  chain::Tx Buyer(int car, uint64_t nonce, int64_t ts, int64_t v = 300) const {
    chain::Tx tx;
    tx.sender = CarId(car);
    tx.nonce = nonce;
    tx.body = chain::BuyerBid{"rsu-1", 1, v, 200, 400, 1000, 5000, 3000, 0, 0, ts};
    chain::SignTx(tx, cars[static_cast<size_t>(car)]);
    return tx;
  }

  chain::Tx Seller(int car, uint64_t nonce, int64_t ts, int64_t c = 150) const {
    chain::Tx tx;
    tx.sender = CarId(car);
    tx.nonce = nonce;
    tx.body = chain::SellerBid{"rsu-1", 1, c, 100, 200, 20'000, 5'000, 50'000, 100, 0, ts};
    chain::SignTx(tx, cars[static_cast<size_t>(car)]);
    return tx;
  }

  static auction::RoundParams Params() {
    auction::RoundParams p;
    p.round = 1;
    p.t_stamp_s = kT0;
    p.t_limit_s = 60;
    p.v_min = 100;
    p.c_max = 250;
    p.l1_micro = 1'000'000;  // 1 unit per kWh^2
    p.l2_micro = 10'000'000;
    return p;
  }

  // A signed round of buyers {0, 1} and sellers {2, 3}, bids at kT0 + 10.
  chain::Tx Round(uint64_t rsu_nonce = 1) const {
    auto built = auction::BuildRound(Params(), {Buyer(0, 1, kT0 + 10), Buyer(1, 1, kT0 + 10, 350)},
                                     {Seller(2, 1, kT0 + 10), Seller(3, 1, kT0 + 10, 120)});
    return SignRound(std::move(built).value().round, rsu_nonce);
  }

  chain::Tx SignRound(chain::TradingRound r, uint64_t nonce) const {
    chain::Tx tx;
    tx.sender = "rsu-1";
    tx.nonce = nonce;
    tx.body = std::move(r);
    chain::SignTx(tx, rsu);
    return tx;
  }

  static chain::Block MakeBlock(int64_t time, std::vector<chain::Tx> txs) {
    chain::Block b;
    b.header.timestamp_s = time;
    b.txs = std::move(txs);
    return b;
  }
};

}  // namespace v2v::contract::testing
