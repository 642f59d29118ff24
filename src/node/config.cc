#include "node/config.h"

#include <toml++/toml.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "base/file_util.h"

namespace v2v::node {
namespace {

using LimitKey = std::pair<const char*, int64_t SurfaceLimits::*>;
const std::vector<LimitKey>& LimitKeys() {
  static const std::vector<LimitKey> keys{
      {"rpc_max_connections", &SurfaceLimits::rpc_max_connections},
      {"rpc_max_connections_per_address", &SurfaceLimits::rpc_max_connections_per_address},
      {"rpc_idle_timeout_ms", &SurfaceLimits::rpc_idle_timeout_ms},
      {"rpc_read_timeout_ms", &SurfaceLimits::rpc_read_timeout_ms},
      {"rpc_write_timeout_ms", &SurfaceLimits::rpc_write_timeout_ms},
      {"rpc_max_body_bytes", &SurfaceLimits::rpc_max_body_bytes},
      {"rpc_max_batch", &SurfaceLimits::rpc_max_batch},
      {"rpc_max_response_bytes", &SurfaceLimits::rpc_max_response_bytes},
      {"rpc_max_json_depth", &SurfaceLimits::rpc_max_json_depth},
      {"p2p_max_inbound", &SurfaceLimits::p2p_max_inbound},
      {"p2p_handshake_timeout_ms", &SurfaceLimits::p2p_handshake_timeout_ms},
      {"p2p_idle_timeout_ms", &SurfaceLimits::p2p_idle_timeout_ms},
      {"p2p_max_send_queue_bytes", &SurfaceLimits::p2p_max_send_queue_bytes},
      {"max_dial_targets", &SurfaceLimits::max_dial_targets},
      {"vehicle_max_connections", &SurfaceLimits::vehicle_max_connections},
      {"vehicle_max_connections_per_address", &SurfaceLimits::vehicle_max_connections_per_address}};
  return keys;
}

const std::set<std::string>& KnownKeys() {
  static const std::set<std::string> keys{"name",
                                          "data_dir",
                                          "genesis",
                                          "ca",
                                          "cert",
                                          "key",
                                          "p2p_listen",
                                          "rpc_listen",
                                          "peers",
                                          "seal",
                                          "mempool_max_txs",
                                          "max_block_txs",
                                          "log_level",
                                          "admin_socket",
                                          "authrpc_listen",
                                          "jwt_secret",
                                          "rpc_vhosts",
                                          "rpc_cors_origins",
                                          "vehicle_listen",
                                          "vehicle_t_limit_s"};
  static const std::set<std::string> all = [] {
    std::set<std::string> k = keys;
    for (const auto& [name, field] : LimitKeys()) k.insert(name);
    return k;
  }();
  return all;
}

Result<std::string> RequiredString(const toml::table& t, const char* key) {
  const auto* node = t.get(key);
  if (node == nullptr)
    return Status::InvalidArgument(std::string("config: missing key \"") + key + "\"");
  const auto v = node->value<std::string>();
  if (!v || v->empty())
    return Status::InvalidArgument(std::string("config: \"") + key +
                                   "\" must be a non-empty string");
  return *v;
}

Result<int64_t> PositiveInt(const toml::table& t, const char* key, int64_t dflt) {
  const auto* node = t.get(key);
  if (node == nullptr) return dflt;
  const auto v = node->value<int64_t>();
  if (!v || *v <= 0)
    return Status::InvalidArgument(std::string("config: \"") + key +
                                   "\" must be a positive integer");
  return *v;
}

Result<std::vector<std::string>> StringList(const toml::table& t, const char* key) {
  std::vector<std::string> out;
  const auto* node = t.get(key);
  if (node == nullptr) return out;
  const auto* arr = node->as_array();
  const auto error =
      Status::InvalidArgument(std::string("config: \"") + key + "\" must be an array of strings");
  if (arr == nullptr) return error;
  for (const auto& v : *arr) {
    const auto s = v.value<std::string>();
    if (!s) return error;
    out.push_back(*s);
  }
  return out;
}

std::string Lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The security keys: the operator channel, Host and CORS lists, and the limits.
Status ParseSecurity(const toml::table& t, const std::string& base_dir, NodeConfig& c);

std::string Resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

}  // namespace

Result<HostPort> ParseHostPort(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument("expected host:port, got \"" + text + "\"");
  }
  HostPort hp;
  hp.host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("bad port in \"" + text + "\"");
  }
  const long p = std::stol(port);
  if (p > 65535) return Status::InvalidArgument("port out of range in \"" + text + "\"");
  hp.port = static_cast<uint16_t>(p);
  return hp;
}

