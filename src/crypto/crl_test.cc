#include "crypto/crl.h"

#include <gtest/gtest.h>

#include "crypto/internal/cert_test_util.h"

namespace v2v::crypto {
namespace {

using testing::ExpectCertError;
using testing::kDay;
using testing::kT0;

TEST(CrlTest, RoundTrip) {
  const auto ca = testing::MakeTestCa(1);
  auto der = MakeCrl(ca.key, ca.der,
                     {.revoked = {{"ff", kT0 + 5}, {"40000000000000000000000000000009", kT0 + 6}},
                      .number = 42,
                      .this_update = kT0 + 10,
                      .next_update = kT0 + 7 * kDay});
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  auto info = ParseCrlDer(*der, ca.der);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->number, 42u);
  EXPECT_EQ(info->this_update, kT0 + 10);
  EXPECT_EQ(info->next_update, kT0 + 7 * kDay);
  EXPECT_EQ(info->revoked, (std::set<std::string>{"ff", "40000000000000000000000000000009"}));
  EXPECT_EQ(info->der, *der);
  const std::string pem = CrlDerToPem(*der);
  EXPECT_EQ(pem.rfind("-----BEGIN X509 CRL-----\n", 0), 0u);
  auto back = CrlPemToDer(pem);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *der);
}

TEST(CrlTest, EmptyCrl) {
  const auto ca = testing::MakeTestCa(1);
  auto der =
      MakeCrl(ca.key, ca.der, {.revoked = {}, .number = 1, .this_update = kT0, .next_update = kT0});
  ASSERT_TRUE(der.ok());
  auto info = ParseCrlDer(*der, ca.der);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_TRUE(info->revoked.empty());
}

TEST(CrlTest, RefusesBadRequests) {
  const auto ca = testing::MakeTestCa(1);
  const auto other = testing::MakeTestCa(2);
  const CrlRequest good{.revoked = {}, .number = 1, .this_update = kT0, .next_update = kT0 + kDay};
  EXPECT_EQ(MakeCrl(other.key, ca.der, good).status().code(), StatusCode::kInvalidArgument);
  auto bad = good;
  bad.next_update = kT0 - 1;
  EXPECT_EQ(MakeCrl(ca.key, ca.der, bad).status().code(), StatusCode::kInvalidArgument);
  for (const char* serial : {"", "0ff", "FF", "xyz", "-1"}) {
    bad = good;
    bad.revoked = {{serial, kT0}};
    EXPECT_EQ(MakeCrl(ca.key, ca.der, bad).status().code(), StatusCode::kInvalidArgument) << serial;
  }
}

TEST(CrlTest, TamperedCrlIsRefused) {
  const auto ca = testing::MakeTestCa(1);
  auto der = MakeCrl(
      ca.key, ca.der,
      {.revoked = {{"abc", kT0}}, .number = 3, .this_update = kT0, .next_update = kT0 + kDay});
  ASSERT_TRUE(der.ok());
  Bytes sig_flip = *der;
  sig_flip.back() ^= 1;
  ExpectCertError(ParseCrlDer(sig_flip, ca.der).status(), CertError::kBadSignature);
  Bytes truncated(der->begin(), der->end() - 1);
  ExpectCertError(ParseCrlDer(truncated, ca.der).status(), CertError::kMalformed);
  ExpectCertError(CrlPemToDer("nope").status(), CertError::kMalformed);
}

}  // namespace
}  // namespace v2v::crypto
