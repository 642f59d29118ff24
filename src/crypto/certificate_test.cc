#include "crypto/certificate.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "crypto/internal/cert_test_util.h"

namespace v2v::crypto {
namespace {

using testing::kDay;
using testing::kT0;

TEST(CertificateTest, ParsesWhatTheCaIssued) {
  const auto ca = testing::MakeTestCa(1);
  const Bytes der = testing::IssueTestCert(ca, "AB-123-CD", Role::kVehicle, 7, 9);
  auto info = ParseCertificateDer(der);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->subject, "AB-123-CD");
  EXPECT_EQ(info->role, Role::kVehicle);
  EXPECT_EQ(info->public_key, testing::KeyFromSeed(7).public_key());
  EXPECT_EQ(info->serial, "40000000000000000000000000000009");
  EXPECT_EQ(info->not_before, kT0);
  EXPECT_EQ(info->not_after, kT0 + 365 * kDay);
  EXPECT_EQ(info->der, der);
  EXPECT_EQ(info->Identity(), Sha256(der));
  EXPECT_EQ(CertificateIdentity(der), Sha256(der));
}

TEST(CertificateTest, RsuRoleRoundTrips) {
  const auto ca = testing::MakeTestCa(1);
  auto info = ParseCertificateDer(testing::IssueTestCert(ca, "RSU-0042", Role::kRsu, 8, 10));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->role, Role::kRsu);
  EXPECT_EQ(info->subject, "RSU-0042");
}

TEST(CertificateTest, PemRoundTrip) {
  const auto ca = testing::MakeTestCa(1);
  const Bytes der = testing::IssueTestCert(ca, "AB 123 CD", Role::kVehicle, 7, 9);
  const std::string pem = CertificateDerToPem(der);
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  auto back = CertificatePemToDer(pem);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, der);
  auto info = ParseCertificatePem(pem);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->subject, "AB 123 CD");
}

TEST(CertificateTest, GarbageIsMalformed) {
  testing::ExpectCertError(ParseCertificateDer(Bytes{}).status(), CertError::kMalformed);
  testing::ExpectCertError(ParseCertificateDer(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}).status(),
                           CertError::kMalformed);
  testing::ExpectCertError(ParseCertificatePem("hello").status(), CertError::kMalformed);
  const auto ca = testing::MakeTestCa(1);
  Bytes trailing = testing::IssueTestCert(ca, "AB-123-CD", Role::kVehicle, 7, 9);
  trailing.push_back(0);
  testing::ExpectCertError(ParseCertificateDer(trailing).status(), CertError::kMalformed);
  const std::string crl_pem = "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n";
  testing::ExpectCertError(ParseCertificatePem(crl_pem).status(), CertError::kMalformed);
}

TEST(CertificateTest, NonCanonicalLengthIsMalformed) {
  // The same certificate with the outer SEQUENCE length in a longer (BER) form would otherwise
  // be a second byte string, and identity hash, for one signed certificate.
  const auto ca = testing::MakeTestCa(1);
  const Bytes der = testing::IssueTestCert(ca, "AB-123-CD", Role::kVehicle, 7, 9);
  ASSERT_EQ(der[0], 0x30);
  ASSERT_EQ(der[1], 0x82);
  Bytes ber{0x30, 0x83, 0x00, der[2], der[3]};
  ber.insert(ber.end(), der.begin() + 4, der.end());
  testing::ExpectCertError(ParseCertificateDer(ber).status(), CertError::kMalformed);
}

TEST(CertificateTest, CaCertificateIsNotAnIdentity) {
  const auto ca = testing::MakeTestCa(1);
  testing::ExpectCertError(ParseCertificateDer(ca.der).status(), CertError::kMalformed);
}

