// Fuzz target for the genesis file (an operator's JSON, src/node/genesis_json.h, with its grid
// areas and mechanism: node/grid_json.h, node/mechanism_json.h): arbitrary bytes ->
// ParseGenesisJson. It must never crash or trip a sanitizer, and a genesis it accepts must be one
// every node can run: its canonical encoding decodes (contract::DecodeGenesis) to a genesis that
// encodes to the same bytes, with the same grid areas and mechanism.
#include <cstddef>
#include <cstdint>

#include "contract/genesis.h"
#include "node/genesis_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto g = v2v::node::ParseGenesisJson(v2v::ByteSpan(data, size));
  if (!g.ok()) return 0;
  const v2v::Bytes bytes = v2v::contract::EncodeGenesis(*g);
  auto back = v2v::contract::DecodeGenesis(bytes);
  if (!back.ok()) __builtin_trap();  // accepted from JSON, refused by every node
  if (v2v::contract::EncodeGenesis(*back) != bytes) __builtin_trap();
  if (back->params.grid != g->params.grid || back->params.mechanism != g->params.mechanism) {
    __builtin_trap();
  }
  return 0;
}
