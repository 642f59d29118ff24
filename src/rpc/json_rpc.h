// JSON-RPC 2.0 dispatch (https://www.jsonrpc.org/specification), transport-free.
//
// A Dispatcher maps method names to handlers (JSON params -> JSON result or an RpcError). Handle()
// takes the raw request text and returns the response text: parse errors (-32700), invalid
// requests (-32600), unknown methods (-32601), invalid params (-32602) and handler errors are all
// answered as JSON-RPC errors; batches are supported; notifications (no "id") get no response
// (Handle returns an empty string). It never throws: a handler that throws is answered with
// -32603 and the message. Thread-safe once all methods are registered.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace v2v::rpc {

struct RpcError {
  int code;
  std::string message;
  nlohmann::json data = nullptr;  // the error object's "data" member when not null
};

inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Application errors (the -32000 to -32099 range is reserved for implementations).
// A valid request the node refuses by the rules: data {"reason": chain::RejectName(code)}.
inline constexpr int kRejected = -32000;
// A request the node could not carry out through its own failure (e.g. a store IoError).
inline constexpr int kNodeError = -32002;
inline constexpr int kNotFound = -32001;

using RpcResult = std::variant<nlohmann::json, RpcError>;
using Handler = std::function<RpcResult(const nlohmann::json& params)>;

class Dispatcher {
 public:
  void Register(const std::string& method, Handler handler) { methods_[method] = std::move(handler); }
  bool Has(const std::string& method) const { return methods_.count(method) > 0; }
  // Returns the response text, or "" when nothing is to be sent (notifications only).
  std::string Handle(std::string_view request_text) const;

 private:
  nlohmann::json HandleOne(const nlohmann::json& request) const;
  std::map<std::string, Handler> methods_;
};

// Helpers for handlers: positional or named parameter access with typed errors.
// Param(params, 0, "number") reads params[0] if params is an array, params["number"] if an object.
const nlohmann::json* Param(const nlohmann::json& params, size_t index, const char* name);

}  // namespace v2v::rpc
