// Typed rejection reasons for transactions and blocks, and the result of validating an input
// from outside (like bitcoin's src/consensus/validation.h).
//
// A Rejection means "invalid by the rules": the input is refused and state is unchanged; the
// sender is at fault (a peer that sent it may be penalised). Our own failures (an IoError or a
// Corruption of our own store) are Status values instead and are nobody else's fault.
// ValidationResult<T> keeps the two apart so that callers decide by kind, never by text.
// Codes are stable: they may be printed, persisted, sent to a peer or returned by the RPC
// (RejectName is the wire name).
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "base/status.h"

namespace v2v::chain {

// Values 29 and 33 were retired (bad_timestamp, unauthorized_sealer: never produced); they are
// not reused.
enum class Reject : uint16_t {
  kMalformed = 1,       // bytes do not decode, or a field breaks its structural range
  kBadSignature = 2,    // a signature does not verify against the stated key
  kBadCertificate = 3,  // certificate not issued by the CA / unparsable
  kCertExpired = 4,
  kCertNotYetValid = 5,
  kCertRevoked = 6,
  kWrongRole = 7,  // certificate role differs from the one the transaction needs
  kUnknownAccount = 8,
  kAlreadyRegistered = 9,
  kBadNonce = 10,            // not the sender's next nonce (replay or gap)
  kKeyMismatch = 11,         // the stated key is not the account's certified key
  kBidOutsideWindow = 12,    // bid timestamp outside [T_stamp, T_stamp + T_limit]
  kWindowNotClosed = 13,     // round recorded before T_stamp + T_limit, or too late
  kInvalidBid = 14,          // Algorithm 1 bounds (docs/model.md section 2)
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
  kBadHeight = 27,           // not its parent's height + 1
  kBadParent = 28,
  kBadTxRoot = 30,
  kBadStateRoot = 31,
  kBadSeal = 32,
  kConservation = 34,  // money or energy not conserved (a bug if ever seen)
  kDuplicate = 35,     // the same bidder twice in one round; a transaction already pending
  // Clique (EIP-225) header rules, produced by consensus/poa (snapshot.h, engine.h).
  kUnauthorizedSigner = 36,            // sealer not in the signer set
  kRecentlySigned = 37,                // sealer sealed one of the last floor(N/2) blocks
  kWrongDifficulty = 38,               // difficulty does not match the sealer's turn
  kInvalidCheckpointVote = 39,         // a checkpoint block carries a vote
  kMismatchingCheckpointSigners = 40,  // checkpoint list != the parent snapshot's signers
  kCheckpointSignersOffEpoch = 41,     // a non-checkpoint block lists signers
  kInvalidTimestamp = 42,              // earlier than parent + period
  kFutureBlock = 43,                   // ahead of the local clock + allowed future
  kBadAncestor = 44,                   // descends from a block found invalid
  // The node's mempool (node/mempool.h MempoolReject, same names): a transaction it will not
  // hold now. These refuse a submission; a peer that gossips one is not penalised (a race).
  // (A transaction already pending is kDuplicate.)
  kKnown = 45,          // the head state already holds it
  kStaleNonce = 46,     // nonce at or below the sender's committed nonce
  kNonceGap = 47,       // nonce too far ahead of the committed nonce
  kNonceTaken = 48,     // another pending transaction of the sender has this nonce
  kTooManyFuture = 49,  // the sender has too many transactions waiting for an earlier nonce
  kMempoolFull = 50,    // the pool holds its maximum
  // Why the mempool let go of a pending transaction that no block took (node/mempool.h
  // MempoolDrop; the node tells the vehicle gateway, docs/spec/node.md N4.2). Besides these, a
  // drop carries the contract's code (refused while sealing) or kStaleNonce (a bid inside it).
  kExpired = 51,             // pending longer than the mempool's lifetime
  kPredecessorDropped = 52,  // an earlier nonce of its sender was dropped: it could never apply
  kWrongNetwork = 53,        // signed for another network (Tx::network; contract C-3.0)
  kStaleCertificate = 54,    // a Recertify's account no longer holds the certificate it replaces
  kBeatenByGrid = 55,        // a round holds a bid the area's grid beats (contract C-4.7)
};

std::string_view RejectName(Reject code);

struct Rejection {
  Reject code = Reject::kMalformed;
  std::string detail;
  int tx_index = -1;  // index in the block, -1 when not about one transaction