TEST(CertificateTest, NonEd25519KeysAreRefused) {
  auto ec = testing::EcKey();
  auto rsa = testing::RsaKey();
  ASSERT_TRUE(ec && rsa);
  // Self-signed with ECDSA / RSA.
  testing::ExpectCertError(
      ParseCertificateDer(testing::ForeignCert(ec.get(), ec.get(), nullptr)).status(),
      CertError::kNotEd25519);
  testing::ExpectCertError(
      ParseCertificateDer(testing::ForeignCert(rsa.get(), rsa.get(), nullptr)).status(),
      CertError::kNotEd25519);
  // An EC subject key under an Ed25519 signature.
  const auto ca = testing::MakeTestCa(1);
  auto ca_x509 = internal::DecodeX509(ca.der);
  testing::ExpectCertError(
      ParseCertificateDer(
          testing::ForeignCert(ec.get(), static_cast<EVP_PKEY*>(ca.key.native()), ca_x509.get()))
          .status(),
      CertError::kNotEd25519);
}

TEST(CertificateTest, ProfileWithoutSkidStillParses) {
  // ForeignCert with an Ed25519 key follows the profile except for the key identifiers, which
  // are informative only.
  const auto ca = testing::MakeTestCa(1);
  auto ca_x509 = internal::DecodeX509(ca.der);
  internal::EvpPkeyPtr leaf = internal::PublicEvp(testing::KeyFromSeed(5).public_key());
  auto info = ParseCertificateDer(
      testing::ForeignCert(leaf.get(), static_cast<EVP_PKEY*>(ca.key.native()), ca_x509.get()));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->subject, "FOREIGN-1");
  EXPECT_EQ(info->serial, "4d");
}

TEST(CertificateTest, OuMustMatchTheRolePolicy) {
  const auto ca = testing::MakeTestCa(1);
  auto ca_x509 = internal::DecodeX509(ca.der);
  internal::EvpPkeyPtr leaf = internal::PublicEvp(testing::KeyFromSeed(5).public_key());
  auto* signer = static_cast<EVP_PKEY*>(ca.key.native());
  testing::ExpectCertError(
      ParseCertificateDer(testing::ForeignCert(leaf.get(), signer, ca_x509.get(), "rsu")).status(),
      CertError::kMalformed);
  testing::ExpectCertError(
      ParseCertificateDer(testing::ForeignCert(leaf.get(), signer, ca_x509.get(), "truck"))
          .status(),
      CertError::kMalformed);
}

TEST(CertificateTest, RolesAndErrorsHaveStableNames) {
  EXPECT_EQ(RoleName(Role::kVehicle), "vehicle");
  EXPECT_EQ(RoleName(Role::kRsu), "rsu");
  EXPECT_EQ(ParseRole("rsu"), Role::kRsu);
  EXPECT_EQ(ParseRole("vehicle"), Role::kVehicle);
  EXPECT_FALSE(ParseRole("truck").has_value());
  EXPECT_FALSE(ParseRole("RSU").has_value());
  EXPECT_EQ(ToString(CertError::kRevoked), "Revoked");
  for (uint8_t v = 1; v <= 8; ++v) {
    const auto e = static_cast<CertError>(v);
    EXPECT_EQ(CertErrorOf(CertErrorStatus(e, "detail")), e) << ToString(e);
  }
  EXPECT_FALSE(CertErrorOf(Status::InvalidArgument("Revoked")).has_value());
  EXPECT_FALSE(CertErrorOf(Status::Internal("Revoked: x")).has_value());
}

TEST(CertificateTest, SubjectNameRules) {
  EXPECT_TRUE(CheckSubjectName("AB-123-CD").ok());
  EXPECT_TRUE(CheckSubjectName("rsu:north.7_b").ok());
  EXPECT_TRUE(CheckSubjectName(std::string(64, 'a')).ok());
  EXPECT_FALSE(CheckSubjectName("").ok());
  EXPECT_FALSE(CheckSubjectName(std::string(65, 'a')).ok());
  EXPECT_FALSE(CheckSubjectName(" AB").ok());
  EXPECT_FALSE(CheckSubjectName("AB ").ok());
  EXPECT_FALSE(CheckSubjectName("A,B").ok());
  EXPECT_FALSE(CheckSubjectName("A/CN=B").ok());
  EXPECT_FALSE(CheckSubjectName("A\tB").ok());
}

}  // namespace
}  // namespace v2v::crypto
