// The HTTP policy's rules, one place each (docs/spec/node.md N7): which Host a request may name
// (DNS rebinding), which cross-origin pages may read our answers (CORS) and, by the same rule,
// which pages may open a WebSocket to us, plus the Content-Type a JSON-RPC POST must carry.
// Pure functions of the policy and header values; http_server.cc applies them.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "rpc/http_types.h"

namespace v2v::rpc {

// The loopback names every HTTP listener accepts in Host (geth's --http.vhosts default).
std::vector<std::string> LoopbackHosts();

struct HttpPolicy {
  // Host names (lowercase, no port; IPv6 in brackets) accepted in the Host header; "*" accepts
  // any. Empty: no check (the Unix socket, where no browser can reach).
  std::vector<std::string> vhosts = LoopbackHosts();
  // Origins that get CORS headers (and preflight answers); "*" any. Empty: none (CORS off).
  std::vector<std::string> cors_origins;
  // Checked on every request before routing; a refusal is answered 401 with its message.
  std::function<Status(const HttpRequest&)> authorize;
};

// "Name:port" -> "name"; "[::1]:port" -> "[::1]".
std::string HostName(std::string_view host_header);
// The Host header names a host in policy.vhosts (always true when vhosts is empty).
bool HostAllowed(const HttpPolicy& policy, std::string_view host_header);
// The CORS rule: a page of another origin may read our answers only if policy.cors_origins
// lists its Origin (or "*").
bool CorsAllowed(const HttpPolicy& policy, std::string_view origin);
// The same rule for a WebSocket upgrade, which browsers do not hold to CORS (any page may open a
// socket to any host): allowed with no Origin (not a browser), from the node's own page (the
// Origin's host:port is the Host header, itself checked against vhosts), or when CorsAllowed.
bool WebSocketOriginAllowed(const HttpPolicy& policy, std::string_view origin,
                            std::string_view host_header);
// "application/json", with any parameters (charset) and case.
bool IsJsonContentType(std::string_view value);

}  // namespace v2v::rpc
