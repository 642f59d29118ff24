#include "crypto/ca_trust.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

#include "crypto/crl.h"
#include "crypto/internal/cert_test_util.h"

namespace v2v::crypto {
namespace {

using testing::ExpectCertError;
using testing::kDay;
using testing::kT0;

class CaTrustTest : public ::testing::Test {
 protected:
  CaTrustTest()
      : ca_(testing::MakeTestCa(1)),
        cert_(testing::IssueTestCert(ca_, "AB-123-CD", Role::kVehicle, 7, 9)) {}

  CaTrust Trust() const { return CaTrust::Create(ca_.der).value(); }
  CaTrust TrustWithCrl(std::vector<RevokedEntry> revoked,
                       int64_t next_update = kT0 + 30 * kDay) const {
    auto crl = MakeCrl(ca_.key, ca_.der,
                       {.revoked = std::move(revoked),
                        .number = 1,
                        .this_update = kT0,
                        .next_update = next_update});
    EXPECT_TRUE(crl.ok()) << crl.status().ToString();
    auto trust = CaTrust::Create(ca_.der, *crl);
    EXPECT_TRUE(trust.ok()) << trust.status().ToString();
    return std::move(trust).value();
  }

  testing::TestCa ca_;
  Bytes cert_;
};

TEST_F(CaTrustTest, AcceptsAValidCertificate) {
  auto info = VerifyCertificate(cert_, Trust(), kT0 + 10 * kDay);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->subject, "AB-123-CD");
  EXPECT_TRUE(VerifyCertificate(cert_, Trust(), kT0 + 10 * kDay, Role::kVehicle).ok());
  EXPECT_TRUE(VerifyCertificate(cert_, TrustWithCrl({}), kT0 + 10 * kDay, Role::kVehicle).ok());
}

TEST_F(CaTrustTest, ValidityBoundsAreInclusive) {
  EXPECT_TRUE(VerifyCertificate(cert_, Trust(), kT0).ok());
  EXPECT_TRUE(VerifyCertificate(cert_, Trust(), kT0 + 365 * kDay).ok());
  ExpectCertError(VerifyCertificate(cert_, Trust(), kT0 - 1).status(), CertError::kNotYetValid);
  ExpectCertError(VerifyCertificate(cert_, Trust(), kT0 + 365 * kDay + 1).status(),
                  CertError::kExpired);
}

TEST_F(CaTrustTest, NotYetValidAndExpiredLeaves) {
  const Bytes future = testing::IssueTestCert(ca_, "AB-123-CD", Role::kVehicle, 7, 10,
                                              kT0 + 100 * kDay, kT0 + 200 * kDay);
  ExpectCertError(VerifyCertificate(future, Trust(), kT0 + 50 * kDay).status(),
                  CertError::kNotYetValid);
  ExpectCertError(VerifyCertificate(future, Trust(), kT0 + 250 * kDay).status(),
                  CertError::kExpired);
  EXPECT_TRUE(VerifyCertificate(future, Trust(), kT0 + 150 * kDay).ok());
}

TEST_F(CaTrustTest, ExpiredCaMakesItsCertificatesExpire) {
  const auto short_ca = testing::MakeTestCa(4, "Short CA", kT0, kT0 + 10 * kDay);
  const Bytes cert = testing::IssueTestCert(short_ca, "AB-123-CD", Role::kVehicle, 7, 9);
  auto trust = CaTrust::Create(short_ca.der);
  ASSERT_TRUE(trust.ok());
  EXPECT_TRUE(VerifyCertificate(cert, *trust, kT0 + 5 * kDay).ok());
  ExpectCertError(VerifyCertificate(cert, *trust, kT0 + 11 * kDay).status(), CertError::kExpired);
}

TEST_F(CaTrustTest, RevokedThroughTheCrl) {
  const Bytes other = testing::IssueTestCert(ca_, "XY-999-ZZ", Role::kVehicle, 8, 11);
  const CaTrust trust = TrustWithCrl({{"40000000000000000000000000000009", kT0 + kDay}});
  ExpectCertError(VerifyCertificate(cert_, trust, kT0 + 2 * kDay).status(), CertError::kRevoked);
  ExpectCertError(VerifyCertificate(cert_, trust, kT0 + 2 * kDay, Role::kVehicle).status(),
                  CertError::kRevoked);
  EXPECT_TRUE(VerifyCertificate(other, trust, kT0 + 2 * kDay).ok());
  ASSERT_TRUE(trust.crl().has_value());
  EXPECT_EQ(trust.crl()->revoked.size(), 1u);
}

TEST_F(CaTrustTest, StaleCrlIsRefused) {
  const CaTrust trust = TrustWithCrl({}, kT0 + 7 * kDay);
  EXPECT_TRUE(VerifyCertificate(cert_, trust, kT0 + 7 * kDay).ok());
  ExpectCertError(VerifyCertificate(cert_, trust, kT0 + 7 * kDay + 1).status(),
                  CertError::kStaleCrl);
}

TEST_F(CaTrustTest, CertificateOfAnotherCaHasABadSignature) {
  const auto other_ca = testing::MakeTestCa(2, "Other CA");
  const Bytes foreign = testing::IssueTestCert(other_ca, "AB-123-CD", Role::kVehicle, 7, 9);
  ExpectCertError(VerifyCertificate(foreign, Trust(), kT0 + kDay).status(),
                  CertError::kBadSignature);
  // Same CA name, different key: the issuer matches but the signature does not.
  const auto impostor = testing::MakeTestCa(2, "Test CA");
  const Bytes forged = testing::IssueTestCert(impostor, "AB-123-CD", Role::kVehicle, 7, 9);
  ExpectCertError(VerifyCertificate(forged, Trust(), kT0 + kDay).status(),
                  CertError::kBadSignature);
}

TEST_F(CaTrustTest, TamperedSignatureIsRefused) {
  Bytes tampered = cert_;
  tampered.back() ^= 0x01;  // the Ed25519 signature is the last 64 bytes of the DER
  ExpectCertError(VerifyCertificate(tampered, Trust(), kT0 + kDay).status(),
                  CertError::kBadSignature);
}

TEST_F(CaTrustTest, TamperedTbsIsRefused) {
  Bytes tampered = cert_;
  const std::string_view cn = "AB-123-CD";
  auto it = std::search(tampered.begin(), tampered.end(), cn.begin(), cn.end());
  ASSERT_NE(it, tampered.end());
  *it = 'X';  // "XB-123-CD": still a well-formed certificate, but not the one the CA signed
  ASSERT_TRUE(ParseCertificateDer(tampered).ok());
  ExpectCertError(VerifyCertificate(tampered, Trust(), kT0 + kDay).status(),
                  CertError::kBadSignature);
  // A flipped bit in the subject key.
  Bytes key_flip = cert_;
  const auto pub = testing::KeyFromSeed(7).public_key().bytes;
  auto k = std::search(key_flip.begin(), key_flip.end(), pub.begin(), pub.end());
  ASSERT_NE(k, key_flip.end());
  *k ^= 0x80;
  ExpectCertError(VerifyCertificate(key_flip, Trust(), kT0 + kDay).status(),
                  CertError::kBadSignature);
}

TEST_F(CaTrustTest, WrongRole) {
  ExpectCertError(VerifyCertificate(cert_, Trust(), kT0 + kDay, Role::kRsu).status(),
                  CertError::kWrongRole);
  const Bytes rsu = testing::IssueTestCert(ca_, "RSU-1", Role::kRsu, 8, 12);
  EXPECT_TRUE(VerifyCertificate(rsu, Trust(), kT0 + kDay, Role::kRsu).ok());
  ExpectCertError(VerifyCertificate(rsu, Trust(), kT0 + kDay, Role::kVehicle).status(),
                  CertError::kWrongRole);
}

TEST_F(CaTrustTest, NonEd25519Certificates) {
  auto rsa = testing::RsaKey();
  auto ec = testing::EcKey();
  auto ca_x509 = internal::DecodeX509(ca_.der);
  ExpectCertError(
      VerifyCertificate(testing::ForeignCert(rsa.get(), rsa.get(), nullptr), Trust(), kT0 + kDay)
          .status(),
      CertError::kNotEd25519);
  ExpectCertError(
      VerifyCertificate(
          testing::ForeignCert(ec.get(), static_cast<EVP_PKEY*>(ca_.key.native()), ca_x509.get()),
          Trust(), kT0 + kDay)
          .status(),
      CertError::kNotEd25519);
  // An RSA CA is not a trust anchor.
  ExpectCertError(CaTrust::Create(testing::ForeignCert(rsa.get(), rsa.get(), nullptr)).status(),
                  CertError::kNotEd25519);
}

TEST_F(CaTrustTest, MalformedInputs) {
  ExpectCertError(VerifyCertificate(Bytes{0x30, 0x00}, Trust(), kT0).status(),
                  CertError::kMalformed);
  ExpectCertError(CaTrust::Create(Bytes{1, 2, 3}).status(), CertError::kMalformed);
  ExpectCertError(CaTrust::Create(cert_).status(), CertError::kMalformed);  // a leaf is not a CA
  ExpectCertError(CaTrust::Create(ca_.der, Bytes{1, 2}).status(), CertError::kMalformed);
}

TEST_F(CaTrustTest, CrlOfAnotherCaIsRefused) {
  const auto other = testing::MakeTestCa(2, "Other CA");
  auto crl = MakeCrl(other.key, other.der,
                     {.revoked = {}, .number = 1, .this_update = kT0, .next_update = kT0 + kDay});
  ASSERT_TRUE(crl.ok());
  ExpectCertError(CaTrust::Create(ca_.der, *crl).status(), CertError::kBadSignature);
  // Same name, other key.
  const auto impostor = testing::MakeTestCa(2, "Test CA");
  auto forged =
      MakeCrl(impostor.key, impostor.der,
              {.revoked = {}, .number = 1, .this_update = kT0, .next_update = kT0 + kDay});
  ASSERT_TRUE(forged.ok());
  ExpectCertError(CaTrust::Create(ca_.der, *forged).status(), CertError::kBadSignature);
}

}  // namespace
}  // namespace v2v::crypto
