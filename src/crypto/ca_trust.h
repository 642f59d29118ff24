// Checking vehicle and RSU certificates against the CA: the trust anchor (CA certificate) plus
// the CA's current CRL, and VerifyCertificate, which returns the certificate or a typed
// CertError (certificate.h) as a value.
//
// CaTrust is an immutable value (copyable; safe to share between threads once built). Time is
// always passed in (`at_unix_s`); nothing here reads the clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "crypto/ed25519.h"

namespace v2v::crypto {

// A parsed, self-signed v2vtrade CA certificate.
struct CaInfo {
  std::string name;  // subject CN
  PublicKey public_key;
  std::string serial;
  int64_t not_before = 0;
  int64_t not_after = 0;
  Bytes der;
  Bytes subject_name;  // DER of the subject Name: a certificate it issued names it as issuer
};

// Parses a CA certificate and checks its profile: Ed25519, self-signed (signature verifies with
// its own key), basicConstraints CA:TRUE, keyUsage keyCertSign and cRLSign.
// Errors: kMalformed, kNotEd25519, kBadSignature.
Result<CaInfo> ParseCaCertificateDer(ByteSpan der);

class CaTrust {
 public:
  // Trust in the CA `ca_cert_der` with no revocation information: nothing counts as revoked.
  static Result<CaTrust> Create(ByteSpan ca_cert_der);
  // Trust in the CA with its CRL, whose signature is checked against the CA here.
  static Result<CaTrust> Create(ByteSpan ca_cert_der, ByteSpan crl_der);

  const CaInfo& ca() const { return ca_; }
  const std::optional<CrlInfo>& crl() const { return crl_; }

 private:
  CaTrust(CaInfo ca, std::optional<CrlInfo> crl) : ca_(std::move(ca)), crl_(std::move(crl)) {}
  CaInfo ca_;
  std::optional<CrlInfo> crl_;
};

// Steps 1 and 2 of VerifyCertificate below: the certificate follows the profile and `ca` signed
// it. Dates and revocation are not looked at (a CA revokes expired certificates too).
Result<CertInfo> CheckIssuedBy(ByteSpan cert_der, const CaInfo& ca);

// Steps 3 to 5 of VerifyCertificate for a certificate CheckIssuedBy has already accepted (so a
// caller may memoise that step, which holds the signature check, and still apply the rules of
// time and revocation on every use).
Status CheckIssuedCertificateAt(const CertInfo& info, const CaTrust& trust, int64_t at_unix_s);
// The role step of the overload with `expected` (kWrongRole).
Status CheckRole(const CertInfo& info, Role expected);

// Verifies a vehicle or RSU certificate at time `at_unix_s`. Checks, in this order (the first
// failure is returned):
//   1. it parses and follows the profile            kMalformed, kNotEd25519
//   2. issuer = the CA and the CA's signature holds  kBadSignature
//   3. the CA certificate is valid at `at`           kNotYetValid, kExpired
//   4. the certificate is valid at `at`              kNotYetValid, kExpired
//      (notBefore <= at <= notAfter, inclusive as in RFC 5280)
//   5. with a CRL: the CRL is current (at <= nextUpdate)  kStaleCrl
//      and the serial is not on it                       kRevoked
// A serial on the CRL is refused at any `at`, also before its revocation date (as OpenSSL does).
Result<CertInfo> VerifyCertificate(ByteSpan cert_der, const CaTrust& trust, int64_t at_unix_s);
// The same, and then the certificate's role must be `expected` (kWrongRole).
Result<CertInfo> VerifyCertificate(ByteSpan cert_der, const CaTrust& trust, int64_t at_unix_s,
                                   Role expected);

}  // namespace v2v::crypto
