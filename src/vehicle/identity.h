// A vehicle's identity as `v2v ca issue` writes it (DIR/cert.pem, DIR/key.pem), and the signed
// transactions it sends (docs/spec/vehicle-api.md). The key stays in this process: only
// signatures leave it.
#pragma once

#include <string>

#include "base/result.h"
#include "chain/tx.h"
#include "crypto/ed25519.h"

namespace v2v::vehicle {

struct Identity {
  std::string id;  // the certificate's subject (the ledger account id)
  crypto::PrivateKey key;
  Bytes certificate_der;
  // The network it signs for (chain::Tx::network). LoadIdentity leaves it 0; a trader learns it
  // from its RSU (vehicle_getRound's `network`) before it signs anything.
  chain::NetworkId network = 0;
};
// Reads DIR/cert.pem and DIR/key.pem; the key must be the certificate's.
Result<Identity> LoadIdentity(const std::string& dir);

struct BuyerTerms {
  int64_t v = 0, v_min = 0, v_max = 0;  // smallest units per kWh
  int64_t b_min_wh = 0, b_max_wh = 0;
  int64_t w_milli = 0;
  int64_t x_m = 0, y_m = 0;
  // The car as it is (contract C-4.8; 0: not stated): its charge power and how long it stays
  // after the bid (the bid's departure_s is its timestamp + stay_s).
  int64_t max_power_w = 0, stay_s = 0;
};
struct SellerTerms {
  int64_t c = 0, c_min = 0, c_max = 0;
  int64_t s_t_wh = 0, s_r_wh = 0;
  int64_t rho_ppm = 0;
  int64_t x_m = 0, y_m = 0;
  int64_t max_power_w = 0, stay_s = 0;  // as a buyer's
  int64_t target_wh = 0;                // the energy it must still hold at departure
};

chain::Tx SignBuyerBid(const Identity& me, uint64_t nonce, const std::string& rsu, uint64_t round,
                       const BuyerTerms& t, int64_t timestamp_s);
chain::Tx SignSellerBid(const Identity& me, uint64_t nonce, const std::string& rsu, uint64_t round,
                        const SellerTerms& t, int64_t timestamp_s);
chain::Tx SignMeterReport(const Identity& me, uint64_t nonce, const Hash32& escrow,
                          int64_t delivered_wh, const crypto::PublicKey& buyer_key,
                          const crypto::Signature& buyer_signature);
chain::Tx SignRefund(const Identity& me, uint64_t nonce, const Hash32& escrow);
// The buyer's co-signature of its meter reading (chain::MeterSigningBytes).
crypto::Signature CosignReading(const Identity& me, const Hash32& escrow, int64_t delivered_wh);
// The proof of this vehicle's key that a `vehicle` subscription at the RSU `rsu` carries
// (chain::SubscribeSigningBytes; docs/spec/vehicle-api.md).
crypto::Signature SignSubscription(const Identity& me, const std::string& rsu, int64_t timestamp_s);

std::string Hex(const chain::Tx& tx);  // the canonical encoding, hex

}  // namespace v2v::vehicle
