// JSON-RPC errors for validation results (docs/spec/node.md N5): a refusal by the rules is
// -32000 with data {"reason": "<code>"} (chain::RejectName) so that clients decide by the code,
// never by the message text; a block whose parent the node lacks is -32001; the node's own failure
// (an IoError or Corruption of its store) is -32002, with no reason: it is not the caller's fault.
#pragma once

#include <string>

#include "chain/reject.h"
#include "rpc/json_rpc.h"

namespace v2v::rpc {

inline RpcError RejectionError(const chain::Rejection& r) {
  return {kRejected, r.ToString(),
          nlohmann::json{{"reason", std::string(chain::RejectName(r.code))}}};
}

// REQUIRES: !r.ok().
template <typename T>
RpcError ValidationError(const chain::ValidationResult<T>& r) {
  if (r.invalid()) return RejectionError(r.rejection());
  if (r.error_status().code() == StatusCode::kNotFound)
    return {kNotFound, r.error_status().message()};
  return {kNodeError, r.error_status().ToString()};
}

}  // namespace v2v::rpc
