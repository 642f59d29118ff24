// The production IdentityVerifier: X.509 certificates issued by the network's CA
// (crypto/certificate.h profile), checked at the block's time against the CA and its CRL.
//
// Mapping of crypto::CertError to the contract's rejections: kMalformed, kNotEd25519,
// kBadSignature, kStaleCrl -> kBadCertificate; kExpired -> kCertExpired; kNotYetValid ->
// kCertNotYetValid; kRevoked -> kCertRevoked; kWrongRole -> kWrongRole. The identity is the
// certificate's subject CN, its Ed25519 key and SHA-256 of its DER.
//
// The parse-and-signature step (crypto::CheckIssuedBy) does not depend on time, so its result is
// memoised per certificate hash (shared, never copied: a block checks each bidder's certificate);
// dates, revocation and role are checked on every call, in crypto::VerifyCertificate's order.
// Thread-safe; deterministic (no clock).
#pragma once

#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "contract/identity.h"
#include "crypto/ca_trust.h"

namespace v2v::contract {

class X509IdentityVerifier final : public IdentityVerifier {
 public:
  explicit X509IdentityVerifier(crypto::CaTrust trust) : trust_(std::move(trust)) {}
  IdentityResult Verify(ByteSpan certificate, crypto::Role expected,
                        int64_t at_unix_s) const override;
  IdentityResult VerifyKnown(ByteSpan certificate, const Hash32& cert_hash, crypto::Role expected,
                             int64_t at_unix_s) const override;

 private:
  // The keys are SHA-256 digests this verifier computed or an account stores (REQUIRES of
  // VerifyKnown), not values a peer picks: their first bytes spread the buckets.
  struct DigestBucket {
    size_t operator()(const Hash32& h) const noexcept {
      size_t v = 0;
      std::memcpy(&v, h.bytes.data(), sizeof v);
      return v;
    }
  };
  std::shared_ptr<const crypto::CertInfo> Issued(ByteSpan certificate, const Hash32& hash,
                                                 IdentityResult* failure) const;

  crypto::CaTrust trust_;
  mutable std::mutex mu_;
  mutable std::unordered_map<Hash32, std::shared_ptr<const crypto::CertInfo>, DigestBucket>
      issued_;  // GUARDED_BY(mu_)
};

}  // namespace v2v::contract
