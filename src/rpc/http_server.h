// HTTP/1.1 server (Boost.Beast) for the node's JSON-RPC, metrics and health, on TCP or on a Unix
// domain socket, with the limits and checks of docs/spec/node.md N7:
//
//   - a connection cap (net::ConnectionBudget) and a quota per remote address (net::AddressQuota,
//     TCP only): a connection over the quota is closed at once; one over the cap takes the place
//     of the connection idle longest (waiting for a request's first byte, e.g. kept alive), which
//     is closed, or is closed at once when no connection is idle. So one address never holds
//     every slot, and idle connections from many never lock a new client out;
//   - timeouts: idle (waiting for a request's first byte), read (first byte to the whole
//     request: a slow or half-sent request is dropped), write (the client must take the whole
//     response: one that does not read is dropped, so at most one response per connection waits
//     in memory);
//   - header and body size limits (431 and 413);
//   - a Host header allow-list (403; DNS rebinding), CORS headers only for configured origins,
//     an optional authorization check on every request (401; the JWT of jwt_auth.h); the rules
//     themselves are in http_policy.h;
//   - POST to a JSON-RPC route must say Content-Type: application/json (415).
// Every refusal goes to the net::Refusals under the server's surface name (log line + counter).
//
// Routes are a table of (method, exact path) -> handler, so static pages slot in beside the
// JSON-RPC route; a GET that no route takes goes to the GET handler if one is set (the explorer's
// page and assets); a 404 or 405 (with Allow) answers what nothing takes. A WebSocket upgrade on
// a TCP listener is handed to the upgrade handler (the explorer's chain_subscribe) after the same
// Host and authorization checks as any request and an Origin check by the CORS rule (403
// otherwise: browsers let any page open a WebSocket to any host, so the server must refuse).
//
// Runs on the given io_context, which must outlive the server; handlers run on its thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "net/limits.h"
#include "rpc/http_policy.h"
#include "rpc/http_types.h"
#include "rpc/json_rpc.h"

namespace v2v::rpc {

using RouteHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpLimits {
  size_t max_connections = 128;
  size_t max_connections_per_address = 32;  // open at once from one IP (TCP listeners only)
  size_t max_header_bytes = 8 << 10;
  size_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds idle_timeout{60'000};   // waiting for the first byte of a request
  std::chrono::milliseconds read_timeout{10'000};   // from that byte to the whole request
  std::chrono::milliseconds write_timeout{10'000};  // for the client to take the whole response
};

struct HttpOptions {
  std::string surface = "rpc";  // the name in refusal logs and metrics
  HttpLimits limits;
  HttpPolicy policy;
};

class HttpServer {
 public:
  // `refusals` must outlive the server; null: the server keeps its own (refusals()).
  HttpServer(boost::asio::io_context& io, HttpOptions options, net::Refusals* refusals = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // REQUIRES: before Listen / ListenUnix.
  void Route(boost::beast::http::verb method, const std::string& path, RouteHandler handler);
  // POST `path` -> dispatcher (Content-Type: application/json required). `dispatcher` must
  // outlive the server.
  void RouteJsonRpc(const std::string& path, const Dispatcher& dispatcher);

  using Request = HttpRequest;
  using Response = HttpResponse;
  // GET requests no route takes (e.g. the explorer's page at "/"); nullopt: 404/405 as usual.
  // REQUIRES: before Listen.
  void SetGetHandler(std::function<std::optional<Response>(const Request&)> handler);
  // TCP connections whose request asks for a WebSocket upgrade, once the Host check, the
  // authorization and the Origin check (WebSocketOriginAllowed) passed, are handed over (socket and
  // request); the handler owns their limits. Without a handler such a request is answered like any
  // other. REQUIRES: before Listen.
  void SetUpgradeHandler(std::function<void(boost::asio::ip::tcp::socket, Request)> handler);

  // Binds host:port (0 picks a port) and starts accepting; returns the bound port.
  Result<uint16_t> Listen(const std::string& host, uint16_t port);
  // Binds a Unix domain socket at `path`, mode 0600 before it accepts anything. A stale socket
  // file (nobody listening) is replaced; a live one is an error, as is any other file there.
  Status ListenUnix(const std::string& path);
  // Stops accepting (and removes the socket file). REQUIRES: on the io_context's thread or
  // while it is not running.
  void Close();

  size_t open_connections() const;
  net::Refusals& refusals();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// The node's routes: POST / and /rpc -> dispatcher, GET /metrics -> metrics(), GET /health.
void ServeJsonRpc(HttpServer& server, const Dispatcher& dispatcher,
                  std::function<std::string()> metrics);

}  // namespace v2v::rpc
