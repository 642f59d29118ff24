// Ledger transactions (docs/model.md section 6), in integer units, and their canonical encoding.
//
// Units: energy in whole Wh; money in the smallest currency unit; prices in smallest units per
// kWh; positions in metres; times in Unix seconds; loss rates in parts per million; willingness
// in thousandths; l1 and l2 in millionths of a smallest unit per kWh^2 and per kWh.
//
// Every transaction names its network, its sender, the sender's public key and the sender's next
// nonce, and is signed by that key over SigningBytes(tx) (domain tag "v2v.tx"). The key is carried
// in the transaction so signatures can be checked without state (tx_check.h); the contract then
// checks that the key is the one the sender's certificate binds. Buyer and seller submissions
// travel inside the TradingRound of the RSU that collected them, each with its own signature (a
// bare submission in a block is rejected: it has no effect).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/certificate.h"
#include "crypto/ed25519.h"

namespace v2v::chain {

// Registration of a new account: the certificate binds sender id, role and key. The role is the
// certificate's (crypto::Role, whose values are the encoded byte).
struct Register {
  crypto::Role role = crypto::Role::kVehicle;
  Bytes certificate;
};

struct BuyerBid {  // docs/model.md section 2, step 1, role -1
  std::string rsu;
  uint64_t round = 0;
  int64_t v = 0, v_min = 0, v_max = 0;  // smallest units per kWh
  int64_t b_min_wh = 0, b_max_wh = 0;
  int64_t w_milli = 0;  // willingness * 1000, in [0, 5000]
  int64_t x_m = 0, y_m = 0;
  int64_t timestamp_s = 0;
  // The car as it is (docs/model.md section 11; names after OCPP 2.1's V2X charging parameters);
  // 0: not stated, no limit. Contract C-4.8.
  int64_t max_power_w = 0;  // maxChargePower, W
  int64_t departure_s = 0;  // its departure time, Unix s
};

struct SellerBid {  // docs/model.md section 2, step 4, role 1
  std::string rsu;
  uint64_t round = 0;
  int64_t c = 0, c_min = 0, c_max = 0;
  int64_t s_t_wh = 0, s_r_wh = 0;
  int64_t rho_ppm = 0;
  int64_t x_m = 0, y_m = 0;
  int64_t timestamp_s = 0;
  // As a buyer's (0: not stated), and the energy it must still hold at departure.
  int64_t max_power_w = 0;  // maxDischargePower, W
  int64_t departure_s = 0;  // Unix s
  int64_t target_wh = 0;
};

// One trading pair of the scheme: buyer and seller index into the round's bid lists.
struct Trade {
  uint32_t buyer = 0, seller = 0;
  int64_t volume_wh = 0;  // > 0
  int64_t price = 0;      // exact T_ij, smallest units per kWh
};

// Dual values of the volume program (market/welfare_optimizer.h), one per buyer / seller row.
struct RoundCertificate {
  std::vector<double> seller_price;                 // gamma_j >= 0
  std::vector<double> buyer_price, mu_min, mu_max;  // lambda_i, and the b_min/b_max multipliers
};

struct Tx;
// The scheme of one RSU window: the signed bids it accepted, the auctioneer's parameters, the
// allocation in whole Wh with its prices and certificate. Sent and signed by the RSU.
struct TradingRound {
  uint64_t round = 0;
  int64_t t_stamp_s = 0, t_limit_s = 0;
  int64_t v_min = 0, c_max = 0;  // Table II bounds
  int64_t l1_micro = 0, l2_micro = 0;
  int64_t radius_m = 1000;
  std::vector<Tx> buyers;     // each a signed BuyerBid, sorted by sender id
  std::vector<Tx> sellers;    // each a signed SellerBid, sorted by sender id
  std::vector<Trade> trades;  // sorted by (buyer, seller), volume > 0
  RoundCertificate certificate;
};

// Settlement by the meters (docs/model.md section 5): the seller sends, the buyer co-signs the
// same reading.
struct MeterReport {
  Hash32 escrow;
  int64_t delivered_wh = 0;
  crypto::PublicKey buyer_key;        // must be the buyer's certified key (checked with state)
  crypto::Signature buyer_signature;  // over MeterSigningBytes, checked without state
};

// Cancels an escrow whose deadline passed; sent by either party.
struct Refund {
  Hash32 escrow;
};

// Revokes a certificate on the ledger (the CRL entry every node applies at the same block): sent
// by the CA itself (sender_key = the genesis CA key). Idempotence is refused: revoking twice is
// `duplicate`, so a replay has no effect.
struct Revoke {
  Hash32 certificate;  // SHA-256 of the certificate bytes
};

// Gives a registered account a new certificate (renewal before expiry, or a new key): sent by the
// CA itself, like Revoke. It applies only while `account` still holds the certificate whose
// SHA-256 is `replaces` (compare and swap), and the replaced certificate is then revoked on the
// ledger, so it can never come back: a replay, or an older Recertify sent again, changes nothing.
// The account keeps its id, role, nonce, energy and money.
struct Recertify {
  std::string account;
  Hash32 replaces;  // SHA-256 of the account's current certificate
  Bytes certificate;
};

using TxBody = std::variant<Register, BuyerBid, SellerBid, TradingRound, MeterReport, Refund,
                            Revoke, Recertify>;

enum class TxKind : uint8_t {  // wire values; = variant index + 1
  kRegister = 1,
  kBuyerBid = 2,
  kSellerBid = 3,
  kTradingRound = 4,
  kMeterReport = 5,
  kRefund = 6,
  kRevoke = 7,
  kRecertify = 8,
};

// The network a transaction is for: the first 8 bytes, big-endian, of SHA-256 of the network's
// genesis encoding (contract::NetworkIdOf; docs/spec/contract.md C-3.0). It is signed, so bytes a
// vehicle signed for one network are refused by every other (as EIP-155's chain id does for
// Ethereum). 0 only where a unit test builds a contract without a genesis.
using NetworkId = uint64_t;

// 16 lower-case hex digits, as the APIs and the explorer show a network id.
std::string NetworkHex(NetworkId id);
// The inverse: exactly 16 hex digits; InvalidArgument otherwise.
Result<NetworkId> ParseNetworkHex(std::string_view hex);

struct Tx {
  NetworkId network = 0;
  std::string sender;
  crypto::PublicKey sender_key;
  uint64_t nonce = 0;
  TxBody body;
  crypto::Signature signature;

