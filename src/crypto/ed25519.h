// Ed25519 keys and signatures (OpenSSL 3, EVP_PKEY_ED25519).
//
// A PrivateKey owns its OpenSSL key; it is movable, not copyable. Private keys are written to
// disk only as PKCS#8 PEM with mode 0600 (WritePrivateKeyPem).
#pragma once

#include <array>
#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace v2v::crypto {

struct PublicKey {
  std::array<uint8_t, 32> bytes{};
  auto operator<=>(const PublicKey&) const = default;
  std::string Hex() const { return ToHex(bytes); }
};

struct Signature {
  std::array<uint8_t, 64> bytes{};
  bool operator==(const Signature&) const = default;
};

class PrivateKey {
 public:
  // A fresh key from OpenSSL's CSPRNG.
  static Result<PrivateKey> Generate();
  // The key whose RFC 8032 seed is `seed` (deterministic; for tests and fixed fixtures).
  static Result<PrivateKey> FromSeed(const std::array<uint8_t, 32>& seed);
  static Result<PrivateKey> FromPem(const std::string& pem);

  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  ~PrivateKey();

  const PublicKey& public_key() const { return public_; }
  Signature Sign(ByteSpan message) const;
  Result<std::string> ToPem() const;  // PKCS#8, unencrypted
  // The OpenSSL key, for X.509 code in crypto/. Owned by this object.
  void* native() const { return pkey_; }

 private:
  explicit PrivateKey(void* pkey);
  void* pkey_;  // EVP_PKEY*
  PublicKey public_;
};

// True iff `signature` is `key`'s Ed25519 signature of `message`.
bool Verify(const PublicKey& key, ByteSpan message, const Signature& signature);

// Writes `pem` to `path` with mode 0600 (created or truncated), atomically (temp + rename).
Status WritePrivateFile(const std::string& path, const std::string& pem);

}  // namespace v2v::crypto
