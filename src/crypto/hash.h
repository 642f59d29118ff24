// SHA-256 (OpenSSL). Every hash in v2vtrade is SHA-256 over canonical bytes (codec/).
#pragma once

#include "base/bytes.h"

namespace v2v::crypto {

Hash32 Sha256(ByteSpan data);

// Incremental hashing for data produced in pieces. Not thread-safe; one owner.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(ByteSpan data);
  Hash32 Finish();  // REQUIRES: called once

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace v2v::crypto
