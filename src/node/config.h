// The node's TOML config file (docs/spec/node.md N1).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace v2v::node {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
  bool operator==(const HostPort&) const = default;
};
// "host:port" with a port in [0, 65535].
Result<HostPort> ParseHostPort(const std::string& text);

struct NodeConfig {
  std::string name;
  std::string data_dir, genesis, ca, cert, key;
  HostPort p2p_listen, rpc_listen;
  std::vector<HostPort> peers;
  bool seal = true;
  int64_t mempool_max_txs = 200000;
  int64_t max_block_txs = 20000;
  std::string log_level = "info";
  // The vehicle API (docs/spec/vehicle-api.md): its listen address and T_limit of its rounds.
  HostPort vehicle_listen{"127.0.0.1", 0};
  int64_t vehicle_t_limit_s = 10;
};

// Relative paths are resolved against the config file's directory. Errors name the key (and
// line for TOML syntax errors).
Result<NodeConfig> ParseNodeConfig(const std::string& toml_text, const std::string& base_dir);
Result<NodeConfig> LoadNodeConfig(const std::string& path);

}  // namespace v2v::node
