// Fixtures for the certificate tests of crypto/ (test-only; never linked into a library):
// fixed-seed keys, a CA and leaves at fixed times, and foreign (non-Ed25519) certificates made
// directly with OpenSSL.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <string>

#include "crypto/certificate.h"
#include "crypto/certificate_issue.h"
#include "crypto/ed25519.h"
#include "crypto/internal/openssl_util.h"

namespace v2v::crypto::testing {

inline constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z
inline constexpr int64_t kDay = 86400;

inline PrivateKey KeyFromSeed(uint8_t n) {
  std::array<uint8_t, 32> seed{};
  seed.fill(n);
  return PrivateKey::FromSeed(seed).value();
}

inline Bytes SerialOf(uint8_t n) {
  Bytes s(kSerialBytes, 0);
  s[0] = 0x40;
  s[kSerialBytes - 1] = n;
  return s;
}

struct TestCa {
  PrivateKey key;
  Bytes der;
};

inline TestCa MakeTestCa(uint8_t seed, const std::string& name = "Test CA",
                         int64_t not_before = kT0, int64_t not_after = kT0 + 3650 * kDay) {
  PrivateKey key = KeyFromSeed(seed);
  auto der = MakeCaCertificate(
      key,
      {.name = name, .serial = SerialOf(seed), .not_before = not_before, .not_after = not_after});
  EXPECT_TRUE(der.ok()) << der.status().ToString();
  return {std::move(key), std::move(der).value()};
}

inline Bytes IssueTestCert(const TestCa& ca, const std::string& subject, Role role,
                           uint8_t key_seed, uint8_t serial, int64_t not_before = kT0,
                           int64_t not_after = kT0 + 365 * kDay) {
  auto der = IssueCertificate(ca.key, ca.der,
                              {.subject = subject,
                               .role = role,
                               .subject_key = KeyFromSeed(key_seed).public_key(),
                               .serial = SerialOf(serial),
                               .not_before = not_before,
                               .not_after = not_after});
  EXPECT_TRUE(der.ok()) << der.status().ToString();
  return std::move(der).value();
}

// A certificate in our profile's shape whose subject key is `subject_key` (any type), signed by
// `signer` with SHA-256 (or with no digest for Ed25519), issuer = `issuer`'s subject (or itself),
// subject OU = `ou`, role policy = vehicle.
inline Bytes ForeignCert(EVP_PKEY* subject_key, EVP_PKEY* signer, X509* issuer,
                         const char* ou = "vehicle") {
  internal::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 77);
  internal::SetUnix(X509_getm_notBefore(cert.get()), kT0);
  internal::SetUnix(X509_getm_notAfter(cert.get()), kT0 + 365 * kDay);
  X509_set_pubkey(cert.get(), subject_key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto add = [name](const char* field, const char* value) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(value), -1, -1, 0);
  };
  add("O", "v2vtrade");
  add("OU", ou);
  add("CN", "FOREIGN-1");
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair{NID_key_usage, "critical,digitalSignature"}}) {
    X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  CERTIFICATEPOLICIES* policies = sk_POLICYINFO_new_null();
  POLICYINFO* info = POLICYINFO_new();
  ASN1_OBJECT_free(info->policyid);
  info->policyid = OBJ_txt2obj(kVehiclePolicyOid.data(), 1);
  sk_POLICYINFO_push(policies, info);
  X509_add1_ext_i2d(cert.get(), NID_certificate_policies, policies, 0, X509V3_ADD_APPEND);
  CERTIFICATEPOLICIES_free(policies);
  const bool ed = EVP_PKEY_get_id(signer) == EVP_PKEY_ED25519;
  EXPECT_GT(X509_sign(cert.get(), signer, ed ? nullptr : EVP_sha256()), 0);
  return internal::EncodeX509(cert.get());
}

inline internal::EvpPkeyPtr EcKey() {
  return internal::EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}
inline internal::EvpPkeyPtr RsaKey() {
  return internal::EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
}

inline void ExpectCertError(const Status& s, CertError e) {
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  const auto got = CertErrorOf(s);
  ASSERT_TRUE(got.has_value()) << s.ToString();
  EXPECT_EQ(*got, e) << s.ToString();
  EXPECT_EQ(s.message().rfind(std::string(ToString(e)) + ":", 0), 0u) << s.message();
}

}  // namespace v2v::crypto::testing
