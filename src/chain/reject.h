// Typed rejection reasons for transactions and blocks (like bitcoin's validation.h).
//
// A Rejection means "invalid by the rules": the input is refused and state is unchanged.
// Runtime failures (I/O) are Status values instead. Codes are stable: they may be printed,
// persisted or sent to a peer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace v2v::chain {

enum class Reject : uint16_t {
  kMalformed = 1,            // bytes do not decode, or a field breaks its structural range
  kBadSignature = 2,         // a signature does not verify against the stated key
  kBadCertificate = 3,       // certificate not issued by the CA / unparsable
  kCertExpired = 4,
  kCertNotYetValid = 5,
  kCertRevoked = 6,
  kWrongRole = 7,            // certificate role differs from the one the transaction needs
  kUnknownAccount = 8,
  kAlreadyRegistered = 9,
  kBadNonce = 10,            // not the sender's next nonce (replay or gap)
  kKeyMismatch = 11,         // the stated key is not the account's certified key
  kBidOutsideWindow = 12,    // bid timestamp outside [T_stamp, T_stamp + T_limit]
  kWindowNotClosed = 13,     // round recorded before T_stamp + T_limit, or too late
  kInvalidBid = 14,          // Algorithm 1 bounds (SPEC 2)
  kBadPrice = 15,            // recorded price differs from the exact Theorem 1 price
  kOutOfRange = 16,          // pair farther apart than the radius
  kConstraintViolated = 17,  // allocation breaks a constraint of the volume program
  kNotOptimal = 18,          // allocation does not match its optimality certificate
  kOverspend = 19,           // buyer balance below the escrowed payment
  kInsufficientEnergy = 20,  // seller energy below what it must deliver plus loss
  kUnknownEscrow = 21,
  kNotParty = 22,            // sender is not a party to the escrow
  kOverDelivery = 23,        // metered energy above the scheduled volume
  kDeadlineNotReached = 24,  // refund before the escrow's deadline
  kDeadlinePassed = 25,      // meter report after the escrow's deadline
  kOverflow = 26,            // arithmetic would leave the int64 range
  kBadHeight = 27,
  kBadParent = 28,
  kBadTimestamp = 29,
  kBadTxRoot = 30,
  kBadStateRoot = 31,
  kBadSeal = 32,
  kUnauthorizedSealer = 33,  // pre-Clique (any genesis authority); no longer produced
  kConservation = 34,        // money or energy not conserved (a bug if ever seen)
  kDuplicate = 35,           // the same bidder twice in one round
  // Clique (EIP-225) header rules; names equal consensus::poa::CliqueErrorCode's.
  kUnauthorizedSigner = 36,           // sealer not in the signer set
  kRecentlySigned = 37,               // sealer sealed one of the last floor(N/2) blocks
  kWrongDifficulty = 38,              // difficulty does not match the sealer's turn
  kInvalidCheckpointVote = 39,        // a checkpoint block carries a vote
  kMismatchingCheckpointSigners = 40,  // checkpoint list != the parent snapshot's signers
  kCheckpointSignersOffEpoch = 41,    // a non-checkpoint block lists signers
  kInvalidTimestamp = 42,             // earlier than parent + period
  kFutureBlock = 43,                  // ahead of the local clock + allowed future
  kBadAncestor = 44,                  // descends from a block found invalid
};

std::string_view RejectName(Reject code);

struct Rejection {
  Reject code = Reject::kMalformed;
  std::string detail;
  int tx_index = -1;  // index in the block, -1 when not about one transaction

  std::string ToString() const;
  // InvalidArgument("<name>: <detail>"), for module boundaries that speak Status.
  Status ToStatus() const { return Status::InvalidArgument(ToString()); }
};

inline Rejection Rejected(Reject code, std::string detail) { return {code, std::move(detail), -1}; }

}  // namespace v2v::chain
