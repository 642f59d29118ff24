// Audit: replays the stored canonical chain (schema "c/") from genesis and checks everything a
// node checks (Clique header rules included, without the future-block rule), plus what a
// node only checks in debug builds: every header rule, signature, certificate (at each block's
// time), contract result, state root and money/energy conservation after every block; then that
// the head record and the stored state are exactly the replayed ones.
#pragma once

#include <string>
#include <vector>

#include "node/ledger.h"
#include "store/kv_store.h"

namespace v2v::node {

struct AuditReport {
  uint64_t blocks = 0;  // blocks replayed after genesis
  uint64_t txs = 0;
  uint64_t height = 0;
  Hash32 head;
  int64_t money = 0, energy_wh = 0, lost_wh = 0, escrows = 0;
  std::vector<std::string> violations;

  bool ok() const { return violations.empty(); }
  std::string ToText() const;
};

// IoError/NotFound if the store cannot be read at all; otherwise a report (violations listed).
Result<AuditReport> Audit(const store::KvStore& kv, const VerifierFactory& verifier_factory);

}  // namespace v2v::node
