#include "chain/reject.h"

namespace v2v::chain {

std::string_view RejectName(Reject code) {
  switch (code) {
    case Reject::kMalformed:
      return "malformed";
    case Reject::kBadSignature:
      return "bad_signature";
    case Reject::kBadCertificate:
      return "bad_certificate";
    case Reject::kCertExpired:
      return "certificate_expired";
    case Reject::kCertNotYetValid:
      return "certificate_not_yet_valid";
    case Reject::kCertRevoked:
      return "certificate_revoked";
    case Reject::kWrongRole:
      return "wrong_role";
    case Reject::kUnknownAccount:
      return "unknown_account";
    case Reject::kAlreadyRegistered:
      return "already_registered";
    case Reject::kBadNonce:
      return "bad_nonce";
    case Reject::kKeyMismatch:
      return "key_mismatch";
    case Reject::kBidOutsideWindow:
      return "bid_outside_window";
    case Reject::kWindowNotClosed:
      return "window_not_closed";
    case Reject::kInvalidBid:
      return "invalid_bid";
    case Reject::kBadPrice:
      return "bad_price";
    case Reject::kOutOfRange:
      return "out_of_range";
    case Reject::kConstraintViolated:
      return "constraint_violated";
    case Reject::kNotOptimal:
      return "not_optimal";
    case Reject::kOverspend:
      return "overspend";
    case Reject::kInsufficientEnergy:
      return "insufficient_energy";
    case Reject::kUnknownEscrow:
      return "unknown_escrow";
    case Reject::kNotParty:
      return "not_party";
    case Reject::kOverDelivery:
      return "over_delivery";
    case Reject::kDeadlineNotReached:
      return "deadline_not_reached";
    case Reject::kDeadlinePassed:
      return "deadline_passed";
    case Reject::kOverflow:
      return "overflow";
    case Reject::kBadHeight:
      return "bad_height";
    case Reject::kBadParent:
      return "bad_parent";
    case Reject::kBadTxRoot:
      return "bad_tx_root";
    case Reject::kBadStateRoot:
      return "bad_state_root";
    case Reject::kBadSeal:
      return "bad_seal";
    case Reject::kConservation:
      return "conservation";
    case Reject::kDuplicate:
      return "duplicate";
    case Reject::kUnauthorizedSigner:
      return "unauthorized_signer";
    case Reject::kRecentlySigned:
      return "recently_signed";
    case Reject::kWrongDifficulty:
      return "wrong_difficulty";
    case Reject::kInvalidCheckpointVote:
      return "invalid_checkpoint_vote";
    case Reject::kMismatchingCheckpointSigners:
      return "mismatching_checkpoint_signers";
    case Reject::kCheckpointSignersOffEpoch:
      return "checkpoint_signers_off_epoch";
    case Reject::kInvalidTimestamp:
      return "invalid_timestamp";
    case Reject::kFutureBlock:
      return "future_block";
    case Reject::kBadAncestor:
      return "bad_ancestor";
    case Reject::kKnown:
      return "known";
    case Reject::kStaleNonce:
      return "stale_nonce";
    case Reject::kNonceGap:
      return "nonce_gap";
    case Reject::kNonceTaken:
      return "nonce_taken";
    case Reject::kTooManyFuture:
      return "too_many_future";
    case Reject::kMempoolFull:
      return "mempool_full";
    case Reject::kExpired:
      return "expired";
    case Reject::kPredecessorDropped:
      return "predecessor_dropped";
    case Reject::kWrongNetwork:
      return "wrong_network";
    case Reject::kStaleCertificate:
      return "stale_certificate";
    case Reject::kBeatenByGrid:
      return "beaten_by_grid";
  }
  return "unknown";
}

std::string Rejection::ToString() const {
  std::string s(RejectName(code));
  if (tx_index >= 0) s += " (tx " + std::to_string(tx_index) + ")";
  if (!detail.empty()) s += ": " + detail;
  return s;
}

}  // namespace v2v::chain
