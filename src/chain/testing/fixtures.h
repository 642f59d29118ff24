// Test fixtures shared by chain tests: fixed keys and sample transactions. Header-only; tests
// only (nothing in src/ includes it outside *_test.cc).
#pragma once

#include <array>
#include <string>

#include "chain/tx.h"
#include "crypto/ed25519.h"

namespace v2v::chain::testing {

inline crypto::PrivateKey FixedKey(uint8_t n) {
  std::array<uint8_t, 32> seed{};
  seed.fill(n);
  return std::move(crypto::PrivateKey::FromSeed(seed)).value();
}

inline Tx SampleBuyerTx(const crypto::PrivateKey& key, const std::string& id = "car-1") {
  Tx tx;
  tx.sender = id;
  tx.nonce = 1;
  BuyerBid b;
  b.rsu = "rsu-1";
  b.round = 7;
  b.v = 300;
  b.v_min = 200;
  b.v_max = 400;
  b.b_min_wh = 1000;
  b.b_max_wh = 5000;
  b.w_milli = 2500;
  b.x_m = 10;
  b.y_m = -20;
  b.timestamp_s = 1700000000;
  tx.body = b;
  SignTx(tx, key);
  return tx;
}

inline Tx SampleSellerTx(const crypto::PrivateKey& key, const std::string& id = "car-2") {
  Tx tx;
  tx.sender = id;
  tx.nonce = 1;
  SellerBid s;
  s.rsu = "rsu-1";
  s.round = 7;
  s.c = 150;
  s.c_min = 100;
  s.c_max = 200;
  s.s_t_wh = 20'000;
  s.s_r_wh = 5'000;
  s.rho_ppm = 50'000;
  s.x_m = 100;
  s.timestamp_s = 1700000000;
  tx.body = s;
  SignTx(tx, key);
  return tx;
}

}  // namespace v2v::chain::testing
