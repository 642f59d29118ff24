// Chain export and import in the canonical encoding (docs/spec/encoding.md, "v2v.export"):
//   tag "v2v.export" v1 || blob genesis || u64 n || n x blob block (heights 1..n in order)
//   || SHA-256 of all the preceding bytes
// The trailing hash catches corruption early; import then re-validates every block through
// Ledger::Append exactly as if it came from a peer, so even a well-hashed forgery is refused.
//
// Reading is streamed: ExportReader holds one block at a time, and a declared length above
// kMaxExportBlobBytes is refused before anything is allocated for it, so an export of any size,
// or an endless or hostile input (/dev/zero, random bytes, a huge length prefix), costs bounded
// memory and ends in one Corruption naming what is wrong and where.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>

#include "codec/codec.h"
#include "crypto/hash.h"
#include "node/ledger.h"

namespace v2v::node {

// The largest genesis or block an export may carry: the codec's cap on any length prefix.
inline constexpr uint32_t kMaxExportBlobBytes = codec::kMaxFieldBytes;

Result<Bytes> ExportChain(const Ledger& ledger);

// Reads one export from `in` piece by piece, hashing what it reads. Errors: Corruption for bytes
// that are not one canonical export (empty, wrong tag or version, truncated, a length above the
// limit, an undecodable genesis or block, a checksum mismatch, bytes after the checksum);
// IoError if the stream fails. `in` must outlive the reader. Single owner, not thread-safe.
class ExportReader {
 public:
  explicit ExportReader(std::istream& in) : in_(in) {}

  // The tag, the genesis and the block count. Call first, once.
  Result<contract::Genesis> ReadHeader();
  uint64_t block_count() const { return count_; }
  // The next block (heights 1, 2, ...). REQUIRES: ReadHeader succeeded; fewer than
  // block_count() blocks read.
  Result<chain::Block> NextBlock();
  // Reads the trailing SHA-256, compares it with the bytes read, and requires the end of input.
  // REQUIRES: every block read.
  Status Finish();

 private:
  Status Read(size_t n, Bytes* out, const char* what);
  Result<Bytes> ReadBlob(const char* what);
  Result<uint64_t> ReadU64(const char* what);

  std::istream& in_;
  crypto::Sha256Hasher hasher_;
  uint64_t offset_ = 0;  // bytes read so far
  uint64_t count_ = 0;
  uint64_t next_ = 1;  // height of the next block
};

// One pass over an export without storing anything: OK iff ImportChain would find every byte
// well formed (blocks are decoded, not executed). Returns the block count.
Result<uint64_t> VerifyExport(std::istream& in);

struct ImportedChain {
  contract::Genesis genesis;
  std::vector<chain::Block> blocks;
};
// The whole export in memory (tests and the fuzzer; the CLI streams). Corruption for anything
// but one canonical export with a matching hash.
Result<ImportedChain> DecodeExport(ByteSpan bytes);

// Imports into an empty store, one block at a time; the ledger is left at the last valid block
// on failure (run VerifyExport first to refuse a malformed export before anything is written).
Result<std::unique_ptr<Ledger>> ImportChain(std::unique_ptr<store::KvStore> kv, std::istream& in,
                                            LedgerOptions options = {});
// Verifies, then imports, an export held in memory.
Result<std::unique_ptr<Ledger>> ImportChain(std::unique_ptr<store::KvStore> kv, ByteSpan bytes,
                                            LedgerOptions options = {});

}  // namespace v2v::node
