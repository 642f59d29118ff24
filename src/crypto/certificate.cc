#include "crypto/certificate.h"

#include <openssl/obj_mac.h>
#include <openssl/x509v3.h>

#include "crypto/hash.h"
#include "crypto/internal/certificate_parse.h"
#include "crypto/internal/openssl_util.h"

namespace v2v::crypto {
namespace {

using internal::X509Ptr;

constexpr const char* kCertificatePemLabel = "CERTIFICATE";

Status Malformed(const std::string& detail) {
  return CertErrorStatus(CertError::kMalformed, detail);
}

// The role named by the certificate's policies: exactly one of our role OIDs must be present.
Result<Role> RoleFromPolicies(X509* cert) {
  int crit = -1;
  auto* policies = static_cast<CERTIFICATEPOLICIES*>(
      X509_get_ext_d2i(cert, NID_certificate_policies, &crit, nullptr));
  if (policies == nullptr) {
    return Malformed(crit == -2 ? "duplicate certificatePolicies"
                                : "no certificatePolicies (role)");
  }
  std::optional<Role> role;
  int roles_found = 0;
  for (int i = 0; i < sk_POLICYINFO_num(policies); ++i) {
    char oid[128];
    const POLICYINFO* info = sk_POLICYINFO_value(policies, i);
    const int n = OBJ_obj2txt(oid, sizeof(oid), info->policyid, 1);
    if (n <= 0 || static_cast<size_t>(n) >= sizeof(oid)) continue;
    for (Role r : {Role::kVehicle, Role::kRsu}) {
      if (RolePolicyOid(r) == oid) {
        role = r;
        ++roles_found;
      }
    }
  }
  CERTIFICATEPOLICIES_free(policies);
  if (roles_found != 1)
    return Malformed("certificatePolicies must hold exactly one v2vtrade role OID");
  return *role;
}

// Context-free profile checks for an Ed25519 leaf (extensions, names); fills `info`.
Status CheckLeafProfile(X509* cert, CertInfo* info) {
  if (X509_get_version(cert) != X509_VERSION_3) return Malformed("not an X.509 v3 certificate");
  const uint32_t flags = X509_get_extension_flags(cert);
  if ((flags & EXFLAG_INVALID) != 0) return Malformed("invalid or duplicate extensions");
  if ((flags & EXFLAG_BCONS) == 0) return Malformed("no basicConstraints");
  if ((flags & EXFLAG_CA) != 0)
    return Malformed("a CA certificate is not a vehicle or RSU identity");
  if ((flags & EXFLAG_KUSAGE) == 0 || (X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE) == 0) {
    return Malformed("keyUsage must include digitalSignature");
  }
  V2V_ASSIGN_OR_RETURN(info->role, RoleFromPolicies(cert));
  const X509_NAME* subject = X509_get_subject_name(cert);
  const auto org = internal::SingleEntry(subject, NID_organizationName);
  const auto ou = internal::SingleEntry(subject, NID_organizationalUnitName);
  const auto cn = internal::SingleEntry(subject, NID_commonName);
  if (!org || *org != kSubjectOrganization) return Malformed("subject O must be v2vtrade");
  if (!ou || *ou != RoleName(info->role))
    return Malformed("subject OU does not match the role policy");
  if (!cn) return Malformed("subject must have exactly one CN");
  if (Status s = CheckSubjectName(*cn); !s.ok()) return Malformed("subject CN: " + s.message());
  info->subject = *cn;
  return Status::Ok();
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kVehicle:
      return "vehicle";
    case Role::kRsu:
      return "rsu";
  }
  return "?";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "vehicle") return Role::kVehicle;
  if (name == "rsu") return Role::kRsu;
  return std::nullopt;
}

std::string_view RolePolicyOid(Role role) {
  switch (role) {
    case Role::kVehicle:
      return kVehiclePolicyOid;
    case Role::kRsu:
      return kRsuPolicyOid;
  }
  return "";
}

