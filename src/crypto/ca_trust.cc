#include "crypto/ca_trust.h"

#include <openssl/x509v3.h>

#include "crypto/internal/certificate_parse.h"
#include "crypto/internal/openssl_util.h"

namespace v2v::crypto {
namespace {

using internal::X509Ptr;

Status Err(CertError e, const std::string& detail) { return CertErrorStatus(e, detail); }

std::string Utc(int64_t unix_s) {
  internal::Asn1TimePtr t(ASN1_TIME_new());
  if (t == nullptr || !internal::SetUnix(t.get(), unix_s)) return std::to_string(unix_s);
  std::string out(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t.get())),
                  static_cast<size_t>(ASN1_STRING_length(t.get())));
  return out;  // YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ
}

// `what` then `serial` name the certificate in the error (joined only on a failure: this runs
// for every bidder of every block).
Status CheckValidity(std::string_view what, std::string_view serial, int64_t not_before,
                     int64_t not_after, int64_t at) {
  if (at >= not_before && at <= not_after) return Status::Ok();
  const std::string name = std::string(what) + std::string(serial);
  if (at < not_before)
    return Err(CertError::kNotYetValid, name + " not valid before " + Utc(not_before));
  return Err(CertError::kExpired, name + " expired at " + Utc(not_after));
}

}  // namespace

Result<CaInfo> ParseCaCertificateDer(ByteSpan der) {
  X509Ptr cert = internal::DecodeX509(der);
  if (cert == nullptr) return Err(CertError::kMalformed, "CA certificate is not DER X.509");
  if (X509_get_signature_nid(cert.get()) != NID_ED25519) {
    return Err(CertError::kNotEd25519, "CA signature algorithm is not Ed25519");
  }
  const auto key = internal::RawEd25519(X509_get0_pubkey(cert.get()));
  if (!key) return Err(CertError::kNotEd25519, "CA key is not Ed25519");
  const uint32_t flags = X509_get_extension_flags(cert.get());
  if ((flags & EXFLAG_INVALID) != 0 || (flags & EXFLAG_CA) == 0 || (flags & EXFLAG_KUSAGE) == 0 ||
      (X509_get_key_usage(cert.get()) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) !=
          (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) {
    return Err(CertError::kMalformed,
               "CA certificate needs CA:TRUE and keyUsage keyCertSign, cRLSign");
  }
  if (X509_check_issued(cert.get(), cert.get()) != X509_V_OK ||
      X509_verify(cert.get(), X509_get0_pubkey(cert.get())) != 1) {
    return Err(CertError::kBadSignature, "CA certificate is not validly self-signed");
  }
  CaInfo info;
  info.public_key = *key;
  const auto cn = internal::SingleEntry(X509_get_subject_name(cert.get()), NID_commonName);
  const auto serial = internal::SerialHex(X509_get0_serialNumber(cert.get()));
  const auto not_before = internal::ToUnix(X509_get0_notBefore(cert.get()));
  const auto not_after = internal::ToUnix(X509_get0_notAfter(cert.get()));
  if (!cn || !serial || !not_before || !not_after) {
    return Err(CertError::kMalformed, "CA certificate: bad CN, serial or validity");
  }
  info.name = *cn;
  info.serial = *serial;
  info.not_before = *not_before;
  info.not_after = *not_after;
  info.der.assign(der.begin(), der.end());
  info.subject_name = internal::EncodeName(X509_get_subject_name(cert.get()));
  return info;
}

Result<CaTrust> CaTrust::Create(ByteSpan ca_cert_der) {
  V2V_ASSIGN_OR_RETURN(CaInfo ca, ParseCaCertificateDer(ca_cert_der));
  return CaTrust(std::move(ca), std::nullopt);
}

Result<CaTrust> CaTrust::Create(ByteSpan ca_cert_der, ByteSpan crl_der) {
  V2V_ASSIGN_OR_RETURN(CaInfo ca, ParseCaCertificateDer(ca_cert_der));
  V2V_ASSIGN_OR_RETURN(CrlInfo crl, ParseCrlDer(crl_der, ca_cert_der));
  return CaTrust(std::move(ca), std::move(crl));
}

// The certificate is decoded once (OpenSSL's decoding of its key is most of the cost) and the CA
// not at all: its subject name and key were kept when it was parsed.
Result<CertInfo> CheckIssuedBy(ByteSpan cert_der, const CaInfo& ca_info) {
  X509Ptr cert = internal::DecodeX509(cert_der);
  if (cert == nullptr) return Err(CertError::kMalformed, "not a DER X.509 certificate");
  V2V_ASSIGN_OR_RETURN(CertInfo info, internal::ParseDecodedCertificate(cert.get(), cert_der));
  if (internal::EncodeName(X509_get_issuer_name(cert.get())) != ca_info.subject_name) {
    return Err(CertError::kBadSignature,
               "not issued by CA '" + ca_info.name + "' (issuer differs)");
  }
  internal::EvpPkeyPtr ca_key = internal::PublicEvp(ca_info.public_key);
  if (ca_key == nullptr) return Status::Internal("no EVP key for the CA's Ed25519 key");
  if (X509_verify(cert.get(), ca_key.get()) != 1) {
    return Err(CertError::kBadSignature,
               "signature does not verify with the key of CA '" + ca_info.name + "'");
  }
  return info;
}

Status CheckIssuedCertificateAt(const CertInfo& info, const CaTrust& trust, int64_t at_unix_s) {
  V2V_RETURN_IF_ERROR(
      CheckValidity("CA certificate", "", trust.ca().not_before, trust.ca().not_after, at_unix_s));
  V2V_RETURN_IF_ERROR(
      CheckValidity("certificate ", info.serial, info.not_before, info.not_after, at_unix_s));
  if (const auto& crl = trust.crl()) {
    if (at_unix_s > crl->next_update) {
      return Err(CertError::kStaleCrl, "CRL " + std::to_string(crl->number) +
                                           " is past its nextUpdate " + Utc(crl->next_update) +
                                           "; fetch a newer one");
    }
    if (crl->revoked.count(info.serial) != 0) {
      return Err(CertError::kRevoked,
                 "certificate " + info.serial + " (" + info.subject + ") is revoked");
    }
  }
  return Status::Ok();
}

Status CheckRole(const CertInfo& info, Role expected) {
  if (info.role != expected) {
    return Err(CertError::kWrongRole, "certificate " + info.serial + " is for role " +
                                          std::string(RoleName(info.role)) + ", expected " +
                                          std::string(RoleName(expected)));
  }
  return Status::Ok();
}

Result<CertInfo> VerifyCertificate(ByteSpan cert_der, const CaTrust& trust, int64_t at_unix_s) {
  V2V_ASSIGN_OR_RETURN(CertInfo info, CheckIssuedBy(cert_der, trust.ca()));
  V2V_RETURN_IF_ERROR(CheckIssuedCertificateAt(info, trust, at_unix_s));
  return info;
}

Result<CertInfo> VerifyCertificate(ByteSpan cert_der, const CaTrust& trust, int64_t at_unix_s,
                                   Role expected) {
  V2V_ASSIGN_OR_RETURN(CertInfo info, VerifyCertificate(cert_der, trust, at_unix_s));
  V2V_RETURN_IF_ERROR(CheckRole(info, expected));
  return info;
}

}  // namespace v2v::crypto
