// Private helpers for the X.509 code in crypto/ (certificate, CRL, trust): owning pointers for
// OpenSSL objects, DER/PEM conversion, ASN.1 time and serial conversion. Not for other modules.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/ed25519.h"

namespace v2v::crypto::internal {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;

// Earliest and latest instants X.509 times can carry (0000-01-01 is not needed; 1970..9999).
inline constexpr int64_t kMinUnixTime = 0;
inline constexpr int64_t kMaxUnixTime = 253402300799;  // 9999-12-31T23:59:59Z

// d2i_X509 over all of `der`; null if it does not parse or has trailing bytes.
X509Ptr DecodeX509(ByteSpan der);
X509CrlPtr DecodeCrl(ByteSpan der);
Bytes EncodeX509(X509* cert);
Bytes EncodeCrl(X509_CRL* crl);
// The DER of a name, for issuer/subject comparison.
Bytes EncodeName(const X509_NAME* name);

// PEM <-> DER for one block with the given label ("CERTIFICATE", "X509 CRL").
Result<Bytes> PemToDer(const std::string& pem, const char* label);
std::string DerToPem(ByteSpan der, const char* label);

// ASN.1 UTCTime/GeneralizedTime -> seconds since the Unix epoch (UTC); nullopt if malformed.
std::optional<int64_t> ToUnix(const ASN1_TIME* t);
// Sets `t` to `unix_s`. REQUIRES: kMinUnixTime <= unix_s <= kMaxUnixTime.
bool SetUnix(ASN1_TIME* t, int64_t unix_s);

// Lower-case hex of the serial's magnitude without leading zeros ("0" for zero; "-" prefix if
// negative, which only foreign certificates carry).
std::optional<std::string> SerialHex(const ASN1_INTEGER* serial);
// The serial for canonical hex `hex`; null if `hex` is not canonical lower-case hex.
ASN1_INTEGER* SerialFromHex(const std::string& hex);

// A public EVP_PKEY for a raw Ed25519 key.
EvpPkeyPtr PublicEvp(const PublicKey& key);
// The raw key of an Ed25519 EVP_PKEY; nullopt for any other key type.
std::optional<PublicKey> RawEd25519(EVP_PKEY* pkey);

// The first (and required only) CN, or nullopt if there is not exactly one.
std::optional<std::string> SingleEntry(const X509_NAME* name, int nid);

}  // namespace v2v::crypto::internal
