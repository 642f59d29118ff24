#include "contract/x509_identity.h"

#include <gtest/gtest.h>

#include "crypto/certificate.h"
#include "crypto/certificate_issue.h"
#include "crypto/crl.h"
#include "crypto/hash.h"

namespace v2v::contract {
namespace {

constexpr int64_t kT0 = 1'800'000'000;
constexpr int64_t kDay = 86400;

crypto::PrivateKey Key(const std::string& name) {
  return std::move(crypto::PrivateKey::FromSeed(crypto::Sha256(AsBytes("x509test/" + name)).bytes))
      .value();
}
Bytes Serial(uint8_t b) {
  Bytes s(crypto::kSerialBytes, 0);
  s[0] = 1;
  s[crypto::kSerialBytes - 1] = b;
  return s;
}

struct Pki {
  crypto::PrivateKey ca = Key("ca");
  Bytes ca_der =
      *crypto::MakeCaCertificate(ca, {"Test CA", Serial(1), kT0 - 10 * kDay, kT0 + 100 * kDay});
  crypto::PrivateKey car = Key("car");
  Bytes car_der = *crypto::IssueCertificate(
      ca, ca_der,
      {"ZJ-A12345", crypto::Role::kVehicle, car.public_key(), Serial(2), kT0 - kDay, kT0 + kDay});
  Bytes rsu_der = *crypto::IssueCertificate(
      ca, ca_der,
      {"RSU-7", crypto::Role::kRsu, Key("rsu").public_key(), Serial(3), kT0 - kDay, kT0 + kDay});
};

chain::Reject X509CodeOf(const IdentityResult& r) {
  const auto* rej = std::get_if<chain::Rejection>(&r);
  return rej ? rej->code : static_cast<chain::Reject>(0);
}

TEST(X509IdentityTest, ValidCertificateGivesItsIdentity) {
  Pki p;
  X509IdentityVerifier v(*crypto::CaTrust::Create(p.ca_der));
  IdentityResult r = v.Verify(p.car_der, crypto::Role::kVehicle, kT0);
  ASSERT_TRUE(std::holds_alternative<Identity>(r)) << std::get<chain::Rejection>(r).ToString();
  const Identity& id = std::get<Identity>(r);
  EXPECT_EQ(id.id, "ZJ-A12345");
  EXPECT_EQ(id.key, p.car.public_key());
  EXPECT_EQ(id.cert_hash, crypto::Sha256(p.car_der));
  EXPECT_EQ(id.role, crypto::Role::kVehicle);
}

TEST(X509IdentityTest, EveryFailureHasItsTypedReason) {
  Pki p;
  X509IdentityVerifier v(*crypto::CaTrust::Create(p.ca_der));
  EXPECT_EQ(X509CodeOf(v.Verify(p.car_der, crypto::Role::kVehicle, kT0 + 2 * kDay)),
            chain::Reject::kCertExpired);
  EXPECT_EQ(X509CodeOf(v.Verify(p.car_der, crypto::Role::kVehicle, kT0 - 2 * kDay)),
            chain::Reject::kCertNotYetValid);
  EXPECT_EQ(X509CodeOf(v.Verify(p.rsu_der, crypto::Role::kVehicle, kT0)),
            chain::Reject::kWrongRole);
  EXPECT_EQ(X509CodeOf(v.Verify(AsBytes("not a certificate"), crypto::Role::kVehicle, kT0)),
            chain::Reject::kBadCertificate);
  Bytes tampered = p.car_der;
  tampered[tampered.size() - 5] ^= 1;  // inside the signature
  EXPECT_EQ(X509CodeOf(v.Verify(tampered, crypto::Role::kVehicle, kT0)),
            chain::Reject::kBadCertificate);
  // Issued by another CA.
  crypto::PrivateKey other = Key("other");
  Bytes other_ca =
      *crypto::MakeCaCertificate(other, {"Test CA", Serial(9), kT0 - kDay, kT0 + kDay});
  Bytes foreign = *crypto::IssueCertificate(
      other, other_ca,
      {"ZJ-B999", crypto::Role::kVehicle, p.car.public_key(), Serial(4), kT0 - kDay, kT0 + kDay});
  EXPECT_EQ(X509CodeOf(v.Verify(foreign, crypto::Role::kVehicle, kT0)),
            chain::Reject::kBadCertificate);
}

TEST(X509IdentityTest, RevokedThroughTheCrl) {
  Pki p;
  const std::string serial = crypto::ParseCertificateDer(p.car_der)->serial;
  auto crl =
      crypto::MakeCrl(p.ca, p.ca_der, {{{serial, kT0 - 100}}, 1, kT0 - 100, kT0 + 10 * kDay});
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  auto trust = crypto::CaTrust::Create(p.ca_der, *crl);
  ASSERT_TRUE(trust.ok()) << trust.status().ToString();
  X509IdentityVerifier v(*trust);
  EXPECT_EQ(X509CodeOf(v.Verify(p.car_der, crypto::Role::kVehicle, kT0)),
            chain::Reject::kCertRevoked);
  EXPECT_TRUE(std::holds_alternative<Identity>(v.Verify(p.rsu_der, crypto::Role::kRsu, kT0)));
}

// The memoised signature check must not make a certificate valid outside its dates later.
TEST(X509IdentityTest, MemoisedCertificateIsStillCheckedForTimeAndRole) {
  Pki p;
  X509IdentityVerifier v(*crypto::CaTrust::Create(p.ca_der));
  ASSERT_TRUE(std::holds_alternative<Identity>(v.Verify(p.car_der, crypto::Role::kVehicle, kT0)));
  EXPECT_EQ(X509CodeOf(v.Verify(p.car_der, crypto::Role::kVehicle, kT0 + 3 * kDay)),
            chain::Reject::kCertExpired);
  EXPECT_EQ(X509CodeOf(v.Verify(p.car_der, crypto::Role::kRsu, kT0)), chain::Reject::kWrongRole);
  EXPECT_TRUE(
      std::holds_alternative<Identity>(v.Verify(p.car_der, crypto::Role::kVehicle, kT0 + 100)));
}

// An account's stored hash gives the answer Verify gives, memoised or not, with the dates, the
// role and the CRL still checked at each call.
TEST(X509IdentityTest, VerifyKnownAnswersAsVerify) {
  Pki p;
  const std::string serial = crypto::ParseCertificateDer(p.rsu_der)->serial;
  auto crl = crypto::MakeCrl(p.ca, p.ca_der, {{{serial, kT0 - 100}}, 1, kT0 - 100, kT0 + kDay});
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  X509IdentityVerifier v(*crypto::CaTrust::Create(p.ca_der, *crl));
  const Hash32 car = crypto::Sha256(p.car_der);
  IdentityResult first = v.VerifyKnown(p.car_der, car, crypto::Role::kVehicle, kT0);
  ASSERT_TRUE(std::holds_alternative<Identity>(first));
  EXPECT_EQ(std::get<Identity>(first).id, "ZJ-A12345");
  EXPECT_EQ(std::get<Identity>(first).cert_hash, car);
  EXPECT_EQ(std::get<Identity>(first).key, p.car.public_key());
  for (int64_t at : {kT0, kT0 + 2 * kDay, kT0 - 2 * kDay}) {
    for (crypto::Role role : {crypto::Role::kVehicle, crypto::Role::kRsu}) {
      EXPECT_EQ(X509CodeOf(v.VerifyKnown(p.car_der, car, role, at)),
                X509CodeOf(v.Verify(p.car_der, role, at)));
    }
  }
  EXPECT_EQ(X509CodeOf(v.VerifyKnown(p.car_der, car, crypto::Role::kVehicle, kT0 + 2 * kDay)),
            chain::Reject::kCertExpired);
  EXPECT_EQ(
      X509CodeOf(v.VerifyKnown(p.rsu_der, crypto::Sha256(p.rsu_der), crypto::Role::kRsu, kT0)),
      chain::Reject::kCertRevoked);
  Bytes tampered = p.car_der;
  tampered[tampered.size() - 5] ^= 1;
  EXPECT_EQ(
      X509CodeOf(v.VerifyKnown(tampered, crypto::Sha256(tampered), crypto::Role::kVehicle, kT0)),
      chain::Reject::kBadCertificate);
}

}  // namespace
}  // namespace v2v::contract
