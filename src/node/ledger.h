// Ledger: the chain on one node. Owns the store; validates, applies and durably commits blocks;
// reopens at the last committed block.
//
// A block is accepted iff: its height is head + 1 and its parent the head's hash; its time is
// not before the head's; its sealer is one of the genesis authorities and its seal verifies;
// its tx root matches; every transaction passes CheckTx (in parallel) and the contract applies
// them all; conservation holds; and the state root it carries is the one the contract computes.
// It is then committed in one synced WriteBatch (schema.h): block, hash index, changed state
// entries, head. A rejected block changes nothing.
//
// Open re-derives nothing it does not check: the stored state must hash to the head's state
// root, or Open fails with Corruption. (Who may seal which block is the consensus module's
// rule; here any genesis authority may.) Not thread-safe: one owner; the one exception is
// PrecheckBlock, which reads only immutable members and may run on another thread meanwhile.
#pragma once

#include <functional>
#include <memory>
#include <variant>

#include "chain/block.h"
#include "chain/state.h"
#include "contract/genesis.h"
#include "contract/trading_contract.h"
#include "store/kv_store.h"

namespace v2v::node {

using VerifierFactory =
    std::function<std::unique_ptr<contract::IdentityVerifier>(const contract::Genesis&)>;
// The stand-in verifier (contract/simple_identity.h) with the genesis CA and no revocations.
VerifierFactory SimpleVerifierFactory();
// The X.509 verifier (contract/x509_identity.h) trusting genesis.ca_certificate when the genesis
// has one, else the stand-in. A CA certificate that does not parse, or whose key is not
// genesis.ca_key, yields a verifier that refuses every certificate with the reason (so the
// genesis itself fails to load with that message).
VerifierFactory DefaultVerifierFactory();

struct LedgerOptions {
  VerifierFactory verifier = DefaultVerifierFactory();
  int verify_threads = 2;  // CheckTx parallelism
};

class Ledger {
 public:
  // Writes the genesis into an empty store, or checks that the store holds this genesis.
  static Result<std::unique_ptr<Ledger>> Init(std::unique_ptr<store::KvStore> kv,
                                              const contract::Genesis& genesis,
                                              LedgerOptions options = {});
  // Opens a store that holds a genesis; NotFound if it holds none.
  static Result<std::unique_ptr<Ledger>> Open(std::unique_ptr<store::KvStore> kv,
                                              LedgerOptions options = {});

  // The new state if `block` extends the head validly, else the typed rejection.
  std::variant<chain::State, chain::Rejection> Validate(const chain::Block& block) const;
  std::variant<chain::State, chain::Rejection> ValidateAfterPrecheck(
      const chain::Block& block) const;
  // Validate + commit. InvalidArgument (the rejection's text) if invalid; IoError from the store.
  Status Append(const chain::Block& block);

  // The context-free part of validation (authority, seal, tx root, every transaction's
  // structure and signatures). Needs no state and is safe to call from another thread while
  // Append runs, so a node can check the next block as it arrives, overlapping the current
  // block's commit. AppendPrechecked then skips exactly these checks.
  std::optional<chain::Rejection> PrecheckBlock(const chain::Block& block) const;
  // REQUIRES: PrecheckBlock(block) returned nullopt.
  Status AppendPrechecked(const chain::Block& block);
  // A sealed block of `txs` at `time` on top of the head (state root filled in), or the
  // rejection of its transactions as InvalidArgument.
  Result<chain::Block> Propose(std::vector<chain::Tx> txs, int64_t time,
                               const crypto::PrivateKey& sealer) const;

  const chain::BlockHeader& head() const { return head_; }
  Hash32 head_hash() const { return chain::BlockHash(head_); }
  const chain::State& state() const { return state_; }
  const contract::Genesis& genesis() const { return genesis_; }
  const contract::TradingContract& contract() const { return *contract_; }
  Result<chain::Block> BlockAt(uint64_t height) const;
  // The state after block `height`, by replaying from genesis.
  Result<chain::State> StateAt(uint64_t height) const;
  const store::KvStore& kv() const { return *kv_; }

 private:
  Ledger(std::unique_ptr<store::KvStore> kv, contract::Genesis genesis, LedgerOptions options);
  Status Load();
  Status Commit(const chain::Block& block, chain::State next);

  std::unique_ptr<store::KvStore> kv_;
  contract::Genesis genesis_;
  LedgerOptions options_;
  std::unique_ptr<contract::IdentityVerifier> verifier_;
  std::unique_ptr<contract::TradingContract> contract_;
  chain::BlockHeader head_;
  chain::State state_;
};

// Header rules against the parent (no state): height, parent, time, authority, seal, tx root.
std::optional<chain::Rejection> CheckHeader(const chain::Block& block,
                                            const chain::BlockHeader& parent,
                                            const contract::Genesis& genesis);
// The parts of CheckHeader that need no parent: authority, seal, tx root.
std::optional<chain::Rejection> CheckHeaderAlone(const chain::Block& block,
                                                 const contract::Genesis& genesis);

}  // namespace v2v::node
