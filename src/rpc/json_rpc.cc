#include "rpc/json_rpc.h"

#include <exception>

namespace v2v::rpc {
namespace {

using nlohmann::json;

json ErrorResponse(const json& id, int code, const std::string& message, const json& data = nullptr) {
  json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = data;
  return {{"jsonrpc", "2.0"}, {"error", std::move(error)}, {"id", id}};
}

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
    response = ErrorResponse(id, kMethodNotFound, "method not found: " + req["method"].get<std::string>());
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

std::string Dispatcher::Handle(std::string_view text) const {
  json req = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (req.is_discarded()) return ErrorResponse(nullptr, kParseError, "parse error: not valid JSON").dump();
  if (req.is_array()) {
    if (req.empty()) return ErrorResponse(nullptr, kInvalidRequest, "empty batch").dump();
    json out = json::array();
    for (const json& r : req) {
      json one = HandleOne(r);
      if (!one.is_null()) out.push_back(std::move(one));
    }
    return out.empty() ? std::string() : out.dump();
  }
  json one = HandleOne(req);
  return one.is_null() ? std::string() : one.dump();
}

}  // namespace v2v::rpc
