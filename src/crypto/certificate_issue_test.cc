#include "crypto/certificate_issue.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/ca_trust.h"
#include "crypto/internal/cert_test_util.h"

namespace v2v::crypto {
namespace {

using testing::kDay;
using testing::kT0;

TEST(CertificateIssueTest, CaCertificateFollowsTheProfile) {
  const auto ca = testing::MakeTestCa(3, "Jinhua CA");
  auto info = ParseCaCertificateDer(ca.der);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->name, "Jinhua CA");
  EXPECT_EQ(info->public_key, ca.key.public_key());
  EXPECT_EQ(info->not_before, kT0);
  EXPECT_EQ(info->not_after, kT0 + 3650 * kDay);
}

TEST(CertificateIssueTest, SameInputsSameBytes) {
  // Ed25519 is deterministic, so a certificate is a pure function of its request.
  const auto ca = testing::MakeTestCa(1);
  EXPECT_EQ(testing::IssueTestCert(ca, "AB-123-CD", Role::kVehicle, 7, 9),
            testing::IssueTestCert(ca, "AB-123-CD", Role::kVehicle, 7, 9));
  EXPECT_EQ(testing::MakeTestCa(1).der, ca.der);
}

TEST(CertificateIssueTest, DatesBeyond2049UseGeneralizedTime) {
  const int64_t y2100 = 4102444800;  // 2100-01-01
  const auto ca = testing::MakeTestCa(1, "Test CA", kT0, y2100 + 10 * kDay);
  auto info = ParseCertificateDer(
      testing::IssueTestCert(ca, "AB-123-CD", Role::kVehicle, 7, 9, kT0, y2100));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->not_after, y2100);
}

TEST(CertificateIssueTest, RefusesBadRequests) {
  const auto ca = testing::MakeTestCa(1);
  IssueRequest good{.subject = "AB-123-CD",
                    .role = Role::kVehicle,
                    .subject_key = testing::KeyFromSeed(7).public_key(),
                    .serial = testing::SerialOf(1),
                    .not_before = kT0,
                    .not_after = kT0 + kDay};
  ASSERT_TRUE(IssueCertificate(ca.key, ca.der, good).ok());
  auto bad = good;
  bad.subject = "A,B";
  EXPECT_EQ(IssueCertificate(ca.key, ca.der, bad).status().code(), StatusCode::kInvalidArgument);
  bad = good;
  bad.serial = Bytes(16, 0);
  EXPECT_EQ(IssueCertificate(ca.key, ca.der, bad).status().code(), StatusCode::kInvalidArgument);
  bad = good;
  bad.serial = Bytes(8, 1);
  EXPECT_EQ(IssueCertificate(ca.key, ca.der, bad).status().code(), StatusCode::kInvalidArgument);
  bad = good;
  bad.not_after = kT0 - 1;
  EXPECT_EQ(IssueCertificate(ca.key, ca.der, bad).status().code(), StatusCode::kInvalidArgument);
  bad = good;
  bad.not_before = -1;
  EXPECT_EQ(IssueCertificate(ca.key, ca.der, bad).status().code(), StatusCode::kInvalidArgument);
  // The key of another CA.
  const auto other = testing::MakeTestCa(2);
  EXPECT_EQ(IssueCertificate(other.key, ca.der, good).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(IssueCertificate(ca.key, Bytes{1, 2, 3}, good).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      MakeCaCertificate(
          ca.key, {.name = "", .serial = testing::SerialOf(1), .not_before = 0, .not_after = 1})
          .status()
          .code(),
      StatusCode::kInvalidArgument);
}

TEST(CertificateIssueTest, RandomSerialsAre16BytesAndDiffer) {
  std::set<Bytes> seen;
  for (int i = 0; i < 50; ++i) {
    auto s = RandomSerial();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->size(), kSerialBytes);
    seen.insert(*s);
  }
  EXPECT_EQ(seen.size(), 50u);
}

}  // namespace
}  // namespace v2v::crypto