  TxKind kind() const { return static_cast<TxKind>(body.index() + 1); }
};

inline constexpr uint32_t kMaxIdBytes = 64;
inline constexpr uint32_t kMaxCertificateBytes = 4096;
inline constexpr uint32_t kMaxBidsPerRound = 1024;
inline constexpr uint32_t kMaxTxsPerBlock = 100000;

// The bytes the sender signs: everything but the signature.
Bytes SigningBytes(const Tx& tx);
// The full canonical encoding (signing bytes + signature).
Bytes EncodeTx(const Tx& tx);
// Strict decoding: Corruption for anything that is not exactly one canonical transaction.
Result<Tx> DecodeTx(ByteSpan bytes);
Hash32 TxHash(const Tx& tx);
// Signs tx in place with `key`, after setting sender_key.
void SignTx(Tx& tx, const crypto::PrivateKey& key);

// What the buyer co-signs in a MeterReport: the report's network, the escrow and the reading.
Bytes MeterSigningBytes(NetworkId network, const Hash32& escrow, int64_t delivered_wh);

// Not a ledger value: what a vehicle signs to subscribe to its own pushes at the RSU `rsu`
// of network `network` (docs/spec/vehicle-api.md, `vehicle_subscribe`), proving it holds
// `vehicle`'s key.
Bytes SubscribeSigningBytes(NetworkId network, std::string_view rsu, std::string_view vehicle,
                            int64_t timestamp_s);

}  // namespace v2v::chain