  // "<name>[ (tx i)][: <detail>]", for logs and messages (never parsed back).
  std::string ToString() const;
  // InvalidArgument with ToString() as message, for outputs that only report (CLI, logs).
  Status ToStatus() const { return Status::InvalidArgument(ToString()); }
};

inline Rejection Rejected(Reject code, std::string detail) { return {code, std::move(detail), -1}; }

// The value of a successful validation that yields nothing.
struct Valid {};

// Why a validation did not yield a value: a Rejection or our own failure (a non-OK Status).
using ValidationFailure = std::variant<Rejection, Status>;

// A value; or "invalid by the rules" (a Rejection); or our own failure (a non-OK Status:
// IoError, Corruption, ...; where a function documents it, NotFound for a missing parent).
// There is deliberately no status(): V2V_ASSIGN_OR_RETURN would turn a rejection into text.
// Propagate with V2V_VALIDATED_OR_RETURN, report with ToStatus().
// REQUIRES: value() only when ok(); rejection() only when invalid(); failure() only when !ok().
template <typename T>
class [[nodiscard]] ValidationResult {
 public:
  ValidationResult(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  ValidationResult(Rejection r) : v_(std::move(r)) {}      // NOLINT: implicit by design
  ValidationResult(Status error) : v_(std::move(error)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "a ValidationResult error must not be OK");
  }
  ValidationResult(ValidationFailure f)  // NOLINT: implicit by design
      : v_(std::visit(
            [](auto&& why) -> std::variant<T, Rejection, Status> { return std::move(why); },
            std::move(f))) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  // Refused by the rules (the input's fault).
  bool invalid() const { return std::holds_alternative<Rejection>(v_); }
  // Not a verdict on the input: our own failure (or a documented NotFound).
  bool error() const { return std::holds_alternative<Status>(v_); }
  const Rejection& rejection() const {
    assert(invalid());
    return std::get<Rejection>(v_);
  }
  // Our own failure. REQUIRES: error().
  const Status& error_status() const {
    assert(error());
    return std::get<Status>(v_);
  }
  ValidationFailure failure() const {
    if (invalid()) return rejection();
    return error_status();
  }
  // OK; the rejection as Rejection::ToStatus(); or the error itself. For reporting only.
  Status ToStatus() const {
    if (ok()) return Status::Ok();
    if (invalid()) return rejection().ToStatus();
    return error_status();
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Rejection, Status> v_;
};

// A validation that yields no value.
using ValidationStatus = ValidationResult<Valid>;

// The rejection's code, or nullopt if `r` is not a rejection (a value or our own failure).
template <typename T>
std::optional<Reject> RejectionCode(const ValidationResult<T>& r) {
  return r.invalid() ? std::optional<Reject>(r.rejection().code) : std::nullopt;
}

}  // namespace v2v::chain

// Declares `lhs` from a ValidationResult expression, or returns its failure (rejection or error)
// unchanged from the enclosing function (which returns a ValidationResult).
#define V2V_VALIDATED_OR_RETURN(lhs, expr) \
  V2V_VALIDATED_OR_RETURN_IMPL_(V2V_VALIDATED_CONCAT_(v2v_validated_, __LINE__), lhs, expr)
#define V2V_VALIDATED_CONCAT_INNER_(a, b) a##b
#define V2V_VALIDATED_CONCAT_(a, b) V2V_VALIDATED_CONCAT_INNER_(a, b)
#define V2V_VALIDATED_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.failure();                \
  lhs = std::move(tmp).value()
