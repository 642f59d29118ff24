// Test fixture: a NodePort over an in-memory chain that runs the real trading contract, so a
// round the gateway builds is checked exactly as every node would check it. Tests only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "contract/testing/world.h"
#include "gateway/node_port.h"
#include "gateway/round_book.h"

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
  std::optional<chain::Block> CanonicalBlock(uint64_t h) const override {
    if (h >= chain_.size()) return std::nullopt;
    return chain_[h];
  }
  const contract::IdentityVerifier& Verifier() const override { return verifier_; }
  const contract::ContractParams& ContractParams() const override { return params_; }
  chain::ValidationResult<Hash32> Submit(const chain::Tx& tx) override {
    if (auto r = contract_.CheckTx(tx)) return *r;
    mempool.push_back(tx);
    return chain::TxHash(tx);
  }
  // Seals every pending transaction into a block at `time`; the contract's verdict.
  std::optional<chain::Rejection> Seal(int64_t time) {
    chain::Block b = contract::testing::World::MakeBlock(time, mempool);
    b.header.height = chain_.size();
    b.header.parent = chain::BlockHash(chain_.back().header);
    mempool.clear();
    auto next = contract_.ApplyBlock(state_, b);
    if (auto* r = std::get_if<chain::Rejection>(&next)) return *r;
    state_ = std::get<chain::State>(std::move(next));
    chain_.push_back(std::move(b));
    return std::nullopt;
  }
  // Replaces the head block by an empty one (a reorg that drops its transactions).
  void ReplaceHeadWithEmpty(const chain::State& before) {
    chain::Block b = chain_.back();
    b.txs.clear();
    b.header.timestamp_s += 1;
    chain_.back() = b;
    state_ = before;
  }
  chain::State& MutableState() { return state_; }

  std::vector<chain::Tx> mempool;

 private:
  contract::CompactIdentityVerifier verifier_;
  contract::TradingContract contract_;
  contract::ContractParams params_;
  chain::State state_;
  std::vector<chain::Block> chain_;
};

// The proof a `vehicle` subscription carries (docs/spec/vehicle-api.md): `key` signs
// chain::SubscribeSigningBytes(rsu, vehicle, timestamp_s).
inline nlohmann::json KeyProofJson(const crypto::PrivateKey& key, const std::string& rsu,
                                   const std::string& vehicle, int64_t timestamp_s) {
  const crypto::Signature sig = key.Sign(chain::SubscribeSigningBytes(rsu, vehicle, timestamp_s));
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
