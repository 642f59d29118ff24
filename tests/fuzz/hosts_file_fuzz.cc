// Fuzz target for the hosts file of `v2v network init` (an operator's TOML,
// src/testnet/hosts_file.h): arbitrary bytes -> ParseHostsFile. It must never crash or trip a
// sanitizer, and a file it accepts must hold what the header promises: 1 to kMaxRsus RSUs, each
// named [a-z0-9-] without '-' at either end and not "ca", names unique, ports non-zero, every
// address:port unique, the network's numbers in their ranges.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "testnet/hosts_file.h"

namespace {

bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 63 || n == "ca" || n.front() == '-' || n.back() == '-') return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto h = v2v::testnet::ParseHostsFile(text, "fuzz.toml");
  if (!h.ok()) return 0;
  if (h->network.empty() || h->rsus.empty() || h->rsus.size() > v2v::testnet::kMaxRsus)
    __builtin_trap();
  if (h->period_s > 3600 || h->epoch < 1 || h->epoch > 1000000000 || h->genesis_delay_s < 0 ||
      h->genesis_delay_s > 86400)
    __builtin_trap();
  std::set<std::string> names;
  std::set<std::pair<std::string, uint16_t>> listens;
  for (const v2v::testnet::RsuHost& r : h->rsus) {
    if (!ValidName(r.name) || !names.insert(r.name).second) __builtin_trap();
    if (r.address.empty()) __builtin_trap();
    for (uint16_t port : {r.p2p_port, r.rpc_port, r.vehicle_port}) {
      if (port == 0 || !listens.insert({r.address, port}).second) __builtin_trap();
    }
  }
  return 0;
}
