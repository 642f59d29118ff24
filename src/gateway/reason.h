// Why the gateway refuses a vehicle's message (docs/spec/vehicle-api.md "Errors"): a typed code
// that travels to the vehicle as `data.reason`, never parsed back from text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "chain/reject.h"

namespace v2v::gateway {

enum class Reason : uint8_t {
  kMalformed,
  kWrongKind,
  kBadSignature,
  kUnknownVehicle,
  kKeyMismatch,
  kBadCertificate,
  kWrongRole,
  kCertificateExpired,
  kCertificateNotYetValid,
  kCertificateRevoked,
  kClockSkew,
  kBadNonce,
  kReplayed,
  kNonceTaken,
  kWrongRsu,
  kWrongRound,
  kBidOutsideWindow,
  kDeadlinePassed,
  kNoOpenRound,
  kDuplicate,
  kInvalidBid,
  kInsufficientFunds,
  kInsufficientEnergy,
  kUnknownEscrow,
  kNotParty,
  kOverDelivery,
  kDeadlineNotReached,
  kAlreadyRegistered,
  kUnknownRound,
  kRateLimited,
  kTooManySubscriptions,
  kNodeSubscriptionsFull,
  kRoundFull,
  kTooManyRounds,
  kProofRequired,
  kBatchTooLarge,
  kWrongNetwork,
  kGridCheaper,   // a buyer: the area's grid costs it no more than any seller takes (C-4.7)
  kFeedInBetter,  // a seller: feeding in earns it at least what any buyer in its round pays
  kInternal,
};

std::string_view ReasonName(Reason r);

// A refusal: the code, words for a person, and the fields some codes carry.
struct Refusal {
  Reason reason = Reason::kInternal;
  std::string detail;
  std::optional<uint64_t> expected_nonce;  // bad_nonce, replayed, nonce_taken
  std::optional<uint64_t> round;           // wrong_round: the open (or next) round
  std::optional<int64_t> deadline_s;       // deadline_passed
  std::string bound;                       // invalid_bid: v_min, v, c_max or c
};

inline Refusal Refuse(Reason r, std::string detail) {
  return Refusal{r, std::move(detail), {}, {}, {}, {}};
}

// The gateway code for a ledger rejection (certificate, signature and structure codes).
Reason FromReject(chain::Reject code);

// The refusal for a transaction the node would not admit: a rule it broke travels as its own
// code (FromReject); the node's own failure (its store, say) is `internal`, not the sender's.
// REQUIRES: !answer.ok().
template <typename T>
Refusal FromNodeAnswer(const chain::ValidationResult<T>& answer) {
  if (answer.invalid()) {
    return Refuse(FromReject(answer.rejection().code),
                  "the node refused it: " + answer.rejection().detail);
  }
  return Refuse(Reason::kInternal, "the node failed: " + answer.error_status().message());
}

}  // namespace v2v::gateway
