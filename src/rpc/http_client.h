// A small blocking JSON-RPC 2.0 client over HTTP/1.1 (Boost.Beast), for tests, tools and the
// benchmarks. Not for use inside the node's event loop.
//
// HttpClient keeps one keep-alive connection to "http://host:port[/path]", or to a node's
// operator socket "unix:/path/admin.sock", and reconnects when it is closed. With a JWT secret it
// sends "Authorization: Bearer <fresh HS256 token>" on every request (the authrpc listener). Every
// exchange (connect, write, read) is bounded by the timeout. Errors:
//   - transport (refused, timeout, malformed HTTP or JSON, non-200 status): IoError;
//   - a JSON-RPC error response: Call() returns it as an RpcError {code, message} value;
//     CallOk() folds it into a Status (see RpcErrorStatus) with the node's message kept as is.
// Not thread-safe: one client per thread.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "rpc/json_rpc.h"

namespace v2v::rpc {

struct Endpoint {
  std::string host;
  std::string port;
  std::string target = "/";
  std::string unix_path;  // set for "unix:/path": host and port are unused
};
// Parses "http://host:port[/path]" (host: name, IPv4 or [IPv6]). InvalidArgument otherwise.
Result<Endpoint> ParseHttpUrl(const std::string& url);

// The Status for a JSON-RPC error: -32602 InvalidArgument, -32001 NotFound, -32000 (rejected)
// FailedPrecondition, anything else Internal; the message is the server's message unchanged.
Status RpcErrorStatus(const RpcError& error);

// "http://..." or "unix:/absolute/path".
Result<Endpoint> ParseRpcUrl(const std::string& url);

struct ClientOptions {
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  Bytes jwt_secret;  // non-empty: authenticate every request with a bearer token (jwt_auth.h)
};

class HttpClient {
 public:
  static Result<HttpClient> Connect(const std::string& url,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10));
  static Result<HttpClient> Connect(const std::string& url, ClientOptions options);
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  // One request; the result value or the server's error object.
  Result<RpcResult> Call(const std::string& method,
                         const nlohmann::json& params = nlohmann::json::array());
  // Same, with a JSON-RPC error folded into a Status (RpcErrorStatus).
  Result<nlohmann::json> CallOk(const std::string& method,
                                const nlohmann::json& params = nlohmann::json::array());
  // GET `path` (e.g. "/metrics"): the body of a 200 answer.
  Result<std::string> Get(const std::string& path);

  const std::string& url() const { return url_; }

 private:
  struct Impl;
  HttpClient(std::string url, std::unique_ptr<Impl> impl);
  std::string url_;
  std::unique_ptr<Impl> impl_;
};

// One call on a fresh connection: CallOk semantics.
Result<nlohmann::json> Call(const std::string& url, const std::string& method,
                            const nlohmann::json& params = nlohmann::json::array(),
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace v2v::rpc
