// The leaf-certificate parse of crypto/certificate.h on an already decoded certificate, so that a
// caller which also needs the decoded form (CheckIssuedBy, for the signature) decodes it once.
// Not for other modules.
#pragma once

#include <openssl/x509.h>

#include "base/result.h"
#include "crypto/certificate.h"

namespace v2v::crypto::internal {

// ParseCertificateDer(der) where `cert` is DecodeX509(der). REQUIRES: cert != nullptr.
Result<CertInfo> ParseDecodedCertificate(X509* cert, ByteSpan der);

}  // namespace v2v::crypto::internal
