#include "contract/x509_identity.h"

#include "crypto/certificate.h"
#include "crypto/hash.h"

namespace v2v::contract {
namespace {

chain::Rejection ToRejection(const Status& s) {
  using crypto::CertError;
  chain::Reject code = chain::Reject::kBadCertificate;
  if (auto e = crypto::CertErrorOf(s)) {
    switch (*e) {
      case CertError::kExpired:
        code = chain::Reject::kCertExpired;
        break;
      case CertError::kNotYetValid:
        code = chain::Reject::kCertNotYetValid;
        break;
      case CertError::kRevoked:
        code = chain::Reject::kCertRevoked;
        break;
      case CertError::kWrongRole:
        code = chain::Reject::kWrongRole;
        break;
      case CertError::kMalformed:
      case CertError::kNotEd25519:
      case CertError::kBadSignature:
      case CertError::kStaleCrl:
        code = chain::Reject::kBadCertificate;
        break;
    }
  }
  return chain::Rejected(code, s.message());
}

}  // namespace

IdentityResult X509IdentityVerifier::Verify(ByteSpan certificate, crypto::Role expected,
                                            int64_t at_unix_s) const {
  return VerifyKnown(certificate, crypto::Sha256(certificate), expected, at_unix_s);
}

// The certificate as CheckIssuedBy parsed it, from the memo or checked now; null with *failure
// set when the CA did not issue it.
std::shared_ptr<const crypto::CertInfo> X509IdentityVerifier::Issued(
    ByteSpan certificate, const Hash32& hash, IdentityResult* failure) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = issued_.find(hash);
    if (it != issued_.end()) return it->second;
  }
  auto issued = crypto::CheckIssuedBy(certificate, trust_.ca());
  if (!issued.ok()) {
    *failure = ToRejection(issued.status());
    return nullptr;
  }
  auto info = std::make_shared<const crypto::CertInfo>(std::move(issued).value());
  std::lock_guard<std::mutex> lock(mu_);
  return issued_.emplace(hash, std::move(info)).first->second;
}

IdentityResult X509IdentityVerifier::VerifyKnown(ByteSpan certificate, const Hash32& cert_hash,
                                                 crypto::Role expected, int64_t at_unix_s) const {
  IdentityResult failure;
  const std::shared_ptr<const crypto::CertInfo> info = Issued(certificate, cert_hash, &failure);
  if (info == nullptr) return failure;
  if (Status s = crypto::CheckIssuedCertificateAt(*info, trust_, at_unix_s); !s.ok())
    return ToRejection(s);
  if (Status s = crypto::CheckRole(*info, expected); !s.ok()) return ToRejection(s);
  return Identity{info->subject, expected, info->public_key, cert_hash};
}

}  // namespace v2v::contract
