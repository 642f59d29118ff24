// The node's TOML config file (docs/spec/node.md N1).
#pragma once

#include <cstdint>
#include <optional>
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

// The limits on the node's outside surfaces (docs/spec/node.md N7); config keys in brackets.
struct SurfaceLimits {
  int64_t rpc_max_connections = 128;             // [rpc_max_connections] per HTTP listener
  int64_t rpc_max_connections_per_address = 32;  // [rpc_max_connections_per_address] one IP
  int64_t rpc_idle_timeout_ms = 60'000;          // [rpc_idle_timeout_ms] waiting for a request
  int64_t rpc_read_timeout_ms = 10'000;         // [rpc_read_timeout_ms] first byte to whole request
  int64_t rpc_write_timeout_ms = 10'000;        // [rpc_write_timeout_ms] client takes the response
  int64_t rpc_max_body_bytes = 1 << 20;         // [rpc_max_body_bytes]
  int64_t rpc_max_batch = 100;                  // [rpc_max_batch] calls in one batch
  int64_t rpc_max_response_bytes = 16 << 20;    // [rpc_max_response_bytes]
  int64_t rpc_max_json_depth = 64;              // [rpc_max_json_depth]
  int64_t p2p_max_inbound = 64;                 // [p2p_max_inbound] accepted peer connections
  int64_t p2p_handshake_timeout_ms = 10'000;    // [p2p_handshake_timeout_ms] TLS handshake + hello
  int64_t p2p_idle_timeout_ms = 30'000;         // [p2p_idle_timeout_ms] no frame from a peer
  int64_t p2p_max_send_queue_bytes = 64 << 20;  // [p2p_max_send_queue_bytes] per peer
  int64_t max_dial_targets = 64;  // [max_dial_targets] addresses dialled (config + admin_addPeer)
  int64_t vehicle_max_connections = 10'000;  // [vehicle_max_connections] vehicle port, all at once
  // [vehicle_max_connections_per_address] vehicle port, from one IP at once. `v2v testnet` writes
  // the connection cap here: on one machine every vehicle comes from 127.0.0.1.
  int64_t vehicle_max_connections_per_address = 64;
};

struct NodeConfig {
  std::string name;
  std::string data_dir, genesis, ca, cert, key;
  HostPort p2p_listen, rpc_listen;
  std::vector<HostPort> peers;
  bool seal = true;
  int64_t mempool_max_txs = 200000;
  int64_t max_block_txs = 20000;
  std::string log_level = "info";
  // The operator channel (N5): a Unix socket, mode 0600, serving every method. Default
  // <data_dir>/admin.sock; "" turns it off.
  std::string admin_socket;
  // Optional HTTP listener for operators with a JWT (HS256; secret: 32 bytes hex in a 0600 file).
  std::optional<HostPort> authrpc_listen;
  std::string jwt_secret;
  // Host names accepted in the Host header of rpc_listen and authrpc_listen (N7). Default: the
  // loopback names plus rpc_listen's host; "*" accepts any.
  std::vector<std::string> rpc_vhosts;
  std::vector<std::string> rpc_cors_origins;  // empty: CORS off
  SurfaceLimits limits;
  // The vehicle API (docs/spec/vehicle-api.md): its listen address and T_limit of its rounds.
  HostPort vehicle_listen{"127.0.0.1", 0};
  int64_t vehicle_t_limit_s = 10;
};

// Relative paths are resolved against the config file's directory. Errors name the key (and
// line for TOML syntax errors).
Result<NodeConfig> ParseNodeConfig(const std::string& toml_text, const std::string& base_dir);
Result<NodeConfig> LoadNodeConfig(const std::string& path);

}  // namespace v2v::node
