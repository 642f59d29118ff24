// CheckTx and FillBlock: the contract's rules (internal/block_run.cc) asked about one transaction
// at a time, on an overlay of the state, so that nothing is copied or stored.
#include <cassert>
#include <set>

#include "chain/tx_check.h"
#include "contract/internal/block_run.h"
#include "contract/time_rules.h"
#include "contract/trading_contract.h"

namespace v2v::contract {

namespace {

TxVerdict VerdictAt(const chain::State& state, const chain::Tx& tx, const ContractParams& params,
                    const IdentityVerifier& verifier, NonceRule nonces, int64_t time_s) {
  internal::StateOverlay overlay(state);
  internal::BlockRun run(overlay, time_s, verifier, params, nonces);
  return run.Try(tx);
}

}  // namespace

TxVerdict CheckTx(const chain::State& state, const chain::Tx& tx, const ContractParams& params,
                  const IdentityVerifier& verifier, const CheckTxOptions& options) {
  if (!options.stateless_checked) {
    if (auto r = chain::CheckTxStateless(tx)) return *r;
  }
  TxVerdict now = VerdictAt(state, tx, params, verifier, options.nonces, options.block_time_s);
  const NotYet* wait = NotYetOf(now);
  if (wait == nullptr || wait->earliest_block_time_s <= options.block_time_s) return now;
  // A time rule holds it back: is it good then (certificates, the round's other rules)?
  TxVerdict then =
      VerdictAt(state, tx, params, verifier, options.nonces, wait->earliest_block_time_s);
  if (IsAccepted(then)) return now;
  return then;
}

std::optional<chain::Rejection> CheckNetwork(const chain::Tx& tx, const ContractParams& params) {
  const auto other = [&params](const chain::Tx& t) {
    return t.network == params.network
               ? std::nullopt
               : std::optional(chain::Rejected(chain::Reject::kWrongNetwork,
                                               t.sender + " signed for network " +
                                                   chain::NetworkHex(t.network) + ", this is " +
                                                   chain::NetworkHex(params.network)));
  };
  if (auto r = other(tx)) return r;
  if (const auto* round = std::get_if<chain::TradingRound>(&tx.body)) {
    for (const auto* bids : {&round->buyers, &round->sellers}) {
      for (const chain::Tx& bid : *bids) {
        if (auto r = other(bid)) return r;
      }
    }
  }
  return std::nullopt;
}

std::optional<chain::Rejection> CheckSigner(const chain::State& state, const std::string& id,
                                            const crypto::PublicKey& key, crypto::Role role,
                                            const IdentityVerifier& verifier, int64_t time_s) {
  static const ContractParams kUnused;  // no signer rule reads the parameters
  internal::StateOverlay overlay(state);
  return internal::BlockRun(overlay, time_s, verifier, kUnused).CheckSigner(id, key, role);
}

int64_t EarliestBlockTime(const chain::State& state, const chain::Tx& tx) {
  if (const auto* round = std::get_if<chain::TradingRound>(&tx.body)) return RoundClosesAt(*round);
  if (const auto* refund = std::get_if<chain::Refund>(&tx.body)) {
    auto e = state.escrows.find(refund->escrow);
    return e == state.escrows.end() ? 0 : RefundableFrom(e->second);
  }
  return 0;
}

BlockFill TradingContract::FillBlock(const chain::State& state, std::vector<chain::Tx> candidates,
                                     int64_t block_time_s) const {
  BlockFill out;
  internal::StateOverlay overlay(state);
  internal::BlockRun run(overlay, block_time_s, verifier_, params_);
  std::set<std::string> held;  // senders with a candidate not taken: their later ones wait
  for (size_t i = 0; i < candidates.size(); ++i) {
    chain::Tx& tx = candidates[i];
    if (held.contains(tx.sender)) continue;
    TxEffects effects;
    TxVerdict v = run.Try(tx, &effects);
    if (IsAccepted(v)) {
      out.txs.push_back(std::move(tx));
      out.effects.push_back(std::move(effects));
      continue;
    }
    held.insert(tx.sender);
    if (const NotYet* wait = NotYetOf(v)) {
      out.waiting.emplace_back(chain::TxHash(tx), wait->earliest_block_time_s);
    } else {
      chain::Rejection r = std::get<chain::Rejection>(std::move(v));
      r.tx_index = static_cast<int>(i);
      out.dropped.emplace_back(std::move(tx), std::move(r));
    }
  }
  out.state_after = overlay.Merge();
  out.changes = chain::EncodeChanges(out.state_after, overlay.ChangedKeys());
  assert(!CheckConservation(out.state_after) && "the contract broke conservation");
  return out;
}

}  // namespace v2v::contract
