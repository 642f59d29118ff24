// A minimal certificate format and its verifier: a stand-in for X.509 (see identity.h).
//
// Certificate = codec "v2v.cert" { id, role u8, public key 32, not_before i64, not_after i64 }
// followed by the CA's Ed25519 signature (64 bytes) over those bytes. Valid at time t iff the
// CA signature verifies, not_before <= t <= not_after, its hash is not in the revocation set and
// its role is the expected one. Immutable after construction; thread-safe.
#pragma once

#include <set>

#include "contract/identity.h"

namespace v2v::contract {

struct SimpleCertificate {
  std::string id;
  chain::Role role = chain::Role::kVehicle;
  crypto::PublicKey key;
  int64_t not_before = 0, not_after = 0;
};

Bytes IssueSimpleCertificate(const crypto::PrivateKey& ca, const SimpleCertificate& cert);

class SimpleIdentityVerifier final : public IdentityVerifier {
 public:
  SimpleIdentityVerifier(crypto::PublicKey ca, std::set<Hash32> revoked)
      : ca_(ca), revoked_(std::move(revoked)) {}
  IdentityResult Verify(ByteSpan certificate, chain::Role expected,
                        int64_t at_unix_s) const override;

 private:
  crypto::PublicKey ca_;
  std::set<Hash32> revoked_;  // certificate hashes (the CRL)
};

}  // namespace v2v::contract
