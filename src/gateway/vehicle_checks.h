// Step 2 of a trading round (docs/model.md section 2) as pure checks over the head state: who
// sent a vehicle transaction (account, certified key, certificate valid now and not revoked on the
// ledger), its timestamp against the server clock, and Algorithm 1's bounds against this RSU's
// auctioneer parameters; and the proof of a vehicle's key that a `vehicle` subscription carries.
// Nonces and rounds are the RoundBook's (round_book.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "chain/state.h"
#include "chain/tx.h"
#include "contract/genesis.h"
#include "contract/identity.h"
#include "gateway/reason.h"
#include "gateway/wire.h"
#include "market/grid_tariff.h"

namespace v2v::gateway {

// This RSU's auctioneer (Table II bounds and the volume program's l1, l2, radius).
struct AuctionParams {
  int64_t v_min = 100, c_max = 300;
  int64_t l1_micro = 1'000'000, l2_micro = 5'000'000;
  int64_t radius_m = 1000;
  // The network fee per kWh of this RSU's area (contract C-4.7), from the genesis: the RoundBook
  // sets it (contract::NetworkFeeOf); a buyer pays it on top of the price.
  int64_t network_fee = 0;
  // Smallest units a buyer's escrow may hold above Payment(top price) + Payment(network fee): 1 on
  // a McAfee chain (contract C-4.9), whose escrow is Payment(a_q, x) + Payment(fee + b_q - a_q, x),
  // which is below (a_q x + (fee + b_q - a_q) x + 1000) / 1000, while the two payments here are
  // above (b_q x + fee x + 1000) / 1000 - 2 (b_q <= top); 0 otherwise. The RoundBook sets it.
  int64_t payment_rounding_slack = 0;
};

inline constexpr int64_t kMaxSkewS = 5;

// Structure and every signature (chain::CheckTxStateless), as a gateway refusal.
std::optional<Refusal> CheckSigned(const chain::Tx& tx);

// The contract's own verdict (contract::CheckTx: the rules a block applies, not restated here) on
// a vehicle's transaction against the head state `state` at the server time `now_s`, as a gateway
// refusal. REQUIRES: CheckSigned(tx) passed. Its nonce is judged as a pending transaction's (above
// the committed one; the RoundBook sequences its own, CheckNonce). Not yet (a refund before its
// escrow's deadline) is refused with the rule's code, `deadline_not_reached`: the RSU does not
// hold a vehicle's transaction for later.
std::optional<Refusal> CheckOnLedger(const chain::Tx& tx, const chain::State& state,
                                     const contract::ContractParams& params,
                                     const contract::IdentityVerifier& verifier, int64_t now_s);

// `id` is a registered vehicle, `key` is the key its certificate binds, and the certificate is
// valid at `now_s` and not revoked on the ledger: the contract's rule (contract::CheckSigner).
std::optional<Refusal> CheckVehicleKey(const std::string& id, const crypto::PublicKey& key,
                                       const chain::State& state,
                                       const contract::IdentityVerifier& verifier, int64_t now_s);

// The sender of `tx` passes CheckVehicleKey with the key that signed `tx`.
std::optional<Refusal> CheckSender(const chain::Tx& tx, const chain::State& state,
                                   const contract::IdentityVerifier& verifier, int64_t now_s);

// A `vehicle` subscription's proof at the RSU `rsu` of network `network`: fresh (CheckSkew), a
// signature by proof.key over chain::SubscribeSigningBytes(network, rsu, vehicle, timestamp), and
// proof.key is `vehicle`'s (CheckVehicleKey). A proof made for another network, RSU or vehicle is
// `bad_signature`.
std::optional<Refusal> CheckKeyProof(chain::NetworkId network, const std::string& rsu,
                                     const std::string& vehicle, const KeyProof& proof,
                                     const chain::State& state,
                                     const contract::IdentityVerifier& verifier, int64_t now_s);

// |timestamp - now| <= kMaxSkewS: the freshness of what a vehicle signed.
std::optional<Refusal> CheckSkew(int64_t timestamp_s, int64_t now_s);

// A bid's signed timestamp lies in its round's window [T_stamp, T_stamp + T_limit], as the
// contract checks every bid of a round on chain (docs/spec/contract.md C-4.1). T_stamp is the
// RSU's time of acceptance of the opening request, never a vehicle's timestamp.
std::optional<Refusal> CheckWindow(int64_t timestamp_s, int64_t t_stamp_s, int64_t t_limit_s);

// Algorithm 1 (its bounds: market/bid_bounds.h, as the contract checks them, C-4.2) and what the
// escrow will need: the buyer can pay b_max at the highest price a trade can reach
// (max(v_max, c^max)); the seller holds s_t. `reserved_*`: what this vehicle's
// pending bids at this RSU already hold.
std::optional<Refusal> CheckBuyer(const chain::BuyerBid& b, const AuctionParams& p,
                                  const chain::Account& account, int64_t reserved_money);
std::optional<Refusal> CheckSeller(const chain::SellerBid& s, const AuctionParams& p,
                                   const chain::Account& account, int64_t reserved_energy_wh);

// The grid model on chain (contract C-4.7): under the area's `tariff` (none: nothing to check), a
// buyer whose outside option at the round's T_stamp is at or below the feed-in price is refused
// `grid_cheaper`, as the round builder would leave it out (contract/grid_screen.h). A seller's
// verdict needs the round's buyers: the round builder gives it (`feed_in_better`, bid_dropped).
std::optional<Refusal> CheckBuyerBeatsGrid(const chain::BuyerBid& b,
                                           const market::GridTariff* tariff, int64_t t_stamp_s);

// Refusal code of a grid verdict other than kBeatsGrid.
Reason GridReason(market::GridVerdict v);

// The most a buyer bid can lead to paying (escrowed), used for the funds check and reservation:
// b_max at the highest price a trade can reach, plus the network fee.
int64_t MaxPayment(const chain::BuyerBid& b, const AuctionParams& p);

}  // namespace v2v::gateway
