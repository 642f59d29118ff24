// The trading contract (docs/model.md sections 2-6; docs/spec/contract.md): a deterministic
// state transition that every node runs on every block, ABCI-shaped. One rule book: every rule is
// written once (internal/block_run.cc), and every question below runs that same code.
//
//   CheckStateless  context-free checks (chain/tx_check.h): structure and signatures.
//   CheckTx         one transaction against a state at a block time: accepted, rejected (typed),
//                   or not yet (the earliest block time that can take it; tx_verdict.h). The
//                   mempool, the producer and the vehicle gateway ask it; nothing is stored.
//   FillBlock       the producer's block: candidates executed one by one at the block time; each
//                   is taken (with its effects, receipts.h), dropped once with its rejection, or
//                   left waiting (not yet).
//   ApplyBlock      runs the block's transactions in order at the block's timestamp (the only
//                   clock), returning the new state, or the first transaction's typed rejection;
//                   the input state is never modified (a rejected block changes nothing).
//   Execute         ApplyBlock that also returns each transaction's effects (receipts.h).
//   Commit          the state root that the block header must carry.
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
#include <utility>
#include <variant>
#include <vector>

#include "chain/block.h"
#include "chain/reject.h"
#include "chain/state.h"
#include "contract/checked_tx_cache.h"
#include "contract/genesis.h"
#include "contract/identity.h"
#include "contract/receipts.h"
#include "contract/tx_verdict.h"

namespace v2v::contract {

struct CheckTxOptions {
  int64_t block_time_s = 0;  // the timestamp of the block that would take the transaction
  NonceRule nonces = NonceRule::kNext;
  bool stateless_checked = false;  // the caller ran chain::CheckTxStateless on it already
};

// The verdict of the contract's rules on `tx` against `state` for a block stamped
// options.block_time_s (the context-free checks first, unless already run). Not yet: a time rule
// refuses it now, and at the earliest time it names the transaction passes every rule against
// `state` (else the verdict is that rejection).
TxVerdict CheckTx(const chain::State& state, const chain::Tx& tx, const ContractParams& params,
                  const IdentityVerifier& verifier, const CheckTxOptions& options);

// C-3.0: `tx`, and every bid nested in it, names this network (params.network); kWrongNetwork
// otherwise. The first rule a block applies to a transaction; the vehicle gateway asks it of every
// signed transaction it receives.
std::optional<chain::Rejection> CheckNetwork(const chain::Tx& tx, const ContractParams& params);

// C-3.2 but the nonce, as a block at `time_s` on `state` would judge it: `id` is an account of
// `role` whose certificate is valid then and not revoked on the ledger, and whose certified key is
// `key` (the vehicle gateway's check of who signed a bid or a subscription proof).
std::optional<chain::Rejection> CheckSigner(const chain::State& state, const std::string& id,
                                            const crypto::PublicKey& key, crypto::Role role,
                                            const IdentityVerifier& verifier, int64_t time_s);

// A producer's block (TradingContract::FillBlock).
struct BlockFill {
  std::vector<chain::Tx> txs;  // taken, in the candidates' order
  chain::State state_after;
  // Refused: each with its rejection (tx_index: its position among the candidates).
  std::vector<std::pair<chain::Tx, chain::Rejection>> dropped;
  // Not yet (by a time rule): the transaction's hash and the earliest block time that can take it.
  std::vector<std::pair<Hash32, int64_t>> waiting;
  // What each taken transaction did (receipts.h), one per entry of `txs`, in order: from the same
  // execution that took it, so a block built from this fill need not be executed again.
  std::vector<TxEffects> effects;
  chain::EntryChanges changes = {};  // the state entries the taken transactions wrote or erased
};

class TradingContract {
 public:
  TradingContract(const IdentityVerifier& verifier, ContractParams params)
      : verifier_(verifier), params_(params) {}

  std::optional<chain::Rejection> CheckStateless(const chain::Tx& tx) const;
  // The same, with the bids nested in a trading round whose hashes `checked` holds (they passed
  // on their own here, e.g. at this node's vehicle gateway) not verified again.
  std::optional<chain::Rejection> CheckStateless(const chain::Tx& tx,
                                                 const CheckedTxCache& checked) const;
  TxVerdict CheckTx(const chain::State& state, const chain::Tx& tx,
                    const CheckTxOptions& options) const {
    return contract::CheckTx(state, tx, params_, verifier_, options);
  }
  // Executes the candidates in order on `state` at `block_time_s`, each on what the ones taken
  // before it left: an accepted one is taken, with its effects; a rejected one is dropped
  // (nothing of it kept); a not-yet one waits. A sender's candidates after one not taken are left
  // alone (they could only fail on their nonce): neither taken, dropped nor waiting.
  // REQUIRES: every candidate passed chain::CheckTxStateless.
  BlockFill FillBlock(const chain::State& state, std::vector<chain::Tx> candidates,
                      int64_t block_time_s) const;
  // `checked`: the caller already ran CheckStateless on every transaction (skips re-verification).
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

// C-4.1: a bid's signed timestamp lies in its round's window [T_stamp, T_stamp + T_limit] (the
// vehicle gateway asks it on arrival, the contract of every bid of a round on chain).
constexpr bool InWindow(int64_t timestamp_s, int64_t t_stamp_s, int64_t t_limit_s) {
  return timestamp_s >= t_stamp_s && timestamp_s <= t_stamp_s + t_limit_s;
}

// Escrow id of trade `index` of the round transaction with hash `round_tx`.
Hash32 EscrowId(const Hash32& round_tx, uint32_t index);

// Checks: sum(balances) + sum(escrowed amounts) == supply.money; sum(energy) + sum(escrowed
// energy and loss) + lost_wh == supply.energy_wh; no negative balance, energy or escrow.
std::optional<chain::Rejection> CheckConservation(const chain::State& state);

// CheckTxStateless on every transaction, on up to `threads` threads; first failure by index.
std::optional<chain::Rejection> CheckTxsParallel(const std::vector<chain::Tx>& txs, int threads);
// The same, skipping transactions whose TxHash is in `cache` and the signatures of nested bids
// whose TxHash is in it, and inserting the top-level transactions that pass (when the whole list
// passes). `cache` may be null (then exactly the overload above).
std::optional<chain::Rejection> CheckTxsParallel(const std::vector<chain::Tx>& txs, int threads,
                                                 CheckedTxCache* cache);
// CheckTxStateless of each transaction on its own, on up to `threads` threads: its failure or
// nullopt, in order. Hashes in `cache` (may be null) are skipped; those that pass are inserted.
std::vector<std::optional<chain::Rejection>> CheckEachTx(const std::vector<chain::Tx>& txs,
                                                         int threads, CheckedTxCache* cache);

}  // namespace v2v::contract
