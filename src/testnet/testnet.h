// A local testnet of RSU nodes on loopback (docs/spec/node.md N6), for `v2v testnet`, the
// multi-process tests and bench_testnet.
//
// Create() lays out DIR: a CA (crypto::CaStore), one RSU identity per node (certificate subject
// "rsu-<i>", role rsu; its key also seals), K spare RSU identities (certificates and genesis
// accounts, not authorities), V vehicle identities "car-<k>", the genesis (authorities = the
// node keys; every RSU and vehicle an account, vehicles funded), free loopback ports and one
// config.toml per node (node i dials nodes 0..i-1), then DIR/testnet.json. Launch() starts the
// node processes (`<binary> node --config FILE`, each in its own session so it outlives the
// caller, stdout and stderr appended to node-<i>/node.log) and returns once every RPC answers
// chain_head on both its public RPC and its operator socket (NodeInfo::admin, which tools use for
// operator methods). Stop() sends SIGTERM, waits, then SIGKILL.
//
// A pid in testnet.json is acted on only while /proc says that process is alive and runs with
// that node's config file, so a stale pid reused by another process is never signalled.
// Reads the clock (certificate and genesis times) and spawns processes: not part of consensus.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "contract/genesis.h"
#include "crypto/ed25519.h"
#include "testnet/node_files.h"

namespace v2v::testnet {

struct Options {
  std::string dir;
  int nodes = 4;           // 1..64
  uint64_t period_s = 1;   // Clique period
  uint64_t epoch = 30000;  // Clique epoch (checkpoint interval)
  int vehicles = 8;        // 0..100000
  int spare = 0;           // RSU identities outside the authority set, 0..64
  // Genesis time = when the files are written + this, so the nodes are up and connected before
  // block 1 is due.
  int64_t genesis_delay_s = 3;
  int64_t vehicle_energy_wh = 1'000'000'000;
  int64_t vehicle_balance = 1'000'000'000'000;
  // Node settings written to each config.toml.
  uint64_t mempool_max_txs = 200000;
  uint64_t max_block_txs = 20000;
  std::string log_level = "info";
  int64_t vehicle_t_limit_s = 10;  // T_limit of the vehicle rounds (node config)
  int64_t settle_window_s = 3600;  // escrow deadline after the round's block (genesis)
  // The genesis's grid areas (contract C-4.7; node/grid_json.h); empty: the paper's model.
  std::vector<contract::GridArea> grid;
  // The genesis's mechanism (contract C-4.9; node/mechanism_json.h); default: the paper's scheme.
  market::ChainMechanism mechanism = {};
  // Node i listens on addresses[i] (IPv4) and the others dial it there; empty: every node on
  // 127.0.0.1. For nodes in network namespaces of their own (tests/hosts) or on loopback aliases.
  std::vector<std::string> addresses;
};

struct NodeInfo {
  std::string name;    // rsu-<i>
  pid_t pid = 0;       // 0: not started (or stopped)
  std::string rpc;     // http://127.0.0.1:<port>
  std::string p2p;     // 127.0.0.1:<port>
  std::string config;  // absolute path of config.toml
  std::string key;     // public key, hex
  std::string admin;   // the operator channel: unix:<node dir>/admin.sock (docs/spec/node.md N5)
  std::string vehicle_api;  // wss://127.0.0.1:<port>/vehicle (docs/spec/vehicle-api.md)
};

struct Testnet {
  std::string dir;  // absolute
  uint64_t period_s = 1;
  uint64_t epoch = 30000;
  std::vector<NodeInfo> nodes;
  std::vector<Identity> spare;     // DIR/spare/rsu-<N+j>
  std::vector<Identity> vehicles;  // DIR/vehicles/car-<k>

  std::string NodeDir(size_t i) const { return dir + "/node-" + std::to_string(i); }
  std::string LogPath(size_t i) const { return NodeDir(i) + "/node.log"; }
  std::string GenesisPath() const { return dir + "/genesis.json"; }
  std::string CaDir() const { return dir + "/ca"; }
};

nlohmann::json ToJson(const Testnet& t);
Result<Testnet> FromJson(const nlohmann::json& j, const std::string& dir);
// DIR/testnet.json, read and written atomically.
Result<Testnet> Load(const std::string& dir);
Status Save(const Testnet& t);

// Writes DIR (which must not exist or be empty) and returns the testnet, no process started.
Result<Testnet> Create(const Options& options);

// `count` distinct free TCP ports on 127.0.0.1 (all held open while choosing, then released).
Result<std::vector<uint16_t>> FreePorts(size_t count);

// The v2v executable to run nodes with: this process's own (/proc/self/exe).
Result<std::string> SelfExecutable();

// Starts node i (which must not be running) and records its pid in `t` (not saved).
Status Spawn(Testnet& t, size_t i, const std::string& binary);
// Waits until each node in `which` answers chain_head, the node's process dies, or the timeout.
// The error names the node and its log and quotes the log's last lines.
Status WaitReady(const Testnet& t, const std::vector<size_t>& which,
                 std::chrono::milliseconds timeout);
// Starts every node, saves testnet.json, waits for them. On failure stops the started nodes.
Status Launch(Testnet& t, const std::string& binary,
              std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Create + Launch.
Result<Testnet> Start(const Options& options, const std::string& binary,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Restart node i of the testnet in DIR (error if it is running) and wait for it.
Status Restart(const std::string& dir, size_t i, const std::string& binary,
               std::chrono::milliseconds timeout = std::chrono::seconds(30));
// SIGTERM to every running node, up to `grace` for them to exit, then SIGKILL; pids reset to 0
// and saved. OK if nothing was running.
Status Stop(const std::string& dir, std::chrono::milliseconds grace = std::chrono::seconds(10));

// True iff `pid` is alive (not a zombie) and runs with `config` on its command line.
bool IsNodeProcess(pid_t pid, const std::string& config);
// The private key in a PEM file (a node's key.pem, a vehicle's key.pem).
Result<crypto::PrivateKey> ReadKey(const std::string& pem_path);
// The last `lines` lines of a file ("" if unreadable).
std::string Tail(const std::string& path, size_t lines);

}  // namespace v2v::testnet
