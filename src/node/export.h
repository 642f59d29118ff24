// Chain export and import in the canonical encoding (docs/spec/encoding.md, "v2v.export"):
//   tag "v2v.export" v1 || blob genesis || u64 n || n x blob block (heights 1..n in order)
//   || SHA-256 of all the preceding bytes
// The trailing hash catches corruption early; import then re-validates every block through
// Ledger::Append exactly as if it came from a peer, so even a well-hashed forgery is refused.
#pragma once

#include "node/ledger.h"

namespace v2v::node {

Result<Bytes> ExportChain(const Ledger& ledger);

struct ImportedChain {
  contract::Genesis genesis;
  std::vector<chain::Block> blocks;
};
// Corruption for anything but one canonical export with a matching hash.
Result<ImportedChain> DecodeExport(ByteSpan bytes);
// Imports into an empty store; the ledger is left at the last valid block on failure.
Result<std::unique_ptr<Ledger>> ImportChain(std::unique_ptr<store::KvStore> kv, ByteSpan bytes,
                                            LedgerOptions options = {});

}  // namespace v2v::node
