#include "crypto/internal/openssl_util.h"

#include <openssl/bn.h>
#include <openssl/pem.h>

#include <cctype>
#include <cstring>
#include <ctime>

namespace v2v::crypto::internal {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

long MemData(BIO* bio, char** data) { return BIO_get_mem_data(bio, data); }

}  // namespace

X509Ptr DecodeX509(ByteSpan der) {
  if (der.empty() || der.size() > (1u << 20)) return nullptr;
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert == nullptr || p != der.data() + der.size()) return nullptr;
  return cert;
}

X509CrlPtr DecodeCrl(ByteSpan der) {
  if (der.empty() || der.size() > (1u << 24)) return nullptr;
  const unsigned char* p = der.data();
  X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  if (crl == nullptr || p != der.data() + der.size()) return nullptr;
  return crl;
}

Bytes EncodeX509(X509* cert) {
  unsigned char* buf = nullptr;
  const int n = i2d_X509(cert, &buf);
  if (n <= 0) return {};
  Bytes out(buf, buf + n);
  OPENSSL_free(buf);
  return out;
}

Bytes EncodeCrl(X509_CRL* crl) {
  unsigned char* buf = nullptr;
  const int n = i2d_X509_CRL(crl, &buf);
  if (n <= 0) return {};
  Bytes out(buf, buf + n);
  OPENSSL_free(buf);
  return out;
}

Bytes EncodeName(const X509_NAME* name) {
  const unsigned char* p = nullptr;
  size_t len = 0;
  if (name == nullptr || X509_NAME_get0_der(const_cast<X509_NAME*>(name), &p, &len) != 1) return {};
  return Bytes(p, p + len);
}

Result<Bytes> PemToDer(const std::string& pem, const char* label) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return Status::Internal("out of memory");
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
    return Status::InvalidArgument(std::string("not PEM (expected BEGIN ") + label + ")");
  }
  const bool match = std::strcmp(name, label) == 0;
  Bytes der(data, data + len);
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (!match) return Status::InvalidArgument(std::string("PEM block is not ") + label);
  return der;
}

std::string DerToPem(ByteSpan der, const char* label) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio(bio.get(), label, "", der.data(), static_cast<long>(der.size())) <= 0) {
    return {};
  }
  char* data = nullptr;
  const long n = MemData(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::optional<int64_t> ToUnix(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_check(t) != 1 || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  const int64_t days =
      DaysFromCivil(int64_t{tm.tm_year} + 1900, int64_t{tm.tm_mon} + 1, tm.tm_mday);
  return days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

bool SetUnix(ASN1_TIME* t, int64_t unix_s) {
  if (unix_s < kMinUnixTime || unix_s > kMaxUnixTime) return false;
  return ASN1_TIME_set(t, static_cast<time_t>(unix_s)) != nullptr;
}

std::optional<std::string> SerialHex(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (bn == nullptr) return std::nullopt;
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return std::nullopt;
  std::string out(hex);
  OPENSSL_free(hex);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool negative = !out.empty() && out[0] == '-';
  const size_t first = out.find_first_not_of('0', negative ? 1 : 0);
  if (first == std::string::npos) return std::string("0");
  return (negative ? "-" : "") + out.substr(first);
}

ASN1_INTEGER* SerialFromHex(const std::string& hex) {
  if (hex.empty() || hex.size() > 40 || (hex.size() > 1 && hex[0] == '0')) return nullptr;
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c))) {
      return nullptr;
    }
  }
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, hex.c_str()) == 0) return nullptr;
  BignumPtr bn(raw);
  return BN_to_ASN1_INTEGER(bn.get(), nullptr);
}

EvpPkeyPtr PublicEvp(const PublicKey& key) {
  return EvpPkeyPtr(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.bytes.data(), key.bytes.size()));
}

std::optional<PublicKey> RawEd25519(EVP_PKEY* pkey) {
  if (pkey == nullptr || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) return std::nullopt;
  PublicKey out;
  size_t len = out.bytes.size();
  if (EVP_PKEY_get_raw_public_key(pkey, out.bytes.data(), &len) != 1 || len != 32)
    return std::nullopt;
  return out;
}

std::optional<std::string> SingleEntry(const X509_NAME* name, int nid) {
  if (name == nullptr) return std::nullopt;
  const int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0 || X509_NAME_get_index_by_NID(name, nid, i) >= 0) return std::nullopt;
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, s);
  if (n < 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace v2v::crypto::internal
