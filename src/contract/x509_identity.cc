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
  const Hash32 hash = crypto::Sha256(certificate);
  crypto::CertInfo info;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = issued_.find(hash);
    if (it != issued_.end()) info = it->second;
  }
  if (info.der.empty()) {
    auto issued = crypto::CheckIssuedBy(certificate, trust_.ca());
    if (!issued.ok()) return ToRejection(issued.status());
    info = std::move(issued).value();
    std::lock_guard<std::mutex> lock(mu_);
    issued_.emplace(hash, info);
  }
  if (Status s = crypto::CheckIssuedCertificateAt(info, trust_, at_unix_s); !s.ok())
    return ToRejection(s);
  if (Status s = crypto::CheckRole(info, expected); !s.ok()) return ToRejection(s);
  return Identity{info.subject, expected, info.public_key, hash};
}

}  // namespace v2v::contract
