#include "crypto/crl.h"

#include <openssl/x509v3.h>

#include "crypto/certificate.h"
#include "crypto/internal/openssl_util.h"

namespace v2v::crypto {
namespace {

using internal::Asn1TimePtr;
using internal::X509CrlPtr;
using internal::X509Ptr;

constexpr const char* kCrlPemLabel = "X509 CRL";

using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, internal::Deleter<ASN1_INTEGER_free>>;

Asn1TimePtr TimeAt(int64_t unix_s) {
  Asn1TimePtr t(ASN1_TIME_new());
  if (t == nullptr || !internal::SetUnix(t.get(), unix_s)) return nullptr;
  return t;
}

Status AddRevoked(X509_CRL* crl, const RevokedEntry& entry) {
  Asn1IntegerPtr serial(internal::SerialFromHex(entry.serial));
  if (serial == nullptr)
    return Status::InvalidArgument("serial is not canonical hex: " + entry.serial);
  Asn1TimePtr when = TimeAt(entry.revoked_at);
  if (when == nullptr) return Status::InvalidArgument("revocation time out of range");
  X509_REVOKED* rev = X509_REVOKED_new();
  if (rev == nullptr || X509_REVOKED_set_serialNumber(rev, serial.get()) != 1 ||
      X509_REVOKED_set_revocationDate(rev, when.get()) != 1 ||
      X509_CRL_add0_revoked(crl, rev) != 1) {
    X509_REVOKED_free(rev);
    return Status::Internal("cannot add CRL entry");
  }
  return Status::Ok();
}

Status AddExtensions(X509_CRL* crl, X509* ca, uint64_t number) {
  Asn1IntegerPtr n(ASN1_INTEGER_new());
  if (n == nullptr || ASN1_INTEGER_set_uint64(n.get(), number) != 1 ||
      X509_CRL_add1_ext_i2d(crl, NID_crl_number, n.get(), 0, 0) != 1) {
    return Status::Internal("cannot add crlNumber");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca, nullptr, nullptr, crl, 0);
  X509_EXTENSION* akid =
      X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always");
  const bool ok = akid != nullptr && X509_CRL_add_ext(crl, akid, -1) == 1;
  X509_EXTENSION_free(akid);
  return ok ? Status::Ok() : Status::Internal("cannot add authorityKeyIdentifier to CRL");
}

Status Bad(CertError e, const std::string& detail) { return CertErrorStatus(e, "CRL: " + detail); }

}  // namespace

Result<Bytes> MakeCrl(const PrivateKey& ca_key, ByteSpan ca_cert_der, const CrlRequest& request) {
  X509Ptr ca = internal::DecodeX509(ca_cert_der);
  if (ca == nullptr) return Status::InvalidArgument("CA certificate is not DER X.509");
  const auto ca_pub = internal::RawEd25519(X509_get0_pubkey(ca.get()));
  if (!ca_pub || *ca_pub != ca_key.public_key()) {
    return Status::InvalidArgument("CA key does not match the CA certificate");
  }
  if (request.this_update > request.next_update)
    return Status::InvalidArgument("thisUpdate after nextUpdate");
  Asn1TimePtr this_update = TimeAt(request.this_update);
  Asn1TimePtr next_update = TimeAt(request.next_update);
  if (this_update == nullptr || next_update == nullptr)
    return Status::InvalidArgument("CRL time out of range");
  X509CrlPtr crl(X509_CRL_new());
  if (crl == nullptr || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
    return Status::Internal("cannot build CRL");
  }
  for (const RevokedEntry& entry : request.revoked)
    V2V_RETURN_IF_ERROR(AddRevoked(crl.get(), entry));
  if (X509_CRL_sort(crl.get()) != 1) return Status::Internal("cannot sort CRL");
  V2V_RETURN_IF_ERROR(AddExtensions(crl.get(), ca.get(), request.number));
  if (X509_CRL_sign(crl.get(), static_cast<EVP_PKEY*>(ca_key.native()), nullptr) <= 0) {
    return Status::Internal("X509_CRL_sign (Ed25519) failed");
  }
  Bytes der = internal::EncodeCrl(crl.get());
  if (der.empty()) return Status::Internal("cannot encode CRL");
  return der;
}

Result<CrlInfo> ParseCrlDer(ByteSpan crl_der, ByteSpan ca_cert_der) {
  X509Ptr ca = internal::DecodeX509(ca_cert_der);
  if (ca == nullptr)
    return CertErrorStatus(CertError::kMalformed, "CA certificate is not DER X.509");
  X509CrlPtr crl = internal::DecodeCrl(crl_der);
  if (crl == nullptr) return Bad(CertError::kMalformed, "not a DER X.509 CRL");
  if (X509_CRL_get_version(crl.get()) != X509_CRL_VERSION_2)
    return Bad(CertError::kMalformed, "not a v2 CRL");
  if (X509_CRL_get_signature_nid(crl.get()) != NID_ED25519) {
    return Bad(CertError::kNotEd25519, "signature algorithm is not Ed25519");
  }
  if (internal::EncodeName(X509_CRL_get_issuer(crl.get())) !=
      internal::EncodeName(X509_get_subject_name(ca.get()))) {
    return Bad(CertError::kBadSignature, "issued by another CA");
  }
  if (X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.get())) != 1) {
    return Bad(CertError::kBadSignature, "signature does not verify with the CA key");
  }
  CrlInfo info;
  const auto this_update = internal::ToUnix(X509_CRL_get0_lastUpdate(crl.get()));
  const auto next_update = internal::ToUnix(X509_CRL_get0_nextUpdate(crl.get()));
  if (!this_update || !next_update)
    return Bad(CertError::kMalformed, "bad or missing thisUpdate/nextUpdate");
  info.this_update = *this_update;
  info.next_update = *next_update;
  int crit = -1;
  auto* number =
      static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, &crit, nullptr));
  if (number != nullptr) {
    const bool ok = ASN1_INTEGER_get_uint64(&info.number, number) == 1;
    ASN1_INTEGER_free(number);
    if (!ok) return Bad(CertError::kMalformed, "bad crlNumber");
  } else if (crit != -1) {
    return Bad(CertError::kMalformed, "bad crlNumber");
  }
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    const auto serial =
        internal::SerialHex(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i)));
    if (!serial) return Bad(CertError::kMalformed, "bad serial in entry");
    info.revoked.insert(*serial);
  }
  info.der.assign(crl_der.begin(), crl_der.end());
  return info;
}

Result<Bytes> CrlPemToDer(const std::string& pem) {
  auto der = internal::PemToDer(pem, kCrlPemLabel);
  if (!der.ok()) return CertErrorStatus(CertError::kMalformed, der.status().message());
  return der;
}

std::string CrlDerToPem(ByteSpan der) { return internal::DerToPem(der, kCrlPemLabel); }

}  // namespace v2v::crypto
