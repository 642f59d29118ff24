// `v2v network init`: from a hosts file (hosts_file.h) to everything the operator copies to the
// RSU machines of a new network, one node per machine under the packaged systemd unit
// (`v2v node --config /etc/v2v/NAME.toml`, state in /var/lib/v2v/NAME; docs/package.md).
//
// InitNetwork writes OUT (which must not exist or be an empty directory):
//   OUT/ca/                 the network's CA store (crypto::CaStore; `v2v ca issue --ca OUT/ca`)
//   OUT/genesis.json        authorities = the RSU keys, every RSU an account, no vehicles
//   OUT/NAME/README.txt     the commands that install and start this RSU
//   OUT/NAME/etc/v2v/NAME.toml                the node config (RsuConfig)
//   OUT/NAME/etc/v2v/NAME/{key.pem (0600), cert.pem, ca.pem, genesis.json}
// OUT/NAME/ is exactly what goes on the RSU NAME's machine, below its root directory.
//
// The caller passes the time: certificates start at `now_unix_s`, the genesis is stamped
// `now_unix_s + genesis_delay_s`. Keys come from the system's random source. Not thread-safe
// (one writer per OUT). Not part of consensus.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "testnet/hosts_file.h"
#include "testnet/node_files.h"

namespace v2v::testnet {

// Where the files go on an RSU's machine (the unit's paths).
inline constexpr const char* kEtcRoot = "/etc/v2v";
inline constexpr const char* kStateRoot = "/var/lib/v2v";

struct InitRsu {
  std::string name;
  std::string key;  // public key, hex: a genesis authority
  std::string dir;  // OUT/NAME, absolute
};

struct NetworkInit {
  std::string dir;  // OUT, absolute
  int64_t genesis_time_s = 0;
  std::vector<InitRsu> rsus;
};

// The node config of the RSU `hosts.rsus[i]` (REQUIRES: i < hosts.rsus.size()): its listeners on
// the wildcard address of its address family (0.0.0.0 or ::) at its ports, every other RSU's
// address:p2p_port as a peer, rpc_vhosts = the loopback names and its address, its files under
// /etc/v2v/NAME/ and its ledger in /var/lib/v2v/NAME/data (the admin socket beside it).
NodeConfigFile RsuConfig(const HostsFile& hosts, size_t i);

Result<NetworkInit> InitNetwork(const HostsFile& hosts, const std::string& out_dir,
                                int64_t now_unix_s);

}  // namespace v2v::testnet
