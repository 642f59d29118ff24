// Fuzz target for every decoder of outside bytes in the ledger: the first byte picks the
// decoder (transaction, block, header, export, genesis, simple certificate), the rest is input.
// Decoders must never crash or hang; anything they accept must re-encode to the same bytes
// (one encoding per value), and a decoded transaction must go through the context-free checks
// without crashing.
#include <cstddef>
#include <cstdint>

#include "chain/block.h"
#include "chain/tx_check.h"
#include "contract/genesis.h"
#include "contract/simple_identity.h"
#include "node/export.h"

namespace {

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace v2v;
  if (size == 0) return 0;
  const ByteSpan in(data + 1, size - 1);
  const Bytes bytes(in.begin(), in.end());
  switch (data[0] % 6) {
    case 0:
      if (auto tx = chain::DecodeTx(in); tx.ok()) {
        Require(chain::EncodeTx(*tx) == bytes);
        (void)chain::CheckTxStateless(*tx);
      }
      break;
    case 1:
      if (auto b = chain::DecodeBlock(in); b.ok()) Require(chain::EncodeBlock(*b) == bytes);
      break;
    case 2:
      if (auto h = chain::DecodeHeader(in); h.ok()) Require(chain::EncodeHeader(*h) == bytes);
      break;
    case 3:
      (void)node::DecodeExport(in);
      break;
    case 4:
      if (auto g = contract::DecodeGenesis(in); g.ok()) Require(contract::EncodeGenesis(*g) == bytes);
      break;
    default: {
      const contract::SimpleIdentityVerifier v(crypto::PublicKey{}, {});
      (void)v.Verify(in, chain::Role::kVehicle, 0);
    }
  }
  return 0;
}
