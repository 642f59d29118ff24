// A certificate authority's state on disk, in one directory:
//   ca.pem       the self-signed CA certificate (PEM), mode 0644
//   ca.key       the CA's Ed25519 private key (PKCS#8 PEM), mode 0600; refused if group/other
//                may read it
//   issued.txt   one line per issued certificate: serial \t role \t notAfter (Unix s) \t subject
//   revoked.txt  one line per revoked certificate: serial \t revocation time (Unix s)
//   crlnumber    the crlNumber of the last CRL generated (decimal); absent before the first
// Every file is replaced atomically (write temp, fsync, rename). Serials are random 128-bit and
// unique within issued.txt.
//
// The caller passes the time (`now_unix_s`); nothing here reads the clock. Not thread-safe, and
// not safe for two processes on one directory at once (no file lock).
//
// Errors: InvalidArgument for bad requests (subject, days); FailedPrecondition when the
// directory is not a usable CA (missing or unreadable files, key/certificate mismatch, CA
// expired) or Init would overwrite one; IoError when writing fails.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/ca_trust.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "crypto/ed25519.h"

namespace v2v::crypto {

inline constexpr int64_t kSecondsPerDay = 86400;
inline constexpr int64_t kMaxValidityDays = 36500;

class CaStore {
 public:
  // Creates a CA in `dir` (created with mode 0700 if missing; must be empty if present), valid
  // for `days` from `now_unix_s`, with a fresh key.
  static Result<CaStore> Init(const std::string& dir, const std::string& name, int64_t now_unix_s,
                              int64_t days);
  // Opens the CA in `dir` and checks that ca.key belongs to ca.pem.
  static Result<CaStore> Open(const std::string& dir);

  CaStore(CaStore&&) noexcept = default;
  CaStore& operator=(CaStore&&) noexcept = default;

  const CaInfo& ca() const { return ca_; }
  // The CA's signing key, for what the CA itself must sign beyond certificates and CRLs (the
  // ledger's on-chain Revoke transaction, docs/spec/contract.md C-3.5).
  const PrivateKey& key() const { return key_; }
  const std::string& dir() const { return dir_; }

  // Issues a certificate (DER) for `subject_key`, valid from now for `days`, and records it in
  // issued.txt. InvalidArgument if it would outlive the CA certificate.
  Result<Bytes> Issue(const std::string& subject, Role role, const PublicKey& subject_key,
                      int64_t now_unix_s, int64_t days);
  // Puts the certificate on the revocation list. The certificate must have been signed by this
  // CA (kBadSignature otherwise); it may have expired. Returns false if it already was revoked.
  Result<bool> Revoke(ByteSpan cert_der, int64_t now_unix_s);
  // A CRL (DER) of every revoked certificate, thisUpdate = now, nextUpdate = now + days, with the
  // next crlNumber (recorded in crlnumber).
  Result<Bytes> GenerateCrl(int64_t now_unix_s, int64_t days);

  Result<std::vector<RevokedEntry>> RevokedList() const;
  // Serials in issued.txt.
  Result<std::vector<std::string>> IssuedSerials() const;

 private:
  CaStore(std::string dir, PrivateKey key, CaInfo ca)
      : dir_(std::move(dir)), key_(std::move(key)), ca_(std::move(ca)) {}
  std::string Path(const char* name) const { return dir_ + "/" + name; }

  std::string dir_;
  PrivateKey key_;
  CaInfo ca_;
};

}  // namespace v2v::crypto
