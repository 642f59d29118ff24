// One block's execution: a working copy of the state, the block time, and the rules for each
// transaction kind. Private to contract/.
#pragma once

#include <map>
#include <optional>
#include <utility>

#include "chain/reject.h"
#include "chain/state.h"
#include "contract/genesis.h"
#include "contract/identity.h"
#include "contract/receipts.h"

namespace v2v::contract::internal {

class BlockRun {
 public:
  BlockRun(const chain::State& state, int64_t now_s, const IdentityVerifier& verifier,
           const ContractParams& params)
      : s_(state), now_(now_s), verifier_(verifier), params_(params) {}

  // Applies one transaction that passed CheckTxStateless and records what it did in `effects`
  // (may be null). On rejection the working state and `effects` may be partly changed: the
  // caller discards the whole run.
  std::optional<chain::Rejection> Apply(const chain::Tx& tx, TxEffects* effects = nullptr);

  const chain::State& state() const { return s_; }
  chain::State TakeState() && { return std::move(s_); }

 private:
  using Check = std::optional<chain::Rejection>;
  // Certificate valid now for `role`, key = the account's, nonce = next; bumps the nonce.
  Check Authenticate(const chain::Tx& tx, crypto::Role role, chain::Account** out);
  Check CertificateValid(const chain::Account& a, crypto::Role role);
  Check ApplyRegister(const chain::Tx& tx, const chain::Register& body);
  Check ApplyRound(const chain::Tx& tx, const chain::TradingRound& body);
  Check CheckBidders(const chain::Tx& tx, const chain::TradingRound& body);
  Check Escrow(const chain::Tx& tx, const chain::TradingRound& body);
  Check ApplyMeter(const chain::Tx& tx, const chain::MeterReport& body);
  Check ApplyRefund(const chain::Tx& tx, const chain::Refund& body);
  Check ApplyRevoke(const chain::Tx& tx, const chain::Revoke& body);

  chain::State s_;
  int64_t now_;
  const IdentityVerifier& verifier_;
  const ContractParams& params_;
  // Certificates already verified in this block (same time, so same answer): (hash, role).
  std::map<std::pair<Hash32, crypto::Role>, std::optional<chain::Rejection>> cert_cache_;
  TxEffects* effects_ = nullptr;  // the transaction being applied reports here, when not null
};

}  // namespace v2v::contract::internal
