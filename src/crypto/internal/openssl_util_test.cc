#include "crypto/internal/openssl_util.h"

#include <gtest/gtest.h>

namespace v2v::crypto::internal {
namespace {

TEST(OpensslUtilTest, TimeRoundTrip) {
  for (int64_t t : {int64_t{0}, int64_t{951782400} /* 2000-02-29 */, int64_t{1767225600},
                    int64_t{2524607999} /* 2049-12-31T23:59:59 (last UTCTime) */,
                    int64_t{2524608000}, int64_t{4102444800}, kMaxUnixTime}) {
    Asn1TimePtr a(ASN1_TIME_new());
    ASSERT_TRUE(SetUnix(a.get(), t)) << t;
    EXPECT_EQ(ToUnix(a.get()), t);
  }
  Asn1TimePtr a(ASN1_TIME_new());
  EXPECT_FALSE(SetUnix(a.get(), -1));
  EXPECT_FALSE(SetUnix(a.get(), kMaxUnixTime + 1));
  EXPECT_FALSE(ToUnix(nullptr).has_value());
}

TEST(OpensslUtilTest, SerialHexIsCanonical) {
  for (const std::string hex :
       {"1", "ff", "100", "40000000000000000000000000000009", "ffffffffffffffffffffffffffffffff"}) {
    std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>> n(SerialFromHex(hex));
    ASSERT_NE(n, nullptr) << hex;
    EXPECT_EQ(SerialHex(n.get()), hex);
  }
  for (const std::string& hex :
       std::vector<std::string>{"", "01", "FF", "g", "-1", std::string(41, 'f')}) {
    EXPECT_EQ(SerialFromHex(hex), nullptr) << hex;
  }
}

TEST(OpensslUtilTest, PemLabelsMustMatch) {
  const Bytes der{1, 2, 3};
  const std::string pem = DerToPem(der, "CERTIFICATE");
  auto back = PemToDer(pem, "CERTIFICATE");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, der);
  EXPECT_FALSE(PemToDer(pem, "X509 CRL").ok());
  EXPECT_FALSE(PemToDer("", "CERTIFICATE").ok());
}

}  // namespace
}  // namespace v2v::crypto::internal
