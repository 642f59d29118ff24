// X.509 identity certificates of vehicles and RSUs (OpenSSL 3, Ed25519): the profile, parsing
// and typed errors. Issuing is in certificate_issue.h, checking against a CA in ca_trust.h.
//
// Profile (docs/spec/identities.md): X.509 v3, Ed25519 subject key, Ed25519 signature, subject
//   O=v2vtrade, OU=<role name>, CN=<licence plate or RSU id>
// and extensions basicConstraints (critical) CA:FALSE, keyUsage (critical) digitalSignature,
// subjectKeyIdentifier, authorityKeyIdentifier, and certificatePolicies holding exactly one role
// policy OID (kVehiclePolicyOid or kRsuPolicyOid). The role is read from the policy OID; the OU
// must name the same role (it is there so people see the role in `openssl x509 -text`, which
// prints the OID numerically). The OIDs sit under a UUID arc (2.25.<uuid>, ITU-T X.667), which
// needs no registration and collides with nobody.
//
// Everything here is a pure function of its arguments: no clock, no global state. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/ed25519.h"

namespace v2v::crypto {

// 2.25.<UUID 92430144-7903-4c72-8463-e4d842cc9d2e as an integer>: v2vtrade's private arc.
inline constexpr std::string_view kV2vArcOid = "2.25.194415196981495879494875594115561332014";
// <arc>.1 = roles.
inline constexpr std::string_view kVehiclePolicyOid =
    "2.25.194415196981495879494875594115561332014.1.1";
inline constexpr std::string_view kRsuPolicyOid =
    "2.25.194415196981495879494875594115561332014.1.2";
inline constexpr std::string_view kSubjectOrganization = "v2vtrade";

// What a certificate entitles its holder to. Values are stable.
enum class Role : uint8_t { kVehicle = 1, kRsu = 2 };
std::string_view RoleName(Role role);  // "vehicle" / "rsu" (the OU value)
std::optional<Role> ParseRole(std::string_view name);
std::string_view RolePolicyOid(Role role);

// Why a certificate (or CRL) is refused. Each Status this module returns for a refused
// certificate is InvalidArgument with a message "<ToString(code)>: <detail>"; CertErrorOf reads it
// back. Values are stable.
enum class CertError : uint8_t {
  kMalformed = 1,     // not DER X.509, or breaks the profile above (role, names, extensions)
  kNotEd25519 = 2,    // key or signature algorithm is not Ed25519
  kBadSignature = 3,  // not issued by the trusted CA (issuer name or signature does not match)
  kNotYetValid = 4,   // at < notBefore
  kExpired = 5,       // at > notAfter (certificate or CA certificate)
  kRevoked = 6,       // serial is on the CA's CRL
  kWrongRole = 7,     // a valid certificate, but for the other role
  kStaleCrl = 8,      // the CRL held is not valid at the time asked (past nextUpdate)
};
std::string_view ToString(CertError error);
// The Status for `error`: InvalidArgument("<ToString(error)>: <detail>").
Status CertErrorStatus(CertError error, const std::string& detail);
// The CertError a Status from this module carries, or nullopt if it carries none.
std::optional<CertError> CertErrorOf(const Status& status);

// A parsed, profile-conforming vehicle or RSU certificate. Value type.
struct CertInfo {
  std::string subject;  // CN: licence plate or RSU id
  Role role = Role::kVehicle;
  PublicKey public_key;    // raw Ed25519 key
  std::string serial;      // lower-case hex, no leading zeros
  int64_t not_before = 0;  // Unix seconds, UTC
  int64_t not_after = 0;
  Bytes der;  // the certificate exactly as given

  // The certificate's identity on the ledger: Sha256 of its DER.
  Hash32 Identity() const;
};

// Parses one DER certificate and checks it against the profile (not its signature or dates).
// Errors: kMalformed, kNotEd25519.
Result<CertInfo> ParseCertificateDer(ByteSpan der);
// Same, from a single PEM "CERTIFICATE" block.
Result<CertInfo> ParseCertificatePem(const std::string& pem);

Result<Bytes> CertificatePemToDer(const std::string& pem);  // kMalformed on failure
std::string CertificateDerToPem(ByteSpan der);

// Sha256(der): the canonical identity hash of a certificate.
Hash32 CertificateIdentity(ByteSpan der);

// Subject names (CN) a CA issues: 1..64 bytes of [A-Za-z0-9 ._:-], not starting or ending with a
// space. Returns InvalidArgument naming the rule otherwise.
Status CheckSubjectName(std::string_view subject);

}  // namespace v2v::crypto
