#include "gateway/reason.h"

namespace v2v::gateway {

std::string_view ReasonName(Reason r) {
  switch (r) {
    case Reason::kMalformed:
      return "malformed";
    case Reason::kWrongKind:
      return "wrong_kind";
    case Reason::kBadSignature:
      return "bad_signature";
    case Reason::kUnknownVehicle:
      return "unknown_vehicle";
    case Reason::kKeyMismatch:
      return "key_mismatch";
    case Reason::kBadCertificate:
      return "bad_certificate";
    case Reason::kWrongRole:
      return "wrong_role";
    case Reason::kCertificateExpired:
      return "certificate_expired";
    case Reason::kCertificateNotYetValid:
      return "certificate_not_yet_valid";
    case Reason::kCertificateRevoked:
      return "certificate_revoked";
    case Reason::kClockSkew:
      return "clock_skew";
    case Reason::kBadNonce:
      return "bad_nonce";
    case Reason::kReplayed:
      return "replayed";
    case Reason::kNonceTaken:
      return "nonce_taken";
    case Reason::kWrongRsu:
      return "wrong_rsu";
    case Reason::kWrongRound:
      return "wrong_round";
    case Reason::kBidOutsideWindow:
      return "bid_outside_window";
    case Reason::kDeadlinePassed:
      return "deadline_passed";
    case Reason::kNoOpenRound:
      return "no_open_round";
    case Reason::kDuplicate:
      return "duplicate";
    case Reason::kInvalidBid:
      return "invalid_bid";
    case Reason::kInsufficientFunds:
      return "insufficient_funds";
    case Reason::kInsufficientEnergy:
      return "insufficient_energy";
    case Reason::kUnknownEscrow:
      return "unknown_escrow";
    case Reason::kNotParty:
      return "not_party";
    case Reason::kOverDelivery:
      return "over_delivery";
    case Reason::kDeadlineNotReached:
      return "deadline_not_reached";
    case Reason::kAlreadyRegistered:
      return "already_registered";
    case Reason::kUnknownRound:
      return "unknown_round";
    case Reason::kRateLimited:
      return "rate_limited";
    case Reason::kTooManySubscriptions:
      return "too_many_subscriptions";
    case Reason::kNodeSubscriptionsFull:
      return "node_subscriptions_full";
    case Reason::kRoundFull:
      return "round_full";
    case Reason::kTooManyRounds:
      return "too_many_rounds";
    case Reason::kProofRequired:
      return "proof_required";
    case Reason::kBatchTooLarge:
      return "batch_too_large";
    case Reason::kWrongNetwork:
      return "wrong_network";
    case Reason::kGridCheaper:
      return "grid_cheaper";
    case Reason::kFeedInBetter:
      return "feed_in_better";
    case Reason::kInternal:
      return "internal";
  }
  return "internal";
}

Reason FromReject(chain::Reject code) {
  switch (code) {
    case chain::Reject::kBadSignature:
      return Reason::kBadSignature;
    case chain::Reject::kBadCertificate:
      return Reason::kBadCertificate;
    case chain::Reject::kCertExpired:
      return Reason::kCertificateExpired;
    case chain::Reject::kCertNotYetValid:
      return Reason::kCertificateNotYetValid;
    case chain::Reject::kCertRevoked:
      return Reason::kCertificateRevoked;
    case chain::Reject::kWrongRole:
      return Reason::kWrongRole;
    case chain::Reject::kUnknownAccount:
      return Reason::kUnknownVehicle;
    case chain::Reject::kAlreadyRegistered:
      return Reason::kAlreadyRegistered;
    case chain::Reject::kBadNonce:
      return Reason::kBadNonce;
    case chain::Reject::kNonceTaken:
      return Reason::kNonceTaken;
    case chain::Reject::kKeyMismatch:
      return Reason::kKeyMismatch;
    case chain::Reject::kInvalidBid:
      return Reason::kInvalidBid;
    case chain::Reject::kDuplicate:
      return Reason::kDuplicate;
    case chain::Reject::kUnknownEscrow:
      return Reason::kUnknownEscrow;
    case chain::Reject::kNotParty:
      return Reason::kNotParty;
    case chain::Reject::kOverDelivery:
      return Reason::kOverDelivery;
    case chain::Reject::kDeadlinePassed:
      return Reason::kDeadlinePassed;
    case chain::Reject::kDeadlineNotReached:
      return Reason::kDeadlineNotReached;
    case chain::Reject::kWrongNetwork:
      return Reason::kWrongNetwork;
    default:
      return Reason::kMalformed;
  }
}

}  // namespace v2v::gateway
