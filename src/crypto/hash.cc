#include "crypto/hash.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace v2v::crypto {
namespace {

// OpenSSL 3 looks EVP_sha256() up in its provider store, under a lock, on every
// EVP_DigestInit_ex; the implementation fetched once here serves every hasher (the store's
// lock and the lookup were about a tenth of the network simulation's time).
const EVP_MD* FetchedSha256() {
  static EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) std::abort();
    return fetched;
  }();
  return md;
}

}  // namespace

struct Sha256Hasher::Impl {
  EVP_MD_CTX* ctx;
};

Sha256Hasher::Sha256Hasher() : impl_(new Impl{EVP_MD_CTX_new()}) {
  if (impl_->ctx == nullptr || EVP_DigestInit_ex(impl_->ctx, FetchedSha256(), nullptr) != 1)
    std::abort();
}

Sha256Hasher::~Sha256Hasher() {
  EVP_MD_CTX_free(impl_->ctx);
  delete impl_;
}

void Sha256Hasher::Update(ByteSpan data) {
  if (EVP_DigestUpdate(impl_->ctx, data.data(), data.size()) != 1) std::abort();
}

Hash32 Sha256Hasher::Finish() {
  Hash32 out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, out.bytes.data(), &len) != 1 || len != 32) std::abort();
  return out;
}

Hash32 Sha256(ByteSpan data) {
  Sha256Hasher h;
  h.Update(data);
  return h.Finish();
}

}  // namespace v2v::crypto
