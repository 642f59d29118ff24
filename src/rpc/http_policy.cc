#include "rpc/http_policy.h"

#include <algorithm>
#include <cctype>

namespace v2v::rpc {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool Listed(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), "*") != list.end() ||
         std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::vector<std::string> LoopbackHosts() { return {"localhost", "127.0.0.1", "[::1]"}; }

std::string HostName(std::string_view host_header) {
  std::string h = Lower(host_header);
  if (!h.empty() && h[0] == '[') {
    const size_t close = h.find(']');
    return close == std::string::npos ? h : h.substr(0, close + 1);
  }
  return h.substr(0, h.find(':'));
}

bool HostAllowed(const HttpPolicy& policy, std::string_view host_header) {
  return policy.vhosts.empty() || Listed(policy.vhosts, HostName(host_header));
}

bool CorsAllowed(const HttpPolicy& policy, std::string_view origin) {
  return !origin.empty() && !policy.cors_origins.empty() &&
         Listed(policy.cors_origins, std::string(origin));
}

bool WebSocketOriginAllowed(const HttpPolicy& policy, std::string_view origin,
                            std::string_view host_header) {
  if (origin.empty()) return true;
  const size_t scheme_end = origin.find("://");
  const bool same_origin = scheme_end != std::string_view::npos && !host_header.empty() &&
                           Lower(origin.substr(scheme_end + 3)) == Lower(host_header);
  return same_origin || CorsAllowed(policy, origin);
}

bool IsJsonContentType(std::string_view value) {
  std::string v = Lower(value.substr(0, value.find(';')));
  v.erase(v.find_last_not_of(" \t") + 1);
  v.erase(0, v.find_first_not_of(" \t"));
  return v == "application/json";
}

}  // namespace v2v::rpc
