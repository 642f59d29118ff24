// Test fixture: a NodePort over an in-memory chain that runs the real trading contract and the
// node's real admission and mempool (node::TxAdmission), so a round the gateway builds is checked
// and admitted exactly as every node would (a round whose window is still open waits in the
// mempool with its lock time), blocks are filled as the producer fills them
// (TradingContract::FillBlock); every block it applies or removes is published on a real chain
// event feed with the receipts of the contract's execution (FillBlock's effects for a block it
// seals, Execute's for one it imports; node/chain_feed.h), and what the mempool drops is told to
// the round books as the node tells them (RoundBook::OnTxDropped). The books take their events
// when a test calls OnHead. Tests only.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "contract/testing/world.h"
#include "gateway/node_port.h"
#include "gateway/round_book.h"
#include "node/chain_feed.h"
#include "node/mempool.h"
#include "node/producer.h"
#include "node/tx_admission.h"

namespace v2v::gateway::testing {

class FakeNode final : public NodePort {
 public:
  explicit FakeNode(const contract::testing::World& w)
      : verifier_(w.Verifier()),
        contract_(verifier_, w.genesis.params),
        params_(w.genesis.params),
        state_(w.GenesisStateOrDie()) {
    chain_.push_back(contract::testing::World::MakeBlock(w.genesis.timestamp_s, {}));
  }
  const chain::State& HeadState() const override { return state_; }
  uint64_t HeadHeight() const override { return chain_.size() - 1; }
  std::shared_ptr<node::ChainSubscription> SubscribeChain() override {
    return feed_.Subscribe(node::kDefaultFeedQueue, {.blocks = true, .drops = false});
  }
  const contract::IdentityVerifier& Verifier() const override { return verifier_; }
  const contract::ContractParams& ContractParams() const override { return params_; }
  // Admitted at the head block's time (the fake node has no clock of its own).
  chain::ValidationResult<Hash32> Submit(const chain::Tx& tx) override {
    return admission_.Admit(contract_, state_, tx, chain_.back().header.timestamp_s * 1000).hash;
  }
  std::optional<Hash32> PendingNonceUser(const std::string& sender, uint64_t nonce) const override {
    return pool().NonceUser(sender, nonce);
  }
  uint64_t HighestRoundOf(const std::string& rsu) const override {
    uint64_t highest = pool().HighestPendingRound(rsu);
    for (const chain::Block& b : chain_) {
      for (const chain::Tx& tx : b.txs) {
        const auto* r = std::get_if<chain::TradingRound>(&tx.body);
        if (r != nullptr && tx.sender == rsu) highest = std::max(highest, r->round);
      }
    }
    return highest;
  }
  void NoteChecked(const Hash32& tx) override { admission_.checked()->Insert(tx); }
  bool Checked(const Hash32& tx) const { return admission_.checked()->Contains(tx); }

  // The books told of every drop (the node's drop observer).
  void Tell(RoundBook* book) { books_.push_back(book); }
  size_t pending() const { return pool().size(); }
  bool Holds(const Hash32& tx) const { return pool().Contains(tx); }
  const node::Mempool& pool() const { return admission_.mempool(); }

  // Seals a block at `time` as the producer does: the pending transactions a block of that time
  // can take, executed one by one (TradingContract::FillBlock); what the contract refuses is
  // dropped from the mempool once, with its successors; what is not yet valid stays pending.
  // Returns the contract's first refusal (none: nothing was refused).
  std::optional<chain::Rejection> Seal(int64_t time) {
    node::Mempool& pool = admission_.mempool();
    contract::BlockFill fill =
        contract_.FillBlock(state_, pool.Select(Committed(), SIZE_MAX, SIZE_MAX, time), time);
    for (const auto& [hash, not_before_s] : fill.waiting) pool.Defer(hash, not_before_s);
    std::optional<chain::Rejection> first;
    std::vector<node::MempoolDrop> drops;
    for (const auto& [tx, why] : fill.dropped) {
      if (!first) first = why;
      const auto more = pool.RemoveWithSuccessors(chain::TxHash(tx), why.code);
      drops.insert(drops.end(), more.begin(), more.end());
    }
    Append(time, std::move(fill.txs), std::move(fill.state_after), std::move(fill.effects));
    Deliver(std::move(drops), time);
    return first;
  }
  // A block another node sealed, holding `txs` (not from this mempool); the contract's refusal.
  std::optional<chain::Rejection> ImportBlock(int64_t time, std::vector<chain::Tx> txs) {
    auto r = Apply(time, std::move(txs));
    if (!r) Deliver({}, time);
    return r;
  }
  // Replaces the head block by an empty one (a reorg that drops its transactions).
  void ReplaceHeadWithEmpty(const chain::State& before) {
    chain::Block b = chain_.back();
    feed_.Publish(node::BlockRemoved{b.header.height, chain::BlockHash(b.header)});
    b.txs.clear();
    b.header.timestamp_s += 1;
    chain_.back() = b;
    state_ = before;
    feed_.Publish(node::MakeBlockApplied(std::make_shared<const chain::Block>(b),
                                         chain::BlockHash(b.header), {}));
  }
  node::ChainFeed& feed() { return feed_; }
  chain::State& MutableState() { return state_; }

