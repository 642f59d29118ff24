// The hosts file of `v2v network init` (docs/network.md, "From hosts to a network"): the RSU
// machines of one network, in TOML.
//
//   [network]
//   name = "city-a"          # required; the CA's name (crypto::CheckSubjectName)
//   period_s = 1             # Clique period, [0, 3600]; default 1
//   epoch = 30000            # Clique epoch, [1, 1000000000]; default 30000
//   genesis_delay_s = 300    # genesis time = now + this, [0, 86400]; default 300
//   [[rsu]]                  # 1 to 64 of them
//   name = "rsu-0"           # required; [a-z0-9-], 1 to 63 characters, no '-' at either end;
//                            # not "ca" (OUT/ca is the CA's, network_init.h)
//   address = "10.0.0.1"     # required; an IPv4 or IPv6 literal the other RSUs dial
//   p2p_port = 30303         # [1, 65535]; defaults 30303, 8545, 8546
//   rpc_port = 8545
//   vehicle_port = 8546
//
// Names are unique, and so is every address:port an RSU listens on (its three ports included).
// Errors are InvalidArgument: "<source>: [section] key: what is wrong (line N)".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace v2v::testnet {

inline constexpr size_t kMaxRsus = 64;

struct RsuHost {
  std::string name;
  std::string address;  // canonical text (inet_ntop): "10.0.0.1", "fd00::1"
  uint16_t p2p_port = 30303;
  uint16_t rpc_port = 8545;
  uint16_t vehicle_port = 8546;
  bool ipv6() const { return address.find(':') != std::string::npos; }
};

struct HostsFile {
  std::string network;
  uint64_t period_s = 1;
  uint64_t epoch = 30000;
  int64_t genesis_delay_s = 300;
  std::vector<RsuHost> rsus;
};

// The canonical text (inet_ntop) of an IPv4 or IPv6 literal; InvalidArgument saying what else
// `text` is (the unspecified address, a bracketed literal, a name).
Result<std::string> CanonicalAddress(const std::string& text);

// `source` names the file in error messages.
Result<HostsFile> ParseHostsFile(std::string_view text, std::string_view source);
Result<HostsFile> LoadHostsFile(const std::string& path);

}  // namespace v2v::testnet
