// Test fixture for contract tests: a World (world.h), its compact-certificate verifier, a
// TradingContract on the genesis CA key, the genesis state, and blocks applied to a state, each
// expected to be accepted (Ok) or refused (Rejects). Header-only; tests only.
#pragma once

#include <gtest/gtest.h>

#include <variant>
#include <vector>

#include "contract/testing/world.h"
#include "contract/trading_contract.h"

namespace v2v::contract::testing {

struct ContractEnv {
  World w;
  CompactIdentityVerifier verifier = w.Verifier();
  TradingContract contract{verifier, ContractParams{3600, 600, w.ca.public_key(), 0}};
  chain::State genesis = w.GenesisStateOrDie();

  std::variant<chain::State, chain::Rejection> Apply(const chain::State& s, int64_t time,
                                                     std::vector<chain::Tx> txs) const {
    return contract.ApplyBlock(s, World::MakeBlock(time, std::move(txs)));
  }
  chain::State Ok(const chain::State& s, int64_t time, std::vector<chain::Tx> txs) const {
    auto r = Apply(s, time, std::move(txs));
    if (auto* rej = std::get_if<chain::Rejection>(&r)) ADD_FAILURE() << rej->ToString();
    return std::get<chain::State>(std::move(r));
  }
  chain::Reject Rejects(const chain::State& s, int64_t time, std::vector<chain::Tx> txs) const {
    auto r = Apply(s, time, std::move(txs));
    if (!std::holds_alternative<chain::Rejection>(r)) {
      ADD_FAILURE() << "accepted";
      return chain::Reject::kMalformed;
    }
    return std::get<chain::Rejection>(r).code;
  }
};

}  // namespace v2v::contract::testing