 private:
  node::NonceOf Committed() const {
    return [this](const std::string& s) { return node::CommittedNonce(state_, s); };
  }
  // The next block at `time` with `txs`, if the contract takes it all (else its refusal).
  std::optional<chain::Rejection> Apply(int64_t time, std::vector<chain::Tx> txs) {
    chain::Block b = contract::testing::World::MakeBlock(time, std::move(txs));
    auto next = contract_.Execute(state_, b);
    if (auto* r = std::get_if<chain::Rejection>(&next)) return *r;
    contract::Executed& executed = std::get<contract::Executed>(next);
    Append(time, std::move(b.txs), std::move(executed.state), std::move(executed.effects));
    return std::nullopt;
  }
  // Appends the block of `txs` at `time`, whose execution left `after` and `effects` (one per
  // transaction), and publishes it with its receipts.
  void Append(int64_t time, std::vector<chain::Tx> txs, chain::State after,
              std::vector<contract::TxEffects> effects) {
    chain::Block b = contract::testing::World::MakeBlock(time, std::move(txs));
    b.header.height = chain_.size();
    b.header.parent = chain::BlockHash(chain_.back().header);
    state_ = std::move(after);
    feed_.Publish(node::MakeBlockApplied(std::make_shared<const chain::Block>(b),
                                         chain::BlockHash(b.header), std::move(effects)));
    chain_.push_back(std::move(b));
  }
  // After a new head (one block appended): the prune's drops join `drops`; each book hears them
  // all.
  void Deliver(std::vector<node::MempoolDrop> drops, int64_t time) {
    std::set<Hash32> taken;
    for (const chain::Tx& tx : chain_.back().txs) taken.insert(chain::TxHash(tx));
    const auto stale = admission_.mempool().Prune(
        Committed(), [&taken](const Hash32& h) { return taken.count(h) > 0; });
    drops.insert(drops.end(), stale.begin(), stale.end());
    for (RoundBook* book : books_) {
      for (const node::MempoolDrop& d : drops) book->OnTxDropped(d.hash, d.code, time * 1000);
    }
  }

  contract::CompactIdentityVerifier verifier_;
  contract::TradingContract contract_;
  contract::ContractParams params_;
  chain::State state_;
  std::vector<chain::Block> chain_;
  node::ChainFeed feed_;
  node::TxAdmission admission_{node::MempoolOptions{},
                               std::make_shared<contract::CheckedTxCache>()};
  std::vector<RoundBook*> books_;
};

// The proof a `vehicle` subscription carries (docs/spec/vehicle-api.md): `key` signs
// chain::SubscribeSigningBytes(network, rsu, vehicle, timestamp_s); the fake node's network is 0.
inline nlohmann::json KeyProofJson(const crypto::PrivateKey& key, const std::string& rsu,
                                   const std::string& vehicle, int64_t timestamp_s,
                                   chain::NetworkId network = 0) {
  const crypto::Signature sig =
      key.Sign(chain::SubscribeSigningBytes(network, rsu, vehicle, timestamp_s));
  return {
      {"key", key.public_key().Hex()}, {"timestamp", timestamp_s}, {"signature", ToHex(sig.bytes)}};
}

struct Push {
  std::string to;  // vehicle id, or "calls"
  nlohmann::json result;
};

class RecordingSink final : public PushSink {
 public:
  void ToVehicle(const std::string& id, const nlohmann::json& r) override {
    pushes.push_back({id, r});
  }
  void Call(int64_t, int64_t, int64_t, const nlohmann::json& r) override {
    pushes.push_back({"calls", r});
  }
  std::vector<nlohmann::json> Of(const std::string& to, const std::string& type) const {
    std::vector<nlohmann::json> out;
    for (const auto& p : pushes) {
      if (p.to == to && p.result.at("type") == type) out.push_back(p.result);
    }
    return out;
  }
  std::vector<Push> pushes;
};

}  // namespace v2v::gateway::testing
