// One block's execution: the state as an overlay (state_overlay.h), the block time, and the rules
// for each transaction kind, written once. A block that is validated runs every transaction with
// Apply (a rejection discards the whole run); the producer filling a block, and CheckTx, run each
// with Try, which keeps a transaction's changes only if it is accepted. Private to contract/.
#pragma once

#include <map>
#include <optional>
#include <utility>

#include "chain/reject.h"
#include "contract/genesis.h"
#include "contract/identity.h"
#include "contract/internal/state_overlay.h"
#include "contract/receipts.h"
#include "contract/tx_verdict.h"

namespace v2v::contract::internal {

class BlockRun {
 public:
  BlockRun(StateOverlay& state, int64_t now_s, const IdentityVerifier& verifier,
           const ContractParams& params, NonceRule nonces = NonceRule::kNext)
      : s_(state), now_(now_s), verifier_(verifier), params_(params), nonces_(nonces) {}

  // Applies one transaction that passed CheckTxStateless and records what it did in `effects`
  // (may be null). On rejection the overlay and `effects` may be partly changed: the caller
  // discards the whole run.
  std::optional<chain::Rejection> Apply(const chain::Tx& tx, TxEffects* effects = nullptr);
  // Apply within a savepoint of the overlay: accepted, its changes kept and its effects stored in
  // `effects` (may be null); otherwise no change kept and `effects` untouched, and the rejection,
  // or not yet when a time rule refused it (tx_verdict.h).
  TxVerdict Try(const chain::Tx& tx, TxEffects* effects = nullptr);
  // C-3.2 but the nonce: `id` is an account of `role` whose certificate is valid now and not
  // revoked on the ledger, and whose certified key is `key`. Changes nothing.
  std::optional<chain::Rejection> CheckSigner(const std::string& id, const crypto::PublicKey& key,
                                              crypto::Role role);

 private:
  using Check = std::optional<chain::Rejection>;
  // A time rule's refusal: `why` for this block, and no block before `earliest_s` can take it.
  Check NotYetUntil(int64_t earliest_s, chain::Rejection why);
  // CheckSigner for the sender, then its nonce by the rule; sets the nonce.
  Check Authenticate(const chain::Tx& tx, crypto::Role role, chain::Account** out);
  Check CertificateValid(const chain::Account& a, crypto::Role role);
  Check ApplyRegister(const chain::Tx& tx, const chain::Register& body);
  Check ApplyRound(const chain::Tx& tx, const chain::TradingRound& body);
  Check CheckBidders(const chain::Tx& tx, const chain::TradingRound& body);
  Check Escrow(const chain::Tx& tx, const chain::TradingRound& body);
  Check ApplyMeter(const chain::Tx& tx, const chain::MeterReport& body);
  Check ApplyRefund(const chain::Tx& tx, const chain::Refund& body);
  Check ApplyRevoke(const chain::Tx& tx, const chain::Revoke& body);
  Check ApplyRecertify(const chain::Tx& tx, const chain::Recertify& body);

  StateOverlay& s_;
  int64_t now_;
  const IdentityVerifier& verifier_;
  const ContractParams& params_;
  NonceRule nonces_;
  std::optional<int64_t> not_yet_;  // set by NotYetUntil during the current Apply
  // Certificates already verified in this block (same time, so same answer): (hash, role).
  std::map<std::pair<Hash32, crypto::Role>, std::optional<chain::Rejection>> cert_cache_;
  TxEffects* effects_ = nullptr;  // the transaction being applied reports here, when not null
};

}  // namespace v2v::contract::internal
