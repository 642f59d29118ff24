// The compact certificate format `v2v.cert` and its verifier: the identities of a genesis that
// names no CA certificate (see identity.h).
//
// Certificate = codec "v2v.cert" { id, role u8, public key 32, not_before i64, not_after i64 }
// followed by the CA's Ed25519 signature (64 bytes) over those bytes. Valid at time t iff the
// CA signature verifies, not_before <= t <= not_after, its hash is not in the revocation set and
// its role is the expected one. Thread-safe. The CA-signature result of each certificate is
// memoised (it does not depend on time), so a certificate used in every block is verified once.
//
// Production uses it: node::DefaultVerifierFactory gives every node this verifier when the
// genesis has no CA certificate (genesis.ca_certificate empty, a genesis JSON without
// "ca_certificate"), and contract::X509IdentityVerifier otherwise. The built-in genesis (devnet)
// and `v2v testnet` name a CA; the unit tests' genesis files (contract/testing/world.h), the
// gateway's fake node and the chain_decode fuzz target use compact certificates.
#pragma once

#include <mutex>
#include <set>

#include "contract/identity.h"

namespace v2v::contract {

struct CompactCertificate {
  std::string id;
  crypto::Role role = crypto::Role::kVehicle;
  crypto::PublicKey key;
  int64_t not_before = 0, not_after = 0;
};

Bytes IssueCompactCertificate(const crypto::PrivateKey& ca, const CompactCertificate& cert);

class CompactIdentityVerifier final : public IdentityVerifier {
 public:
  CompactIdentityVerifier(crypto::PublicKey ca, std::set<Hash32> revoked)
      : ca_(ca), revoked_(std::move(revoked)) {}
  IdentityResult Verify(ByteSpan certificate, crypto::Role expected,
                        int64_t at_unix_s) const override;

 private:
  crypto::PublicKey ca_;
  std::set<Hash32> revoked_;  // certificate hashes (the CRL)
  mutable std::mutex mu_;
  mutable std::set<Hash32> ca_signed_;  // GUARDED_BY(mu_): hashes whose CA signature verified
};

}  // namespace v2v::contract
