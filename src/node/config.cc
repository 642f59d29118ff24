#include "node/config.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "base/file_util.h"

namespace v2v::node {
namespace {

const std::set<std::string>& KnownKeys() {
  static const std::set<std::string> keys{"name", "data_dir", "genesis", "ca", "cert", "key",
                                          "p2p_listen", "rpc_listen", "peers", "seal",
                                          "mempool_max_txs", "max_block_txs", "log_level",
                                          "vehicle_listen", "vehicle_t_limit_s"};
  return keys;
}

Result<std::string> RequiredString(const toml::table& t, const char* key) {
  const auto* node = t.get(key);
  if (node == nullptr) return Status::InvalidArgument(std::string("config: missing key \"") + key + "\"");
  const auto v = node->value<std::string>();
  if (!v || v->empty()) return Status::InvalidArgument(std::string("config: \"") + key + "\" must be a non-empty string");
  return *v;
}

Result<int64_t> PositiveInt(const toml::table& t, const char* key, int64_t dflt) {
  const auto* node = t.get(key);
  if (node == nullptr) return dflt;
  const auto v = node->value<int64_t>();
  if (!v || *v <= 0) return Status::InvalidArgument(std::string("config: \"") + key + "\" must be a positive integer");
  return *v;
}

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
  for (auto [field, key] : {std::pair{&c.data_dir, "data_dir"}, {&c.genesis, "genesis"}, {&c.ca, "ca"},
                            {&c.cert, "cert"}, {&c.key, "key"}}) {
    V2V_ASSIGN_OR_RETURN(std::string path, RequiredString(t, key));
    *field = Resolve(path, base_dir);
  }
  for (auto [field, key] : {std::pair{&c.p2p_listen, "p2p_listen"}, {&c.rpc_listen, "rpc_listen"}}) {
    V2V_ASSIGN_OR_RETURN(std::string text, RequiredString(t, key));
    auto hp = ParseHostPort(text);
    if (!hp.ok()) return Status::InvalidArgument(std::string("config: \"") + key + "\": " + hp.status().message());
    *field = *hp;
  }
  if (const auto* peers = t.get("peers")) {
    const auto* arr = peers->as_array();
    if (arr == nullptr) return Status::InvalidArgument("config: \"peers\" must be an array of \"host:port\"");
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
    if (!hp.ok()) return Status::InvalidArgument("config: \"vehicle_listen\": " + hp.status().message());
    c.vehicle_listen = *hp;
  }
  V2V_ASSIGN_OR_RETURN(c.vehicle_t_limit_s, PositiveInt(t, "vehicle_t_limit_s", c.vehicle_t_limit_s));
  if (c.vehicle_t_limit_s > 3600) return Status::InvalidArgument("config: \"vehicle_t_limit_s\" must be in [1, 3600]");
  if (const auto* level = t.get("log_level")) {
    const auto v = level->value<std::string>();
    if (!v || (*v != "debug" && *v != "info" && *v != "warn" && *v != "error")) {
      return Status::InvalidArgument("config: \"log_level\" must be debug, info, warn or error");
    }
    c.log_level = *v;
  }
  return c;
}

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return Status(text.status().code(), "config: " + text.status().message());
  return ParseNodeConfig(*text, std::filesystem::path(path).parent_path().string());
}

}  // namespace v2v::node
