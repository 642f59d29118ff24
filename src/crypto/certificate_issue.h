// Issuing X.509 certificates in the profile of certificate.h: the self-signed CA certificate and
// vehicle / RSU leaf certificates, all signed with Ed25519.
//
// Pure functions of their arguments: times and serials are passed in (the caller reads the
// clock; RandomSerial draws from OpenSSL's CSPRNG). Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/certificate.h"
#include "crypto/ed25519.h"

namespace v2v::crypto {

// Serials are 16 bytes (128 bits), read as an unsigned big-endian integer.
inline constexpr size_t kSerialBytes = 16;

// A fresh 128-bit serial from OpenSSL's CSPRNG; never zero.
Result<Bytes> RandomSerial();

struct CaCertificateRequest {
  std::string name;        // subject CN; CheckSubjectName rules
  Bytes serial;            // kSerialBytes, not all zero
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
};

// The self-signed CA certificate (DER) of `ca_key`: subject O=v2vtrade, CN=name; extensions
// basicConstraints (critical) CA:TRUE, keyUsage (critical) keyCertSign + cRLSign,
// subjectKeyIdentifier, authorityKeyIdentifier. InvalidArgument for a bad request.
Result<Bytes> MakeCaCertificate(const PrivateKey& ca_key, const CaCertificateRequest& request);

struct IssueRequest {
  std::string subject;  // CN: plate or RSU id; CheckSubjectName rules
  Role role = Role::kVehicle;
  PublicKey subject_key;   // the holder's Ed25519 public key (its private key never reaches the CA)
  Bytes serial;            // kSerialBytes, not all zero
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
};

// A vehicle or RSU certificate (DER) in the profile of certificate.h, issued by the CA whose
// certificate is `ca_cert_der` and whose key is `ca_key`.
// REQUIRES: ca_key is the key of ca_cert_der (checked: InvalidArgument otherwise).
Result<Bytes> IssueCertificate(const PrivateKey& ca_key, ByteSpan ca_cert_der,
                               const IssueRequest& request);

}  // namespace v2v::crypto
