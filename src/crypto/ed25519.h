// Ed25519 keys and signatures. Keys and PEM use OpenSSL 3 (EVP_PKEY_ED25519), as does the X.509
// code in crypto/; signing (PrivateKey::Sign) and verification (Verify) use libsodium: its verify
// is about 2x faster here than OpenSSL's EVP verify, which bounded the ledger's throughput, and
// its sign about 2.4x faster than an EVP sign, which bounded the vehicle load generator
// (docs/benchmarks.md). Ed25519 signing is deterministic (RFC 8032), so both libraries make the
// same bytes (ed25519_test.cc checks it).
//
// A PrivateKey owns its OpenSSL key and libsodium's copy of the secret (seed and public key,
// wiped on destruction); it is movable, not copyable. Private keys are written to disk only as
// PKCS#8 PEM with mode 0600 (WritePrivateKeyPem).
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
  // Takes ownership of `pkey` (freed on failure): fails only on a broken OpenSSL.
  static Result<PrivateKey> Adopt(void* pkey);
  PrivateKey() = default;
  void* pkey_ = nullptr;  // EVP_PKEY*
  PublicKey public_;
  std::array<uint8_t, 64> secret_{};  // libsodium's secret key: the RFC 8032 seed, then public_
};

// True iff `signature` is `key`'s Ed25519 signature of `message` (RFC 8032, pure Ed25519).
//
// Verified by libsodium (crypto_sign_verify_detached), not OpenSSL. libsodium 1.0.18 is at least
// as strict as OpenSSL 3: besides the RFC 8032 checks (S < L, A decodes, the cofactorless
// equation [S]B = R + [k]A on the encodings) it rejects non-canonical public key encodings and
// public keys and R of small order, which no honest signer produces; so every signature made by
// PrivateKey::Sign (or any honest RFC 8032 signer) verifies, and both libraries agree on honest
// signatures and on their corruptions (ed25519_test.cc checks this against OpenSSL). Consensus
// is unaffected because every node checks every ledger signature (transactions, meter
// co-signatures, seals) through this one function, so all nodes accept exactly the same set.
// Thread-safe; initialises libsodium on first use.
bool Verify(const PublicKey& key, ByteSpan message, const Signature& signature);

// The same check by OpenSSL 3's EVP interface (a key object per call), which Verify used before
// libsodium: the reference in ed25519_test.cc and the baseline in bench_ledger. Never on the
// consensus path (the libraries differ on signatures no honest signer makes; see above).
bool VerifyWithOpenSsl(const PublicKey& key, ByteSpan message, const Signature& signature);

// Writes `pem` to `path` with mode 0600 (created or truncated), atomically (temp + rename).
Status WritePrivateFile(const std::string& path, const std::string& pem);

}  // namespace v2v::crypto
