// JSON-RPC 2.0 dispatch (https://www.jsonrpc.org/specification), transport-free.
//
// A Dispatcher maps method names to handlers (JSON params -> JSON result or an RpcError). Handle()
// takes the raw request text and returns the response text: parse errors (-32700), invalid
// requests (-32600), unknown methods (-32601), invalid params (-32602) and handler errors are all
// answered as JSON-RPC errors; batches are supported; notifications (no "id") get no response
// (Handle returns an empty string). It never throws: a handler that throws is answered with
// -32603 and the message. Thread-safe once all methods are registered.
//
// Limits (DispatchLimits, docs/spec/node.md N7) are checked before and while handling: a text
// nested deeper than max_depth is refused before it is parsed (json_depth.h), a batch of more
// than max_batch calls is refused whole, and a response (or the running total of a batch's
// responses) above max_response_bytes is replaced by an error. Each refusal is answered with
// kLimitExceeded and reported to the LimitObserver, if one is set.
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
// A request beyond one of the server's limits (EIP-1474's "limit exceeded").
inline constexpr int kLimitExceeded = -32005;

struct DispatchLimits {
  size_t max_depth = 64;                  // nesting of arrays and objects in one request text
  size_t max_batch = 100;                 // calls in one batch
  size_t max_response_bytes = 16u << 20;  // one response, or one batch's responses together
};

// Told of every limit refusal: reason ("json_depth", "batch_size", "response_size") and detail.
using LimitObserver = std::function<void(const std::string& reason, const std::string& detail)>;

using RpcResult = std::variant<nlohmann::json, RpcError>;
using Handler = std::function<RpcResult(const nlohmann::json& params)>;

class Dispatcher {
 public:
  Dispatcher() = default;
  explicit Dispatcher(DispatchLimits limits) : limits_(limits) {}
  void SetLimitObserver(LimitObserver observer) { observer_ = std::move(observer); }
  const DispatchLimits& limits() const { return limits_; }
  void Register(const std::string& method, Handler handler) {
    methods_[method] = std::move(handler);
  }
  bool Has(const std::string& method) const { return methods_.count(method) > 0; }
  // Returns the response text, or "" when nothing is to be sent (notifications only).
  std::string Handle(std::string_view request_text) const;
  // The same with responses bounded by the smaller of limits().max_response_bytes and
  // `max_response_bytes` (a transport with a tighter budget, e.g. the explorer's WebSocket).
  std::string Handle(std::string_view request_text, size_t max_response_bytes) const;
  // The nesting rule: true if `text` is nested at most limits().max_depth deep, so it may be
  // parsed. Handle() refuses any other text before parsing it; a transport that reads a request
  // itself (the WebSocket's chain_subscribe) asks here first.
  bool WithinDepth(std::string_view text) const;

 private:
  nlohmann::json HandleOne(const nlohmann::json& request) const;
  std::string HandleBatch(const nlohmann::json& batch, size_t max_response_bytes) const;
  std::string Refuse(const std::string& reason, const std::string& message,
                     const nlohmann::json& id = nullptr) const;
  std::map<std::string, Handler> methods_;
  DispatchLimits limits_;
  LimitObserver observer_;
};

// Helpers for handlers: positional or named parameter access with typed errors.
// Param(params, 0, "number") reads params[0] if params is an array, params["number"] if an object.
const nlohmann::json* Param(const nlohmann::json& params, size_t index, const char* name);

}  // namespace v2v::rpc
