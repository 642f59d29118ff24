// Fuzz target for every decoder of outside bytes in the ledger: the first byte picks the
// decoder (transaction, block, header, export, genesis, simple certificate), the rest is input.
// Selector 6 goes further: a decoded block whose transactions pass the structural checks is run
// through the contract on the built-in market's genesis state with signature checks skipped, so
// the contract's arithmetic and bookkeeping meet arbitrary well-formed input; whatever it accepts
// must conserve money and energy.
// Decoders must never crash or hang; anything they accept must re-encode to the same bytes
// (one encoding per value), and a decoded transaction must go through the context-free checks
// without crashing.
#include <cstddef>
#include <cstdint>

#include "chain/block.h"
#include "chain/tx_check.h"
#include "contract/compact_identity.h"
#include "contract/genesis.h"
#include "contract/trading_contract.h"
#include "devnet/block_generator.h"
#include "node/export.h"
#include "node/ledger.h"

namespace {

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

void ApplyToGenesis(const v2v::chain::Block& block) {
  using namespace v2v;
  static const devnet::BlockGenerator* generator = new devnet::BlockGenerator();
  static const auto* verifier = node::DefaultVerifierFactory()(generator->genesis()).release();
  static const chain::State* genesis =
      new chain::State(contract::GenesisState(generator->genesis(), *verifier).value());
  static const contract::TradingContract* contract =
      new contract::TradingContract(*verifier, contract::ContractParamsOf(generator->genesis()));
  for (const auto& tx : block.txs) {
    if (chain::CheckTxStructure(tx)) return;
  }
  auto next = contract->ApplyBlock(*genesis, block, /*checked=*/true);
  if (const auto* s = std::get_if<chain::State>(&next)) Require(!contract::CheckConservation(*s));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace v2v;
  if (size == 0) return 0;
  const ByteSpan in(data + 1, size - 1);
  const Bytes bytes(in.begin(), in.end());
  switch (data[0] % 7) {
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
      if (auto g = contract::DecodeGenesis(in); g.ok())
        Require(contract::EncodeGenesis(*g) == bytes);
      break;
    case 5: {
      const contract::CompactIdentityVerifier v(crypto::PublicKey{}, {});
      (void)v.Verify(in, crypto::Role::kVehicle, 0);
      break;
    }
    default:
      if (auto b = chain::DecodeBlock(in); b.ok()) ApplyToGenesis(*b);
  }
  return 0;
}