Result<NodeConfig> ParseNodeConfig(const std::string& toml_text, const std::string& base_dir) {
  toml::table t;
  try {
    t = toml::parse(toml_text);
  } catch (const toml::parse_error& err) {
    std::ostringstream msg;
    msg << "config: line " << err.source().begin.line << ": " << err.description();
    return Status::InvalidArgument(msg.str());
  }
  for (const auto& [k, v] : t) {
    if (!KnownKeys().count(std::string(k.str()))) {
      return Status::InvalidArgument("config: unknown key \"" + std::string(k.str()) + "\"");
    }
  }
  NodeConfig c;
  V2V_ASSIGN_OR_RETURN(c.name, RequiredString(t, "name"));
  for (auto [field, key] : {std::pair{&c.data_dir, "data_dir"},
                            {&c.genesis, "genesis"},
                            {&c.ca, "ca"},
                            {&c.cert, "cert"},
                            {&c.key, "key"}}) {
    V2V_ASSIGN_OR_RETURN(std::string path, RequiredString(t, key));
    *field = Resolve(path, base_dir);
  }
  for (auto [field, key] :
       {std::pair{&c.p2p_listen, "p2p_listen"}, {&c.rpc_listen, "rpc_listen"}}) {
    V2V_ASSIGN_OR_RETURN(std::string text, RequiredString(t, key));
    auto hp = ParseHostPort(text);
    if (!hp.ok())
      return Status::InvalidArgument(std::string("config: \"") + key +
                                     "\": " + hp.status().message());
    *field = *hp;
  }
  if (const auto* peers = t.get("peers")) {
    const auto* arr = peers->as_array();
    if (arr == nullptr)
      return Status::InvalidArgument("config: \"peers\" must be an array of \"host:port\"");
    for (const auto& p : *arr) {
      const auto s = p.value<std::string>();
      if (!s) return Status::InvalidArgument("config: \"peers\" must be an array of \"host:port\"");
      auto hp = ParseHostPort(*s);
      if (!hp.ok()) return Status::InvalidArgument("config: \"peers\": " + hp.status().message());
      c.peers.push_back(*hp);
    }
  }
  if (const auto* seal = t.get("seal")) {
    const auto v = seal->value<bool>();
    if (!v) return Status::InvalidArgument("config: \"seal\" must be true or false");
    c.seal = *v;
  }
  V2V_ASSIGN_OR_RETURN(c.mempool_max_txs, PositiveInt(t, "mempool_max_txs", c.mempool_max_txs));
  V2V_ASSIGN_OR_RETURN(c.max_block_txs, PositiveInt(t, "max_block_txs", c.max_block_txs));
  if (const auto* vl = t.get("vehicle_listen")) {
    const auto v = vl->value<std::string>();
    auto hp = v ? ParseHostPort(*v) : Result<HostPort>(Status::InvalidArgument("must be a string"));
    if (!hp.ok())
      return Status::InvalidArgument("config: \"vehicle_listen\": " + hp.status().message());
    c.vehicle_listen = *hp;
  }
  V2V_ASSIGN_OR_RETURN(c.vehicle_t_limit_s,
                       PositiveInt(t, "vehicle_t_limit_s", c.vehicle_t_limit_s));
  if (c.vehicle_t_limit_s > 3600)
    return Status::InvalidArgument("config: \"vehicle_t_limit_s\" must be in [1, 3600]");
  if (const auto* level = t.get("log_level")) {
    const auto v = level->value<std::string>();
    if (!v || (*v != "debug" && *v != "info" && *v != "warn" && *v != "error")) {
      return Status::InvalidArgument("config: \"log_level\" must be debug, info, warn or error");
    }
    c.log_level = *v;
  }
  V2V_RETURN_IF_ERROR(ParseSecurity(t, base_dir, c));
  return c;
}

namespace {

Status ParseSecurity(const toml::table& t, const std::string& base_dir, NodeConfig& c) {
  c.admin_socket = (std::filesystem::path(c.data_dir) / "admin.sock").string();
  if (const auto* node = t.get("admin_socket")) {
    const auto v = node->value<std::string>();
    if (!v)
      return Status::InvalidArgument("config: \"admin_socket\" must be a path (\"\" turns it off)");
    c.admin_socket = Resolve(*v, base_dir);
  }
  if (t.get("authrpc_listen") != nullptr) {
    V2V_ASSIGN_OR_RETURN(std::string text, RequiredString(t, "authrpc_listen"));
    auto hp = ParseHostPort(text);
    if (!hp.ok())
      return Status::InvalidArgument("config: \"authrpc_listen\": " + hp.status().message());
    c.authrpc_listen = *hp;
    if (t.get("jwt_secret") == nullptr) {
      return Status::InvalidArgument(
          "config: \"authrpc_listen\" needs \"jwt_secret\" (a 0600 file of 32 bytes hex)");
    }
  }
  if (t.get("jwt_secret") != nullptr) {
    V2V_ASSIGN_OR_RETURN(std::string path, RequiredString(t, "jwt_secret"));
    c.jwt_secret = Resolve(path, base_dir);
  }
  V2V_ASSIGN_OR_RETURN(c.rpc_vhosts, StringList(t, "rpc_vhosts"));
  if (t.get("rpc_vhosts") == nullptr) {
    c.rpc_vhosts = {"localhost", "127.0.0.1", "[::1]"};
    const std::string& host = c.rpc_listen.host;
    c.rpc_vhosts.push_back(host.find(':') != std::string::npos ? "[" + host + "]" : host);
  }
  for (std::string& h : c.rpc_vhosts) h = Lowercase(h);
  V2V_ASSIGN_OR_RETURN(c.rpc_cors_origins, StringList(t, "rpc_cors_origins"));
  for (const auto& [key, field] : LimitKeys()) {
    V2V_ASSIGN_OR_RETURN(c.limits.*field, PositiveInt(t, key, c.limits.*field));
  }
  return Status::Ok();
}

}  // namespace

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return Status(text.status().code(), "config: " + text.status().message());
  return ParseNodeConfig(*text, std::filesystem::path(path).parent_path().string());
}

}  // namespace v2v::node
