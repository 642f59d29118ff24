#include "gateway/vehicle_checks.h"

#include <algorithm>

#include "base/bytes.h"
#include "chain/tx_check.h"
#include "contract/grid_screen.h"
#include "contract/trading_contract.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "market/bid_bounds.h"

namespace v2v::gateway {

std::optional<Refusal> CheckSigned(const chain::Tx& tx) {
  auto r = chain::CheckTxStateless(tx);
  if (!r) return std::nullopt;
  return Refuse(FromReject(r->code), r->detail);
}

std::optional<Refusal> CheckOnLedger(const chain::Tx& tx, const chain::State& state,
                                     const contract::ContractParams& params,
                                     const contract::IdentityVerifier& verifier, int64_t now_s) {
  const contract::TxVerdict v =
      contract::CheckTx(state, tx, params, verifier,
                        {now_s, contract::NonceRule::kAfterCommitted, /*stateless_checked=*/true});
  const chain::Rejection* why = contract::RejectionOf(v);
  if (const contract::NotYet* wait = contract::NotYetOf(v)) why = &wait->why;
  if (why == nullptr) return std::nullopt;
  return Refuse(FromReject(why->code), why->detail);
}

std::optional<Refusal> CheckVehicleKey(const std::string& id, const crypto::PublicKey& key,
                                       const chain::State& state,
                                       const contract::IdentityVerifier& verifier, int64_t now_s) {
  // The contract's own rule (C-3.2 but the nonce), as a block at now_s would apply it.
  auto r = contract::CheckSigner(state, id, key, crypto::Role::kVehicle, verifier, now_s);
  if (!r) return std::nullopt;
  return Refuse(FromReject(r->code), r->ToString());
}

std::optional<Refusal> CheckSender(const chain::Tx& tx, const chain::State& state,
                                   const contract::IdentityVerifier& verifier, int64_t now_s) {
  return CheckVehicleKey(tx.sender, tx.sender_key, state, verifier, now_s);
}

std::optional<Refusal> CheckKeyProof(chain::NetworkId network, const std::string& rsu,
                                     const std::string& vehicle, const KeyProof& proof,
                                     const chain::State& state,
                                     const contract::IdentityVerifier& verifier, int64_t now_s) {
  if (auto r = CheckSkew(proof.timestamp_s, now_s)) return r;
  if (!crypto::Verify(proof.key,
                      chain::SubscribeSigningBytes(network, rsu, vehicle, proof.timestamp_s),
                      proof.signature)) {
    return Refuse(Reason::kBadSignature,
                  "the proof does not verify for " + vehicle + " at " + rsu + " at its timestamp");
  }
  return CheckVehicleKey(vehicle, proof.key, state, verifier, now_s);
}

std::optional<Refusal> CheckSkew(int64_t timestamp_s, int64_t now_s) {
  if (timestamp_s > now_s + kMaxSkewS || timestamp_s < now_s - kMaxSkewS) {
    return Refuse(Reason::kClockSkew, "timestamp " + std::to_string(timestamp_s) +
                                          " vs server time " + std::to_string(now_s) + " (bound " +
                                          std::to_string(kMaxSkewS) + " s)");
  }
  return std::nullopt;
}

std::optional<Refusal> CheckWindow(int64_t timestamp_s, int64_t t_stamp_s, int64_t t_limit_s) {
  if (!contract::InWindow(timestamp_s, t_stamp_s, t_limit_s)) {
    return Refuse(Reason::kBidOutsideWindow, "timestamp " + std::to_string(timestamp_s) +
                                                 " outside [T_stamp, T_stamp + " + "T_limit] = [" +
                                                 std::to_string(t_stamp_s) + ", " +
                                                 std::to_string(t_stamp_s + t_limit_s) + "]");
  }
  return std::nullopt;
}

namespace {
Refusal Bound(market::BidBound bound, std::string detail) {
  Refusal r = Refuse(Reason::kInvalidBid, std::move(detail));
  r.bound = market::BidBoundName(bound);
  return r;
}
}  // namespace

int64_t MaxPayment(const chain::BuyerBid& b, const AuctionParams& p) {
  return chain::Payment(std::max(b.v_max, p.c_max), b.b_max_wh) +
         chain::Payment(p.network_fee, b.b_max_wh) + p.payment_rounding_slack;
}

std::optional<Refusal> CheckBuyer(const chain::BuyerBid& b, const AuctionParams& p,
                                  const chain::Account& account, int64_t reserved_money) {
  switch (const market::BidBound broken =
              market::BuyerBoundBroken(p.v_min, b.v, b.v_min, b.v_max)) {
    case market::BidBound::kNone:
      break;
    case market::BidBound::kVMin:
      return Bound(broken, "v_min " + std::to_string(b.v_min) + " < the RSU's v^min " +
                               std::to_string(p.v_min));
    default:
      return Bound(broken, "v outside [v_min, v_max]");
  }
  if (account.balance - reserved_money < MaxPayment(b, p)) {
    return Refuse(Reason::kInsufficientFunds,
                  "balance below the largest payment this bid can lead to (" +
                      std::to_string(MaxPayment(b, p)) + ")");
  }
  return std::nullopt;
}

std::optional<Refusal> CheckSeller(const chain::SellerBid& s, const AuctionParams& p,
                                   const chain::Account& account, int64_t reserved_energy_wh) {
  switch (const market::BidBound broken =
              market::SellerBoundBroken(p.c_max, s.c, s.c_min, s.c_max)) {
    case market::BidBound::kNone:
      break;
    case market::BidBound::kCMax:
      return Bound(broken, "c_max " + std::to_string(s.c_max) + " > the RSU's c^max " +
                               std::to_string(p.c_max));
    default:
      return Bound(broken, "c outside [c_min, c_max]");
  }
  if (s.s_t_wh > account.energy_wh - reserved_energy_wh) {
    return Refuse(Reason::kInsufficientEnergy, "s_t above the account's energy");
  }
  return std::nullopt;
}

std::optional<Refusal> CheckBuyerBeatsGrid(const chain::BuyerBid& b,
                                           const market::GridTariff* tariff, int64_t t_stamp_s) {
  if (tariff == nullptr) return std::nullopt;
  const contract::BuyerCap c = contract::BuyerCapOf(*tariff, t_stamp_s, b);
  if (c.verdict == market::GridVerdict::kBeatsGrid) return std::nullopt;
  return Refuse(GridReason(c.verdict),
                market::GridVerdictDetail(c.verdict, c.cap, tariff->feed_in));
}

Reason GridReason(market::GridVerdict v) {
  return v == market::GridVerdict::kGridCheaper ? Reason::kGridCheaper : Reason::kFeedInBetter;
}

}  // namespace v2v::gateway
