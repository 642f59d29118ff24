#include "node/export.h"

#include "codec/codec.h"
#include "crypto/hash.h"
#include "store/schema.h"

namespace v2v::node {

Result<Bytes> ExportChain(const Ledger& ledger) {
  codec::Writer w("v2v.export");
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

Result<ImportedChain> DecodeExport(ByteSpan bytes) {
  if (bytes.size() < 32) return Status::Corruption("export too short");
  const ByteSpan body = bytes.first(bytes.size() - 32);
  const Hash32 sum = crypto::Sha256(body);
  if (!std::equal(sum.bytes.begin(), sum.bytes.end(), bytes.end() - 32)) {
    return Status::Corruption("export checksum mismatch");
  }
  codec::Reader r(body);
  r.ExpectTag("v2v.export");
  Bytes genesis = r.Blob();
  const uint64_t n = r.U64();
  if (r.ok() && n > r.remaining() / 4) r.Fail("block count larger than the export");
  ImportedChain out;
  for (uint64_t i = 0; r.ok() && i < n; ++i) {
    Bytes block = r.Blob();
    if (!r.ok()) break;
    V2V_ASSIGN_OR_RETURN(chain::Block b, chain::DecodeBlock(block));
    out.blocks.push_back(std::move(b));
  }
  V2V_RETURN_IF_ERROR(r.Finish());
  V2V_ASSIGN_OR_RETURN(out.genesis, contract::DecodeGenesis(genesis));
  return out;
}

Result<std::unique_ptr<Ledger>> ImportChain(std::unique_ptr<store::KvStore> kv, ByteSpan bytes,
                                            LedgerOptions options) {
  V2V_ASSIGN_OR_RETURN(auto existing, kv->Get(store::schema::kGenesis));
  if (existing) return Status::FailedPrecondition("import needs an empty data directory");
  V2V_ASSIGN_OR_RETURN(ImportedChain chain, DecodeExport(bytes));
  V2V_ASSIGN_OR_RETURN(auto ledger, Ledger::Init(std::move(kv), chain.genesis, std::move(options)));
  for (const chain::Block& b : chain.blocks) {
    const Status s = ledger->Append(b).ToStatus();
    if (!s.ok()) return Status(s.code(), "block " + std::to_string(b.header.height) + ": " + s.message());
  }
  return ledger;
}

}  // namespace v2v::node
