// Conformance replay of Clique voting scenarios (`v2v clique-replay FILE.json`).
//
// FILE is a JSON array of cases {"name", "epoch" (null = 30000), "signers": [names],
// "votes": [{"signer", "voted" (name or null), "auth" (bool), "checkpoint" ([names] or null),
// "newbatch" (bool)}]}. Vote k is block k+1, sealed by "signer" with the difficulty its turn in
// the current sorted signer list gives; "checkpoint" is the signer list that block carries;
// "newbatch" persists the snapshot and reopens it from its encoded bytes before the block.
// Names map to fixed keys: the Ed25519 key whose seed is SHA-256("v2v/clique-replay/" + name).
// The signer order is therefore the order of those keys, not of the names.
//
// Output: one JSON line per case, in order: {"name", "signers": [names sorted]} for the final
// signer set, or {"name", "error": CODE} for the first block refused (chain::RejectName).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace v2v::consensus::poa {

// InvalidArgument (naming the field) if the file is not a valid scenario list.
Result<std::vector<std::string>> ReplayScenarios(std::string_view json_text);

}  // namespace v2v::consensus::poa
