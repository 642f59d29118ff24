// Fuzz target: the persisted Clique snapshot decoder. Whatever decodes must re-encode to the same
// bytes (one encoding per value) and be usable by Apply.
#include <cstddef>
#include <cstdint>

#include "consensus/poa/snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto snap = v2v::consensus::poa::Snapshot::Decode(v2v::ByteSpan(data, size));
  if (!snap.ok()) return 0;
  const v2v::Bytes again = snap->Encode();
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) __builtin_trap();
  if (!snap->signers().empty()) {
    v2v::consensus::poa::CliqueHeader h;
    h.height = snap->height() + 1;
    h.sealer = snap->signers()[0];
    h.difficulty = snap->DifficultyFor(h.height, h.sealer);
    (void)snap->Apply(h);
  }
  return 0;
}
