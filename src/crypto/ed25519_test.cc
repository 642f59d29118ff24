#include "crypto/ed25519.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rapidcheck/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <vector>

namespace v2v::crypto {
namespace {

std::array<uint8_t, 32> Seed(const char* hex) {
  auto b = FromHex(hex);
  std::array<uint8_t, 32> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

template <size_t N>
std::array<uint8_t, N> Fixed(const char* hex) {
  auto b = FromHex(hex);
  std::array<uint8_t, N> out{};
  if (b && b->size() == N) std::copy(b->begin(), b->end(), out.begin());
  return out;
}

template <size_t N>
void FlipBit(std::array<uint8_t, N>& a, size_t bit) {
  a[bit / 8] = static_cast<uint8_t>(a[bit / 8] ^ (1u << (bit % 8)));
}

// RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
TEST(Ed25519Test, Rfc8032Vectors) {
  auto k = PrivateKey::FromSeed(
      Seed("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->public_key().Hex(),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  Signature s = k->Sign({});
  EXPECT_EQ(ToHex(s.bytes),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
            "701cf9b46b"
            "d25bf5f0595bbe24655141438e7a100b");
  auto k2 = PrivateKey::FromSeed(
      Seed("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
  const uint8_t msg[] = {0x72};
  EXPECT_EQ(ToHex(k2->Sign(msg).bytes),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f36"
            "13d0f11d8c"
            "387b2eaeb4302aeeb00d291612bb0c00");
}

// The same RFC 8032 vectors through Verify (libsodium), taken as published bytes.
TEST(Ed25519Test, VerifyAcceptsRfc8032Vectors) {
  const auto k1 = Fixed<32>("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const auto s1 = Fixed<64>(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9"
      "b46b"
      "d25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(Verify(PublicKey{k1}, {}, Signature{s1}));
  const auto k2 = Fixed<32>("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  const auto s2 = Fixed<64>(
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f1"
      "1d8c"
      "387b2eaeb4302aeeb00d291612bb0c00");
  const uint8_t msg[] = {0x72};
  EXPECT_TRUE(Verify(PublicKey{k2}, msg, Signature{s2}));
  EXPECT_FALSE(Verify(PublicKey{k2}, {}, Signature{s2}));
  EXPECT_FALSE(Verify(PublicKey{k1}, msg, Signature{s2}));
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

// Sign's signatures verify in both libraries: every bit of the signature and of the key matters,
// and both libraries give the same answer for each single-bit corruption.
TEST(Ed25519Test, SignedMessagesVerifyAndEveryBitFlipFailsInBoth) {
  auto a = PrivateKey::Generate();
  ASSERT_TRUE(a.ok());
  const Bytes msg(100, 0x5a);
  const Signature sig = a->Sign(msg);
  ASSERT_TRUE(Verify(a->public_key(), msg, sig));
  ASSERT_TRUE(VerifyWithOpenSsl(a->public_key(), msg, sig));
  for (size_t bit = 0; bit < 8 * sig.bytes.size(); ++bit) {
    Signature bad = sig;
    FlipBit(bad.bytes, bit);
    EXPECT_FALSE(Verify(a->public_key(), msg, bad)) << "signature bit " << bit;
    EXPECT_FALSE(VerifyWithOpenSsl(a->public_key(), msg, bad)) << "signature bit " << bit;
  }
  for (size_t bit = 0; bit < 8 * a->public_key().bytes.size(); ++bit) {
    PublicKey bad = a->public_key();
    FlipBit(bad.bytes, bit);
    EXPECT_FALSE(Verify(bad, msg, sig)) << "key bit " << bit;
    EXPECT_FALSE(VerifyWithOpenSsl(bad, msg, sig)) << "key bit " << bit;
  }
  for (size_t bit = 0; bit < 8 * msg.size(); bit += 7) {
    Bytes bad = msg;
    bad[bit / 8] = static_cast<uint8_t>(bad[bit / 8] ^ (1u << (bit % 8)));
    EXPECT_FALSE(Verify(a->public_key(), bad, sig)) << "message bit " << bit;
  }
}

// OpenSSL's EVP signature of `msg` by `key` (the signer PrivateKey::Sign used before libsodium).
Signature SignWithOpenSsl(const PrivateKey& key, const Bytes& msg) {
  Signature sig;
  size_t len = sig.bytes.size();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx != nullptr &&
                  EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr,
                                     static_cast<EVP_PKEY*>(key.native())) == 1 &&
                  EVP_DigestSign(ctx, sig.bytes.data(), &len, msg.data(), msg.size()) == 1 &&
                  len == 64;
  EVP_MD_CTX_free(ctx);
  if (!ok) sig.bytes.fill(0);
  return sig;
}

// Property: Sign (libsodium) makes byte for byte the signature OpenSSL makes with the same key,
// for keys from seeds, fresh keys and keys read back from PEM (RFC 8032 signing is deterministic,
// so every signature the ledger already holds is the one either library would make).
RC_GTEST_PROP(Ed25519Property, SignMakesOpenSslsBytes, ()) {
  const auto seed = *rc::gen::container<std::array<uint8_t, 32>>(rc::gen::arbitrary<uint8_t>());
  const auto msg = *rc::gen::container<Bytes>(rc::gen::arbitrary<uint8_t>());
  auto from_seed = PrivateKey::FromSeed(seed);
  RC_ASSERT(from_seed.ok());
  RC_ASSERT(from_seed->Sign(msg) == SignWithOpenSsl(*from_seed, msg));
  auto fresh = PrivateKey::Generate();
  RC_ASSERT(fresh.ok());
  auto pem = fresh->ToPem();
  RC_ASSERT(pem.ok());
  auto read_back = PrivateKey::FromPem(*pem);
  RC_ASSERT(read_back.ok());
  RC_ASSERT(read_back->public_key() == fresh->public_key());
  RC_ASSERT(fresh->Sign(msg) == SignWithOpenSsl(*fresh, msg));
  RC_ASSERT(read_back->Sign(msg) == fresh->Sign(msg));
  // A moved-to key signs as the original did.
  PrivateKey moved = std::move(*fresh);
  RC_ASSERT(moved.Sign(msg) == read_back->Sign(msg));
}

// Property: over random keys and messages, libsodium's Verify agrees with OpenSSL's EVP verify
// on the honest signature (both accept) and on a single-bit corruption of the message, the
// signature or the key (both refuse), and on an unrelated random signature.
RC_GTEST_PROP(Ed25519Property, LibsodiumVerifyAgreesWithOpenSsl, ()) {
  const auto seed = *rc::gen::container<std::array<uint8_t, 32>>(rc::gen::arbitrary<uint8_t>());
  const auto msg = *rc::gen::container<Bytes>(rc::gen::arbitrary<uint8_t>());
  auto key = PrivateKey::FromSeed(seed);
  RC_ASSERT(key.ok());
  const PublicKey pub = key->public_key();
  const Signature sig = key->Sign(msg);
  RC_ASSERT(Verify(pub, msg, sig));
  RC_ASSERT(VerifyWithOpenSsl(pub, msg, sig));

  Signature bad_sig = sig;
  FlipBit(bad_sig.bytes, *rc::gen::inRange<size_t>(0, 512));
  RC_ASSERT(Verify(pub, msg, bad_sig) == VerifyWithOpenSsl(pub, msg, bad_sig));
  RC_ASSERT(!Verify(pub, msg, bad_sig));

  PublicKey bad_key = pub;
  FlipBit(bad_key.bytes, *rc::gen::inRange<size_t>(0, 256));
  RC_ASSERT(Verify(bad_key, msg, sig) == VerifyWithOpenSsl(bad_key, msg, sig));
  RC_ASSERT(!Verify(bad_key, msg, sig));

  if (!msg.empty()) {
    Bytes bad_msg = msg;
    const size_t bit = *rc::gen::inRange<size_t>(0, 8 * msg.size());
    bad_msg[bit / 8] = static_cast<uint8_t>(bad_msg[bit / 8] ^ (1u << (bit % 8)));
    RC_ASSERT(Verify(pub, bad_msg, sig) == VerifyWithOpenSsl(pub, bad_msg, sig));
    RC_ASSERT(!Verify(pub, bad_msg, sig));
  }

  const Signature random_sig{
      *rc::gen::container<std::array<uint8_t, 64>>(rc::gen::arbitrary<uint8_t>())};
  RC_ASSERT(Verify(pub, msg, random_sig) == VerifyWithOpenSsl(pub, msg, random_sig));
}

// Small-order public keys are refused. With the identity as public key, [k]A is the identity
// for every k, so R = B, S = 1 satisfies the cofactorless equation [S]B = R + [k]A for ANY
// message: a key anyone can "sign" for. libsodium refuses it (small-order A); so it does the
// all-zero encoding (a point of order 4) and a small-order R.
TEST(Ed25519Test, SmallOrderPublicKeysAndRAreRejected) {
  const auto identity =
      Fixed<32>("0100000000000000000000000000000000000000000000000000000000000000");
  const auto base = Fixed<32>("5866666666666666666666666666666666666666666666666666666666666666");
  Signature forged;  // R = B, S = 1
  std::copy(base.begin(), base.end(), forged.bytes.begin());
  forged.bytes[32] = 1;
  for (const char* m : {"pay 5", "pay 500000", ""}) {
    // The construction is right: OpenSSL 3.0 (no small-order check) accepts it for any message.
    EXPECT_TRUE(VerifyWithOpenSsl(PublicKey{identity}, AsBytes(m), forged)) << m;
    EXPECT_FALSE(Verify(PublicKey{identity}, AsBytes(m), forged)) << m;
    EXPECT_FALSE(Verify(PublicKey{}, AsBytes(m), forged)) << m;  // all-zero key
  }
  // An honest key with a small-order R (the identity) and S = 0 is refused too.
  auto a = PrivateKey::Generate();
  ASSERT_TRUE(a.ok());
  Signature small_r;
  std::copy(identity.begin(), identity.end(), small_r.bytes.begin());
  EXPECT_FALSE(Verify(a->public_key(), AsBytes("pay 5"), small_r));
  // For an honest key, an honest signature still verifies.
  EXPECT_TRUE(Verify(a->public_key(), AsBytes("pay 5"), a->Sign(AsBytes("pay 5"))));
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