std::string_view ToString(CertError error) {
  switch (error) {
    case CertError::kMalformed:
      return "Malformed";
    case CertError::kNotEd25519:
      return "NotEd25519";
    case CertError::kBadSignature:
      return "BadSignature";
    case CertError::kNotYetValid:
      return "NotYetValid";
    case CertError::kExpired:
      return "Expired";
    case CertError::kRevoked:
      return "Revoked";
    case CertError::kWrongRole:
      return "WrongRole";
    case CertError::kStaleCrl:
      return "StaleCrl";
  }
  return "?";
}

Status CertErrorStatus(CertError error, const std::string& detail) {
  return Status::InvalidArgument(std::string(ToString(error)) + ": " + detail);
}

std::optional<CertError> CertErrorOf(const Status& status) {
  if (status.code() != StatusCode::kInvalidArgument) return std::nullopt;
  const std::string& msg = status.message();
  for (CertError e : {CertError::kMalformed, CertError::kNotEd25519, CertError::kBadSignature,
                      CertError::kNotYetValid, CertError::kExpired, CertError::kRevoked,
                      CertError::kWrongRole, CertError::kStaleCrl}) {
    const std::string prefix = std::string(ToString(e)) + ":";
    if (msg.compare(0, prefix.size(), prefix) == 0) return e;
  }
  return std::nullopt;
}

Hash32 CertInfo::Identity() const { return CertificateIdentity(der); }

Hash32 CertificateIdentity(ByteSpan der) { return Sha256(der); }

Result<CertInfo> ParseCertificateDer(ByteSpan der) {
  X509Ptr cert = internal::DecodeX509(der);
  if (cert == nullptr) return Malformed("not a DER X.509 certificate");
  return internal::ParseDecodedCertificate(cert.get(), der);
}

Result<CertInfo> internal::ParseDecodedCertificate(X509* cert, ByteSpan der) {
  // One certificate, one byte string: a BER variant of the same signed certificate would get
  // another identity hash (CertificateIdentity), so only the canonical DER re-encoding passes.
  if (internal::EncodeX509(cert) != Bytes(der.begin(), der.end())) {
    return Malformed("not canonical DER");
  }
  if (X509_get_signature_nid(cert) != NID_ED25519) {
    return CertErrorStatus(CertError::kNotEd25519, "signature algorithm is not Ed25519");
  }
  const auto key = internal::RawEd25519(X509_get0_pubkey(cert));
  if (!key) return CertErrorStatus(CertError::kNotEd25519, "subject key is not Ed25519");
  CertInfo info;
  info.public_key = *key;
  V2V_RETURN_IF_ERROR(CheckLeafProfile(cert, &info));
  const auto serial = internal::SerialHex(X509_get0_serialNumber(cert));
  const auto not_before = internal::ToUnix(X509_get0_notBefore(cert));
  const auto not_after = internal::ToUnix(X509_get0_notAfter(cert));
  if (!serial || !not_before || !not_after) return Malformed("bad serial or validity times");
  info.serial = *serial;
  info.not_before = *not_before;
  info.not_after = *not_after;
  info.der.assign(der.begin(), der.end());
  return info;
}

Result<CertInfo> ParseCertificatePem(const std::string& pem) {
  V2V_ASSIGN_OR_RETURN(Bytes der, CertificatePemToDer(pem));
  return ParseCertificateDer(der);
}

Result<Bytes> CertificatePemToDer(const std::string& pem) {
  auto der = internal::PemToDer(pem, kCertificatePemLabel);
  if (!der.ok()) return Malformed(der.status().message());
  return der;
}

std::string CertificateDerToPem(ByteSpan der) {
  return internal::DerToPem(der, kCertificatePemLabel);
}

Status CheckSubjectName(std::string_view subject) {
  if (subject.empty() || subject.size() > 64)
    return Status::InvalidArgument("must be 1 to 64 characters");
  if (subject.front() == ' ' || subject.back() == ' ') {
    return Status::InvalidArgument("must not start or end with a space");
  }
  for (char c : subject) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == ' ' || c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return Status::InvalidArgument("may hold only letters, digits, space and . _ : -");
  }
  return Status::Ok();
}

}  // namespace v2v::crypto
