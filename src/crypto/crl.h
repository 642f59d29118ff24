// Certificate revocation lists: X.509 v2 CRLs signed by the CA with Ed25519.
//
// A CRL carries issuer = the CA's subject, thisUpdate, nextUpdate, a crlNumber and an
// authorityKeyIdentifier, and one entry (serial, revocationDate) per revoked certificate, sorted
// by serial. `openssl verify -crl_check -CRLfile` accepts it. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/ed25519.h"

namespace v2v::crypto {

struct RevokedEntry {
  std::string serial;      // lower-case hex, no leading zeros (CertInfo::serial)
  int64_t revoked_at = 0;  // Unix seconds
};

struct CrlRequest {
  std::vector<RevokedEntry> revoked;
  uint64_t number = 0;      // crlNumber: grows with every CRL the CA publishes
  int64_t this_update = 0;  // Unix seconds
  int64_t next_update = 0;  // Unix seconds; REQUIRES this_update <= next_update
};

// A CRL (DER) signed by `ca_key`, the key of the CA certificate `ca_cert_der`.
// InvalidArgument if a serial is not canonical hex, times are out of range, or the key does not
// match the certificate.
Result<Bytes> MakeCrl(const PrivateKey& ca_key, ByteSpan ca_cert_der, const CrlRequest& request);

// A CRL whose signature has been checked against its CA.
struct CrlInfo {
  std::set<std::string> revoked;  // serials, lower-case hex
  uint64_t number = 0;            // 0 if the CRL has no crlNumber
  int64_t this_update = 0;
  int64_t next_update = 0;
  Bytes der;
};

// Parses `crl_der` and checks that the CA whose certificate is `ca_cert_der` signed it.
// Errors (CertErrorOf): kMalformed (not a DER v2 CRL, no nextUpdate), kNotEd25519,
// kBadSignature (another issuer, or the signature does not verify).
Result<CrlInfo> ParseCrlDer(ByteSpan crl_der, ByteSpan ca_cert_der);

Result<Bytes> CrlPemToDer(const std::string& pem);  // kMalformed on failure
std::string CrlDerToPem(ByteSpan der);

}  // namespace v2v::crypto
