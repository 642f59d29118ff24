#include "rpc/json_rpc.h"

#include <algorithm>
#include <exception>

#include "rpc/json_depth.h"

namespace v2v::rpc {
namespace {

using nlohmann::json;

json ErrorResponse(const json& id, int code, const std::string& message,
                   const json& data = nullptr) {
  json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = data;
  return {{"jsonrpc", "2.0"}, {"error", std::move(error)}, {"id", id}};
}

// Text of a response; a string that is not valid UTF-8 is repaired rather than thrown on.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

const json* Param(const json& params, size_t index, const char* name) {
  if (params.is_array()) return index < params.size() ? &params[index] : nullptr;
  if (params.is_object()) {
    auto it = params.find(name);
    return it == params.end() ? nullptr : &*it;
  }
  return nullptr;
}

json Dispatcher::HandleOne(const json& req) const {
  const json null_id = nullptr;
  if (!req.is_object()) return ErrorResponse(null_id, kInvalidRequest, "request must be an object");
  const bool has_id = req.contains("id");
  const json id = has_id ? req["id"] : null_id;
  if (has_id && !(id.is_string() || id.is_number_integer() || id.is_null())) {
    return ErrorResponse(null_id, kInvalidRequest, "id must be a string, an integer or null");
  }
  if (!req.contains("jsonrpc") || req["jsonrpc"] != "2.0") {
    return ErrorResponse(id, kInvalidRequest, "jsonrpc must be \"2.0\"");
  }
  if (!req.contains("method") || !req["method"].is_string()) {
    return ErrorResponse(id, kInvalidRequest, "method must be a string");
  }
  const json params = req.value("params", json::array());
  if (!params.is_array() && !params.is_object()) {
    return ErrorResponse(id, kInvalidRequest, "params must be an array or an object");
  }
  auto it = methods_.find(req["method"].get<std::string>());
  json response;
  if (it == methods_.end()) {
    response =
        ErrorResponse(id, kMethodNotFound, "method not found: " + req["method"].get<std::string>());
  } else {
    try {
      RpcResult r = it->second(params);
      if (auto* err = std::get_if<RpcError>(&r)) {
        response = ErrorResponse(id, err->code, err->message, err->data);
      } else {
        response = {{"jsonrpc", "2.0"}, {"result", std::get<json>(std::move(r))}, {"id", id}};
      }
    } catch (const std::exception& e) {  // a bug in a handler must not take the node down
      response = ErrorResponse(id, kInternalError, std::string("internal error: ") + e.what());
    }
  }
  return has_id ? response : json();  // notifications get no response
}

std::string Dispatcher::Refuse(const std::string& reason, const std::string& message,
                               const json& id) const {
  if (observer_) observer_(reason, message);
  return Dump(ErrorResponse(id, kLimitExceeded, message));
}

std::string Dispatcher::HandleBatch(const json& batch, size_t max_response_bytes) const {
  if (batch.empty()) return Dump(ErrorResponse(nullptr, kInvalidRequest, "empty batch"));
  if (batch.size() > limits_.max_batch) {
    return Refuse("batch_size", "batch of " + std::to_string(batch.size()) +
                                    " calls is over the limit of " +
                                    std::to_string(limits_.max_batch));
  }
  std::string out = "[";
  size_t answered = 0;
  for (const json& r : batch) {
    json one = HandleOne(r);
    if (one.is_null()) continue;
    std::string text = Dump(one);
    if (out.size() + text.size() + 2 > max_response_bytes) {
      // The calls are done (their effects stand); what does not fit is replaced by one error.
      text = Refuse("response_size", "batch response over the limit of " +
                                         std::to_string(max_response_bytes) + " bytes");
      if (answered == 0) return text;
      out += ',';
      out += text;
      ++answered;
      break;
    }
    if (answered++ > 0) out += ',';
    out += text;
  }
  if (answered == 0) return std::string();
  out += ']';
  return out;
}

bool Dispatcher::WithinDepth(std::string_view text) const {
  return JsonDepth(text, limits_.max_depth) <= limits_.max_depth;
}

std::string Dispatcher::Handle(std::string_view text) const {
  return Handle(text, limits_.max_response_bytes);
}

std::string Dispatcher::Handle(std::string_view text, size_t max_response_bytes) const {
  max_response_bytes = std::min(max_response_bytes, limits_.max_response_bytes);
  if (!WithinDepth(text)) {
    return Refuse("json_depth",
                  "request nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  json req = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (req.is_discarded())
    return Dump(ErrorResponse(nullptr, kParseError, "parse error: not valid JSON"));
  if (req.is_array()) return HandleBatch(req, max_response_bytes);
  json one = HandleOne(req);
  if (one.is_null()) return std::string();
  std::string out = Dump(one);
  if (out.size() > max_response_bytes) {
    return Refuse("response_size",
                  "response of " + std::to_string(out.size()) + " bytes is over the limit of " +
                      std::to_string(max_response_bytes),
                  one["id"]);
  }
  return out;
}

}  // namespace v2v::rpc
