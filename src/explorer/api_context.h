// Shared by the explorer's method files: the ledger source, the chain index kept in step with
// the head, account names of sealer keys, and typed parameter readers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>

#include "explorer/chain_index.h"
#include "explorer/explorer_api.h"

namespace v2v::explorer {

class ApiContext {
 public:
  explicit ApiContext(ExplorerSource source) : source_(std::move(source)) {
    if (source_.feed != nullptr) index_.Follow(*source_.feed);
  }
  const node::Ledger& ledger() const { return source_.ledger(); }
  nlohmann::json NodeStatus() const {
    return source_.node_status ? source_.node_status() : nlohmann::json::object();
  }
  // The index, synced to the current head first.
  Result<const ChainIndex*> Index();
  // The account id registered with `key` (RSUs seal with their account key), or "".
  std::string NameOf(const crypto::PublicKey& key);

 private:
  ExplorerSource source_;
  ChainIndex index_;
  Hash32 names_at_;  // head hash the names were read at
  std::map<crypto::PublicKey, std::string> names_;
};

using ParamResult = std::variant<uint64_t, rpc::RpcError>;

rpc::RpcError InvalidParam(const std::string& msg);
// A non-negative integer parameter; `fallback` when absent (nullopt: required).
ParamResult UintParam(const nlohmann::json& params, size_t i, const char* name,
                      std::optional<uint64_t> fallback);
std::variant<std::string, rpc::RpcError> StringParam(const nlohmann::json& params, size_t i,
                                                     const char* name);
std::variant<Hash32, rpc::RpcError> HashParam(const nlohmann::json& params, size_t i,
                                              const char* name);

// Summary of a canonical block: height, hash, timestamp, sealer (+ name), in_turn, tx count.
nlohmann::json BlockSummaryJson(ApiContext& ctx, const chain::Block& block);

void RegisterMarketMethods(rpc::Dispatcher& d, std::shared_ptr<ApiContext> ctx);

}  // namespace v2v::explorer
