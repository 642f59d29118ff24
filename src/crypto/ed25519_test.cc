#include "crypto/ed25519.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

namespace v2v::crypto {
namespace {

std::array<uint8_t, 32> Seed(const char* hex) {
  auto b = FromHex(hex);
  std::array<uint8_t, 32> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

// RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
TEST(Ed25519Test, Rfc8032Vectors) {
  auto k = PrivateKey::FromSeed(Seed("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->public_key().Hex(), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  Signature s = k->Sign({});
  EXPECT_EQ(ToHex(s.bytes),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
            "d25bf5f0595bbe24655141438e7a100b");
  auto k2 = PrivateKey::FromSeed(Seed("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
  const uint8_t msg[] = {0x72};
  EXPECT_EQ(ToHex(k2->Sign(msg).bytes),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c"
            "387b2eaeb4302aeeb00d291612bb0c00");
}

TEST(Ed25519Test, VerifyAcceptsOnlyTheRightKeyMessageAndSignature) {
  auto a = PrivateKey::Generate();
  auto b = PrivateKey::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  Signature s = a->Sign(AsBytes("pay 5"));
  EXPECT_TRUE(Verify(a->public_key(), AsBytes("pay 5"), s));
  EXPECT_FALSE(Verify(b->public_key(), AsBytes("pay 5"), s));
  EXPECT_FALSE(Verify(a->public_key(), AsBytes("pay 6"), s));
  s.bytes[10] ^= 1;
  EXPECT_FALSE(Verify(a->public_key(), AsBytes("pay 5"), s));
}

TEST(Ed25519Test, PemRoundTripAndPrivateFileMode) {
  auto a = PrivateKey::Generate();
  auto pem = a->ToPem();
  ASSERT_TRUE(pem.ok());
  auto back = PrivateKey::FromPem(*pem);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->public_key(), a->public_key());
  EXPECT_FALSE(PrivateKey::FromPem("-----BEGIN NONSENSE-----").ok());
  const std::string path = (std::filesystem::temp_directory_path() / "v2v_key_test.pem").string();
  ASSERT_TRUE(WritePrivateFile(path, *pem).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace v2v::crypto
