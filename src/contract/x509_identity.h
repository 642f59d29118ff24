// The production IdentityVerifier: X.509 certificates issued by the network's CA
// (crypto/certificate.h profile), checked at the block's time against the CA and its CRL.
//
// Mapping of crypto::CertError to the contract's rejections: kMalformed, kNotEd25519,
// kBadSignature, kStaleCrl -> kBadCertificate; kExpired -> kCertExpired; kNotYetValid ->
// kCertNotYetValid; kRevoked -> kCertRevoked; kWrongRole -> kWrongRole. The identity is the
// certificate's subject CN, its Ed25519 key and SHA-256 of its DER.
//
// The parse-and-signature step (crypto::CheckIssuedBy) does not depend on time, so its result is
// memoised per certificate hash; dates, revocation and role are checked on every call, in
// crypto::VerifyCertificate's order. Thread-safe; deterministic (no clock).
#pragma once

#include <map>
#include <mutex>

#include "contract/identity.h"
#include "crypto/ca_trust.h"

namespace v2v::contract {

class X509IdentityVerifier final : public IdentityVerifier {
 public:
  explicit X509IdentityVerifier(crypto::CaTrust trust) : trust_(std::move(trust)) {}
  IdentityResult Verify(ByteSpan certificate, crypto::Role expected,
                        int64_t at_unix_s) const override;

 private:
  crypto::CaTrust trust_;
  mutable std::mutex mu_;
  mutable std::map<Hash32, crypto::CertInfo> issued_;  // GUARDED_BY(mu_)
};

}  // namespace v2v::contract
