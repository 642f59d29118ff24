#include "node/export.h"

#include <algorithm>
#include <streambuf>
#include <string>

#include "store/schema.h"

namespace v2v::node {
namespace {

constexpr std::string_view kTag = "v2v.export";
constexpr size_t kChunk = 64 * 1024;

// A read-only std::streambuf over bytes held by the caller (no copy).
class SpanBuf : public std::streambuf {
 public:
  explicit SpanBuf(ByteSpan bytes) {
    char* p = const_cast<char*>(reinterpret_cast<const char*>(bytes.data()));
    setg(p, p, p + bytes.size());
  }
};

}  // namespace

Result<Bytes> ExportChain(const Ledger& ledger) {
  codec::Writer w(kTag);
  w.Blob(contract::EncodeGenesis(ledger.genesis()));
  w.U64(ledger.head().height);
  for (uint64_t h = 1; h <= ledger.head().height; ++h) {
    V2V_ASSIGN_OR_RETURN(chain::Block b, ledger.BlockAt(h));
    w.Blob(chain::EncodeBlock(b));
  }
  Bytes out = w.Take();
  const Hash32 sum = crypto::Sha256(out);
  out.insert(out.end(), sum.bytes.begin(), sum.bytes.end());
  return out;
}

// Reads exactly n bytes into *out (replacing it), in chunks, so memory follows the bytes that
// actually arrive rather than what a length prefix claims.
Status ExportReader::Read(size_t n, Bytes* out, const char* what) {
  out->clear();
  while (out->size() < n) {
    const size_t want = std::min(kChunk, n - out->size());
    const size_t old = out->size();
    out->resize(old + want);
    in_.read(reinterpret_cast<char*>(out->data() + old), static_cast<std::streamsize>(want));
    const size_t got = static_cast<size_t>(in_.gcount());
    out->resize(old + got);
    offset_ += got;
    if (got < want) {
      if (in_.bad())
        return Status::IoError("export: read failed at byte " + std::to_string(offset_));
      if (offset_ == 0) return Status::Corruption("export is empty");
      return Status::Corruption("export truncated at byte " + std::to_string(offset_) +
                                " (reading " + what + ")");
    }
  }
  return Status::Ok();
}

Result<uint64_t> ExportReader::ReadU64(const char* what) {
  Bytes b;
  V2V_RETURN_IF_ERROR(Read(8, &b, what));
  hasher_.Update(b);
  codec::Reader r(b);
  return r.U64();
}

Result<Bytes> ExportReader::ReadBlob(const char* what) {
  Bytes len_bytes;
  V2V_RETURN_IF_ERROR(Read(4, &len_bytes, what));
  hasher_.Update(len_bytes);
  codec::Reader r(len_bytes);
  const uint32_t len = r.U32();
  if (len > kMaxExportBlobBytes) {
    return Status::Corruption(std::string("export: ") + what + " declares " + std::to_string(len) +
                              " bytes, above the limit of " + std::to_string(kMaxExportBlobBytes));
  }
  Bytes out;
  V2V_RETURN_IF_ERROR(Read(len, &out, what));
  hasher_.Update(out);
  return out;
}

Result<contract::Genesis> ExportReader::ReadHeader() {
  const Bytes want_tag = codec::Writer(kTag).Take();
  Bytes tag;
  V2V_RETURN_IF_ERROR(Read(want_tag.size(), &tag, "the tag"));
  hasher_.Update(tag);
  codec::Reader r(tag);
  r.ExpectTag(kTag);
  if (Status s = r.Finish(); !s.ok())
    return Status::Corruption("not a chain export: " + s.message());
  V2V_ASSIGN_OR_RETURN(Bytes genesis_bytes, ReadBlob("the genesis"));
  auto genesis = contract::DecodeGenesis(genesis_bytes);
  if (!genesis.ok()) return Status::Corruption("export: genesis: " + genesis.status().message());
  V2V_ASSIGN_OR_RETURN(count_, ReadU64("the block count"));
  return genesis;
}

Result<chain::Block> ExportReader::NextBlock() {
  const std::string what = "block " + std::to_string(next_);
  V2V_ASSIGN_OR_RETURN(Bytes bytes, ReadBlob(what.c_str()));
  auto block = chain::DecodeBlock(bytes);
  if (!block.ok()) return Status::Corruption("export: " + what + ": " + block.status().message());
  ++next_;
  return block;
}

Status ExportReader::Finish() {
  const Hash32 sum = hasher_.Finish();
  Bytes stored;
  V2V_RETURN_IF_ERROR(Read(32, &stored, "the checksum"));
  if (!std::equal(sum.bytes.begin(), sum.bytes.end(), stored.begin())) {
    return Status::Corruption("export checksum mismatch");
  }
  if (in_.peek() != std::istream::traits_type::eof()) {
    return Status::Corruption("export: bytes after the checksum at byte " +
                              std::to_string(offset_));
  }
  if (in_.bad()) return Status::IoError("export: read failed at byte " + std::to_string(offset_));
  return Status::Ok();
}

Result<uint64_t> VerifyExport(std::istream& in) {
  ExportReader reader(in);
  V2V_RETURN_IF_ERROR(reader.ReadHeader().status());
  for (uint64_t i = 0; i < reader.block_count(); ++i)
    V2V_RETURN_IF_ERROR(reader.NextBlock().status());
  V2V_RETURN_IF_ERROR(reader.Finish());
  return reader.block_count();
}

Result<ImportedChain> DecodeExport(ByteSpan bytes) {
  SpanBuf buf(bytes);
  std::istream in(&buf);
  ExportReader reader(in);
  ImportedChain out;
  V2V_ASSIGN_OR_RETURN(out.genesis, reader.ReadHeader());
  for (uint64_t i = 0; i < reader.block_count(); ++i) {
    V2V_ASSIGN_OR_RETURN(chain::Block b, reader.NextBlock());
    out.blocks.push_back(std::move(b));
  }
  V2V_RETURN_IF_ERROR(reader.Finish());
  return out;
}

Result<std::unique_ptr<Ledger>> ImportChain(std::unique_ptr<store::KvStore> kv, std::istream& in,
                                            LedgerOptions options) {
  V2V_ASSIGN_OR_RETURN(auto existing, kv->Get(store::schema::kGenesis));
  if (existing) return Status::FailedPrecondition("import needs an empty data directory");
  ExportReader reader(in);
  V2V_ASSIGN_OR_RETURN(contract::Genesis genesis, reader.ReadHeader());
  V2V_ASSIGN_OR_RETURN(auto ledger, Ledger::Init(std::move(kv), genesis, std::move(options)));
  for (uint64_t i = 0; i < reader.block_count(); ++i) {
    V2V_ASSIGN_OR_RETURN(chain::Block b, reader.NextBlock());
    const Status s = ledger->Append(b).ToStatus();
    if (!s.ok())
      return Status(s.code(), "block " + std::to_string(b.header.height) + ": " + s.message());
  }
  V2V_RETURN_IF_ERROR(reader.Finish());
  return ledger;
}

Result<std::unique_ptr<Ledger>> ImportChain(std::unique_ptr<store::KvStore> kv, ByteSpan bytes,
                                            LedgerOptions options) {
  {
    SpanBuf buf(bytes);
    std::istream in(&buf);
    V2V_RETURN_IF_ERROR(VerifyExport(in).status());
  }
  SpanBuf buf(bytes);
  std::istream in(&buf);
  return ImportChain(std::move(kv), in, std::move(options));
}

}  // namespace v2v::node
