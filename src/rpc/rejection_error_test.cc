// Every rejection code reaches a JSON-RPC caller as data.reason, and the node's own failure is
// told apart (no reason, its own error code): callers decide by code, never by message text.
#include "rpc/rejection_error.h"

#include <gtest/gtest.h>

#include <set>

#include "base/bytes.h"

namespace v2v::rpc {
namespace {

using nlohmann::json;

// The error object of a call whose handler answers `error`, through the dispatcher.
json ErrorObject(const RpcError& error) {
  Dispatcher d;
  d.Register("submit", [error](const json&) -> RpcResult { return error; });
  const json response = json::parse(d.Handle(R"({"jsonrpc":"2.0","id":1,"method":"submit"})"));
  return response.at("error");
}

TEST(RejectionError, EveryCodeReachesTheCallerAsItsReason) {
  std::set<std::string> seen;
  for (int k = 1; k <= 64; ++k) {
    const auto code = static_cast<chain::Reject>(k);
    const std::string name(chain::RejectName(code));
    if (name == "unknown") continue;  // not a code (retired or beyond the last)
    chain::ValidationResult<Hash32> refused = chain::Rejected(code, "detail");
    const json e = ErrorObject(ValidationError(refused));
    EXPECT_EQ(e.at("code"), kRejected) << name;
    EXPECT_EQ(e.at("data"), json({{"reason", name}})) << name;
    seen.insert(name);
  }
  EXPECT_GE(seen.size(), 45u);                 // every live code has its own name
  EXPECT_EQ(seen.count("bad_timestamp"), 0u);  // retired
  EXPECT_EQ(seen.count("unauthorized_sealer"), 0u);
}

TEST(RejectionError, OurOwnFailureCarriesNoReason) {
  chain::ValidationResult<Hash32> broken = Status::IoError("disk full");
  json e = ErrorObject(ValidationError(broken));
  EXPECT_EQ(e.at("code"), kNodeError);
  EXPECT_FALSE(e.contains("data"));
  chain::ValidationResult<Hash32> orphan = Status::NotFound("unknown parent 00");
  e = ErrorObject(ValidationError(orphan));
  EXPECT_EQ(e.at("code"), kNotFound);
  EXPECT_FALSE(e.contains("data"));
}

}  // namespace
}  // namespace v2v::rpc
