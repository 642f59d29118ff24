#include "crypto/certificate_issue.h"

#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "crypto/internal/openssl_util.h"

namespace v2v::crypto {
namespace {

using internal::X509Ptr;

EVP_PKEY* Evp(const PrivateKey& key) { return static_cast<EVP_PKEY*>(key.native()); }

Status CheckCommon(const std::string& name, const Bytes& serial, int64_t not_before,
                   int64_t not_after) {
  if (Status s = CheckSubjectName(name); !s.ok())
    return Status::InvalidArgument("subject: " + s.message());
  if (serial.size() != kSerialBytes ||
      std::all_of(serial.begin(), serial.end(), [](uint8_t b) { return b == 0; })) {
    return Status::InvalidArgument("serial must be 16 bytes, not all zero");
  }
  if (not_before < internal::kMinUnixTime || not_after > internal::kMaxUnixTime ||
      not_before > not_after) {
    return Status::InvalidArgument("validity must satisfy 1970 <= notBefore <= notAfter <= 9999");
  }
  return Status::Ok();
}

bool AddText(X509_NAME* name, const char* field, const std::string& value) {
  return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), -1, 0) == 1;
}

// A certificate with version, serial, validity, subject and key set; extensions and signature
// are left to the caller.
Result<X509Ptr> NewCertificate(const Bytes& serial, int64_t not_before, int64_t not_after,
                               EVP_PKEY* subject_key,
                               const std::vector<std::pair<const char*, std::string>>& name) {
  X509Ptr cert(X509_new());
  internal::BignumPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  bool ok = cert != nullptr && bn != nullptr && X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
            BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) != nullptr &&
            internal::SetUnix(X509_getm_notBefore(cert.get()), not_before) &&
            internal::SetUnix(X509_getm_notAfter(cert.get()), not_after) &&
            X509_set_pubkey(cert.get(), subject_key) == 1;
  X509_NAME* subject = ok ? X509_get_subject_name(cert.get()) : nullptr;
  for (const auto& [field, value] : name) ok = ok && AddText(subject, field, value);
  if (!ok) return Status::Internal("cannot build X.509 certificate");
  return cert;
}

// Adds the extensions `exts` ({name, value} in openssl.cnf syntax) to `cert`, issued by `issuer`.
Status AddExtensions(X509* cert, X509* issuer,
                     const std::vector<std::pair<int, std::string>>& exts) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : exts) {
    X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str());
    const bool ok = ext != nullptr && X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    if (!ok) return Status::Internal(std::string("cannot add extension ") + OBJ_nid2sn(nid));
  }
  return Status::Ok();
}

// certificatePolicies holding the one policy `oid` (built directly: the openssl.cnf syntax for
// this extension needs a config database).
Status AddPolicy(X509* cert, std::string_view oid) {
  CERTIFICATEPOLICIES* policies = sk_POLICYINFO_new_null();
  POLICYINFO* info = POLICYINFO_new();
  bool ok = policies != nullptr && info != nullptr;
  if (ok) {
    ASN1_OBJECT_free(info->policyid);
    info->policyid = OBJ_txt2obj(std::string(oid).c_str(), 1);
    ok = info->policyid != nullptr && sk_POLICYINFO_push(policies, info) > 0;
    if (ok) info = nullptr;  // owned by the stack now
  }
  ok = ok && X509_add1_ext_i2d(cert, NID_certificate_policies, policies, 0, X509V3_ADD_APPEND) == 1;
  POLICYINFO_free(info);
  CERTIFICATEPOLICIES_free(policies);
  return ok ? Status::Ok() : Status::Internal("cannot add certificatePolicies");
}

Result<Bytes> SignAndEncode(X509* cert, const PrivateKey& ca_key) {
  if (X509_sign(cert, Evp(ca_key), nullptr) <= 0)
    return Status::Internal("X509_sign (Ed25519) failed");
  Bytes der = internal::EncodeX509(cert);
  if (der.empty()) return Status::Internal("cannot encode certificate");
  return der;
}

}  // namespace

Result<Bytes> RandomSerial() {
  Bytes serial(kSerialBytes);
  do {
    if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
      return Status::Internal("RAND_bytes failed");
    }
  } while (std::all_of(serial.begin(), serial.end(), [](uint8_t b) { return b == 0; }));
  return serial;
}

Result<Bytes> MakeCaCertificate(const PrivateKey& ca_key, const CaCertificateRequest& request) {
  V2V_RETURN_IF_ERROR(
      CheckCommon(request.name, request.serial, request.not_before, request.not_after));
  V2V_ASSIGN_OR_RETURN(
      X509Ptr cert,
      NewCertificate(request.serial, request.not_before, request.not_after, Evp(ca_key),
                     {{"O", std::string(kSubjectOrganization)}, {"CN", request.name}}));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1) {
    return Status::Internal("cannot set issuer");
  }
  V2V_RETURN_IF_ERROR(AddExtensions(cert.get(), cert.get(),
                                    {{NID_basic_constraints, "critical,CA:TRUE"},
                                     {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                     {NID_subject_key_identifier, "hash"},
                                     {NID_authority_key_identifier, "keyid:always"}}));
  return SignAndEncode(cert.get(), ca_key);
}

Result<Bytes> IssueCertificate(const PrivateKey& ca_key, ByteSpan ca_cert_der,
                               const IssueRequest& request) {
  V2V_RETURN_IF_ERROR(
      CheckCommon(request.subject, request.serial, request.not_before, request.not_after));
  X509Ptr ca = internal::DecodeX509(ca_cert_der);
  if (ca == nullptr) return Status::InvalidArgument("CA certificate is not DER X.509");
  const auto ca_pub = internal::RawEd25519(X509_get0_pubkey(ca.get()));
  if (!ca_pub || *ca_pub != ca_key.public_key()) {
    return Status::InvalidArgument("CA key does not match the CA certificate");
  }
  internal::EvpPkeyPtr subject_key = internal::PublicEvp(request.subject_key);
  if (subject_key == nullptr)
    return Status::InvalidArgument("subject key is not a valid Ed25519 key");
  V2V_ASSIGN_OR_RETURN(X509Ptr cert, NewCertificate(request.serial, request.not_before,
                                                    request.not_after, subject_key.get(),
                                                    {{"O", std::string(kSubjectOrganization)},
                                                     {"OU", std::string(RoleName(request.role))},
                                                     {"CN", request.subject}}));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get())) != 1) {
    return Status::Internal("cannot set issuer");
  }
  V2V_RETURN_IF_ERROR(AddExtensions(cert.get(), ca.get(),
                                    {{NID_basic_constraints, "critical,CA:FALSE"},
                                     {NID_key_usage, "critical,digitalSignature"},
                                     {NID_subject_key_identifier, "hash"},
                                     {NID_authority_key_identifier, "keyid:always"}}));
  V2V_RETURN_IF_ERROR(AddPolicy(cert.get(), RolePolicyOid(request.role)));
  return SignAndEncode(cert.get(), ca_key);
}

}  // namespace v2v::crypto
