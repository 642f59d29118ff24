#include "crypto/ed25519.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/file_util.h"

namespace v2v::crypto {
namespace {

EVP_PKEY* Key(void* p) { return static_cast<EVP_PKEY*>(p); }

bool RawPublic(EVP_PKEY* pkey, PublicKey* out) {
  size_t len = out->bytes.size();
  return EVP_PKEY_get_raw_public_key(pkey, out->bytes.data(), &len) == 1 && len == 32;
}

// sodium_init() selects the implementations and must run once before any other call; a
// function-local static makes that happen exactly once, thread-safely. It fails only on a broken
// installation.
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

Result<PrivateKey> PrivateKey::Adopt(void* pkey) {
  if (pkey == nullptr) return Status::Internal("no Ed25519 key");
  PrivateKey k;
  k.pkey_ = pkey;
  std::array<uint8_t, 32> seed{};
  PublicKey derived;
  size_t len = seed.size();
  const bool ok =
      RawPublic(Key(pkey), &k.public_) &&
      EVP_PKEY_get_raw_private_key(Key(pkey), seed.data(), &len) == 1 && len == 32 &&
      SodiumReady() &&
      crypto_sign_seed_keypair(derived.bytes.data(), k.secret_.data(), seed.data()) == 0 &&
      derived == k.public_;  // both libraries derive the same public key
  sodium_memzero(seed.data(), seed.size());
  if (!ok) return Status::Internal("cannot read the Ed25519 private key");
  return k;
}
PrivateKey::PrivateKey(PrivateKey&& o) noexcept
    : pkey_(o.pkey_), public_(o.public_), secret_(o.secret_) {
  o.pkey_ = nullptr;
  sodium_memzero(o.secret_.data(), o.secret_.size());
}
PrivateKey& PrivateKey::operator=(PrivateKey&& o) noexcept {
  if (this != &o) {
    EVP_PKEY_free(Key(pkey_));
    pkey_ = o.pkey_;
    public_ = o.public_;
    secret_ = o.secret_;
    o.pkey_ = nullptr;
    sodium_memzero(o.secret_.data(), o.secret_.size());
  }
  return *this;
}
PrivateKey::~PrivateKey() {
  EVP_PKEY_free(Key(pkey_));
  sodium_memzero(secret_.data(), secret_.size());
}

Result<PrivateKey> PrivateKey::Generate() {
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  const bool ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &pkey) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return Status::Internal("Ed25519 key generation failed");
  return Adopt(pkey);
}

Result<PrivateKey> PrivateKey::FromSeed(const std::array<uint8_t, 32>& seed) {
  EVP_PKEY* pkey =
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size());
  if (pkey == nullptr) return Status::Internal("Ed25519 key from seed failed");
  return Adopt(pkey);
}

Result<PrivateKey> PrivateKey::FromPem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (pkey == nullptr) return Status::InvalidArgument("not a PEM private key");
  if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(pkey);
    return Status::InvalidArgument("PEM private key is not Ed25519");
  }
  return Adopt(pkey);
}

Signature PrivateKey::Sign(ByteSpan message) const {
  Signature sig;
  // Cannot fail for a key Adopt() accepted: a failure is a bug, not an input error.
  if (pkey_ == nullptr || crypto_sign_detached(sig.bytes.data(), nullptr, message.data(),
                                               message.size(), secret_.data()) != 0) {
    std::abort();
  }
  return sig;
}

Result<std::string> PrivateKey::ToPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio, Key(pkey_), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    BIO_free(bio);
    return Status::Internal("cannot encode private key as PEM");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

bool Verify(const PublicKey& key, ByteSpan message, const Signature& signature) {
  if (!SodiumReady()) std::abort();
  static_assert(sizeof(signature.bytes) == crypto_sign_BYTES);
  static_assert(sizeof(key.bytes) == crypto_sign_PUBLICKEYBYTES);
  return crypto_sign_verify_detached(signature.bytes.data(), message.data(), message.size(),
                                     key.bytes.data()) == 0;
}

bool VerifyWithOpenSsl(const PublicKey& key, ByteSpan message, const Signature& signature) {
  EVP_PKEY* pkey =
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.bytes.data(), key.bytes.size());
  if (pkey == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey) == 1 &&
                  EVP_DigestVerify(ctx, signature.bytes.data(), signature.bytes.size(),
                                   message.data(), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

Status WritePrivateFile(const std::string& path, const std::string& pem) {
  return WriteFileAtomic(path, pem, 0600);
}

}  // namespace v2v::crypto
