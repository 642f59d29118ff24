// Who signed: the contract's port to certificate checking.
//
// The contract never parses certificates itself: it asks an IdentityVerifier whether a
// certificate is valid at the block's time for the expected role, and which identity and key it
// binds. The node wiring (node::DefaultVerifierFactory) plugs in X509IdentityVerifier (X.509
// chained to the genesis CA certificate, with its CRL) when the genesis has a CA certificate, and
// CompactIdentityVerifier (compact_identity.h: the compact `v2v.cert` format, same rules) when it
// has none, in production too.
//
// REQUIRES of implementations: deterministic (same bytes, role and time give the same answer on
// every node; no wall clock, no network) and thread-safe for concurrent Verify calls.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "base/bytes.h"
#include "chain/reject.h"
#include "chain/tx.h"
#include "crypto/ed25519.h"

namespace v2v::contract {

struct Identity {
  std::string id;
  crypto::Role role = crypto::Role::kVehicle;
  crypto::PublicKey key;
  Hash32 cert_hash;  // SHA-256 of the certificate bytes
};

// Identity, or a rejection whose code is one of kBadCertificate, kCertExpired,
// kCertNotYetValid, kCertRevoked, kWrongRole.
using IdentityResult = std::variant<Identity, chain::Rejection>;

class IdentityVerifier {
 public:
  virtual ~IdentityVerifier() = default;
  virtual IdentityResult Verify(ByteSpan certificate, crypto::Role expected,
                                int64_t at_unix_s) const = 0;
  // The same answer as Verify, for a certificate whose SHA-256 the caller already holds (an
  // account's stored cert_hash, checked at each use): implementations may skip hashing it again.
  // REQUIRES: cert_hash == SHA-256(certificate).
  virtual IdentityResult VerifyKnown(ByteSpan certificate, const Hash32& cert_hash,
                                     crypto::Role expected, int64_t at_unix_s) const {
    (void)cert_hash;
    return Verify(certificate, expected, at_unix_s);
  }
};

}  // namespace v2v::contract
