// The trading contract (SPEC sections 2-5; docs/spec/contract.md): a deterministic state
// transition that every node runs on every block, ABCI-shaped.
//
//   CheckTx     context-free checks (chain/tx_check.h): structure and signatures.
//   ApplyBlock  runs the block's transactions in order at the block's timestamp (the only
//               clock), returning the new state, or the first transaction's typed rejection;
//               the input state is never modified (a rejected block changes nothing).
//   Execute     ApplyBlock that also returns each transaction's effects (receipts.h).
//   Commit      the state root that the block header must carry.
//
// Per transaction: Register creates an account from a certificate valid at the block time.
// TradingRound (sent by an RSU) checks the RSU's and every bidder's certificate, key, nonce and
// signature, the T_limit window, Algorithm 1's bounds, the scheme (allocation_check.h), then
// moves each buyer's payment and each seller's energy plus loss into one escrow per trade.
// MeterReport (the seller, co-signed by the buyer) settles an escrow by the metered energy;
// Refund (either party) cancels one after its deadline. Money and energy are conserved exactly
// (CheckConservation); debug builds check it after every block.
//
// Thread-safe (const); the verifier must outlive the contract.
#pragma once

#include <optional>
#include <variant>

#include "chain/block.h"
#include "chain/reject.h"
#include "chain/state.h"
#include "contract/checked_tx_cache.h"
#include "contract/genesis.h"
#include "contract/identity.h"
#include "contract/receipts.h"

namespace v2v::contract {

class TradingContract {
 public:
  TradingContract(const IdentityVerifier& verifier, ContractParams params)
      : verifier_(verifier), params_(params) {}

  std::optional<chain::Rejection> CheckTx(const chain::Tx& tx) const;
  // `checked`: the caller already ran CheckTx on every transaction (skips re-verification).
  std::variant<chain::State, chain::Rejection> ApplyBlock(const chain::State& state,
                                                          const chain::Block& block,
                                                          bool checked = false) const;
  // ApplyBlock, with the effects of every transaction (one TxEffects each, in block order).
  std::variant<Executed, chain::Rejection> Execute(const chain::State& state,
                                                   const chain::Block& block,
                                                   bool checked = false) const;
  Hash32 Commit(const chain::State& state) const { return chain::StateRoot(state); }

  const ContractParams& params() const { return params_; }

 private:
  const IdentityVerifier& verifier_;
  ContractParams params_;
};

// Escrow id of trade `index` of the round transaction with hash `round_tx`.
Hash32 EscrowId(const Hash32& round_tx, uint32_t index);

// Checks: sum(balances) + sum(escrowed amounts) == supply.money; sum(energy) + sum(escrowed
// energy and loss) + lost_wh == supply.energy_wh; no negative balance, energy or escrow.
std::optional<chain::Rejection> CheckConservation(const chain::State& state);

// CheckTxStateless on every transaction, on up to `threads` threads; first failure by index.
std::optional<chain::Rejection> CheckTxsParallel(const std::vector<chain::Tx>& txs, int threads);
// The same, skipping transactions whose TxHash is in `cache` and inserting those that pass
// (when the whole list passes). `cache` may be null (then exactly the overload above).
std::optional<chain::Rejection> CheckTxsParallel(const std::vector<chain::Tx>& txs, int threads,
                                                 CheckedTxCache* cache);

}  // namespace v2v::contract
