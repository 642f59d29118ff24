#include "testnet/hosts_file.h"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <algorithm>
#include <map>

#include "base/file_util.h"
#include "crypto/certificate.h"

namespace v2v::testnet {
namespace {

int64_t LineOf(const toml::source_region& s) { return static_cast<int64_t>(s.begin.line); }

// "<source>: <where>: <what> (line N)".
Status Bad(std::string_view source, std::string_view where, const std::string& what, int64_t line) {
  std::string msg(source);
  msg += ": ";
  msg += where;
  msg += ": " + what;
  if (line > 0) msg += " (line " + std::to_string(line) + ")";
  return Status::InvalidArgument(std::move(msg));
}

struct Parser {
  std::string_view source;

  Status Fail(std::string_view where, const std::string& what, const toml::node& n) const {
    return Bad(source, where, what, LineOf(n.source()));
  }

  Result<int64_t> Int(const toml::node& n, std::string_view where, int64_t lo, int64_t hi) const {
    const auto v = n.value_exact<int64_t>();
    if (!v) return Fail(where, "expected an integer", n);
    if (*v < lo || *v > hi) {
      return Fail(where,
                  std::to_string(*v) + " is outside [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]",
                  n);
    }
    return *v;
  }

  Result<std::string> String(const toml::node& n, std::string_view where) const {
    const auto v = n.value_exact<std::string>();
    if (!v) return Fail(where, "expected a string", n);
    return *v;
  }
};

Status CheckRsuName(const std::string& name) {
  const bool chars_ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (name.empty() || name.size() > 63 || !chars_ok || name.front() == '-' || name.back() == '-') {
    return Status::InvalidArgument("\"" + name +
                                   "\" is not 1 to 63 of a-z, 0-9 and '-' (no '-' at either end)");
  }
  if (name == "ca") return Status::InvalidArgument("\"ca\" is taken: OUT/ca holds the CA");
  return Status::Ok();
}

// Where the RSUs so far listen: "address:port" -> "rsu-0's p2p_port".
using Endpoints = std::map<std::string, std::string>;

Status ParseNetwork(const Parser& p, const toml::node& n, HostsFile& h) {
  const toml::table* t = n.as_table();
  if (t == nullptr) return p.Fail("network", "expected a table [network]", n);
  bool has_name = false;
  for (const auto& [k, v] : *t) {
    const std::string key(k.str());
    const std::string where = "[network] " + key;
    if (key == "name") {
      V2V_ASSIGN_OR_RETURN(h.network, p.String(v, where));
      if (Status s = crypto::CheckSubjectName(h.network); !s.ok())
        return p.Fail(where, "\"" + h.network + "\" " + s.message(), v);
      has_name = true;
    } else if (key == "period_s") {
      V2V_ASSIGN_OR_RETURN(const int64_t x, p.Int(v, where, 0, 3600));
      h.period_s = static_cast<uint64_t>(x);
    } else if (key == "epoch") {
      V2V_ASSIGN_OR_RETURN(const int64_t x, p.Int(v, where, 1, 1'000'000'000));
      h.epoch = static_cast<uint64_t>(x);
    } else if (key == "genesis_delay_s") {
      V2V_ASSIGN_OR_RETURN(h.genesis_delay_s, p.Int(v, where, 0, 86400));
    } else {
      return Bad(p.source, where, "unknown key", LineOf(k.source()));
    }
  }
  if (!has_name) return p.Fail("[network] name", "required (the CA's name)", n);
  return Status::Ok();
}

// One port of `rsu`, recorded in `seen`: unique across the network.
Status TakePort(const Parser& p, const toml::table& t, const char* key, RsuHost& rsu,
                uint16_t RsuHost::*field, Endpoints& seen) {
  const std::string where = std::string("[[rsu]] ") + key;
  const toml::node* n = t.get(key);
  if (n != nullptr) {
    V2V_ASSIGN_OR_RETURN(const int64_t port, p.Int(*n, where, 1, 65535));
    rsu.*field = static_cast<uint16_t>(port);
  }
  const std::string endpoint =
      (rsu.ipv6() ? "[" + rsu.address + "]" : rsu.address) + ":" + std::to_string(rsu.*field);
  const std::string owner = rsu.name + "'s " + key;
  if (const auto [it, fresh] = seen.emplace(endpoint, owner); !fresh) {
    return p.Fail(where, endpoint + " is already " + it->second, n != nullptr ? *n : t);
  }
  return Status::Ok();
}

Result<const toml::node*> Required(const Parser& p, const toml::table& t, const char* key) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return p.Fail(std::string("[[rsu]] ") + key, "required", t);
  return n;
}

Result<RsuHost> ParseRsu(const Parser& p, const toml::table& t, Endpoints& seen) {
  for (const auto& [k, v] : t) {
    const std::string key(k.str());
    if (key != "name" && key != "address" && key != "p2p_port" && key != "rpc_port" &&
        key != "vehicle_port") {
      return Bad(p.source, "[[rsu]] " + key, "unknown key", LineOf(k.source()));
    }
  }
  RsuHost rsu;
  V2V_ASSIGN_OR_RETURN(const toml::node* name, Required(p, t, "name"));
  V2V_ASSIGN_OR_RETURN(rsu.name, p.String(*name, "[[rsu]] name"));
  if (Status s = CheckRsuName(rsu.name); !s.ok()) return p.Fail("[[rsu]] name", s.message(), *name);
  V2V_ASSIGN_OR_RETURN(const toml::node* address, Required(p, t, "address"));
  V2V_ASSIGN_OR_RETURN(const std::string text, p.String(*address, "[[rsu]] address"));
  auto canonical = CanonicalAddress(text);
  if (!canonical.ok()) return p.Fail("[[rsu]] address", canonical.status().message(), *address);
  rsu.address = *canonical;
  V2V_RETURN_IF_ERROR(TakePort(p, t, "p2p_port", rsu, &RsuHost::p2p_port, seen));
  V2V_RETURN_IF_ERROR(TakePort(p, t, "rpc_port", rsu, &RsuHost::rpc_port, seen));
  V2V_RETURN_IF_ERROR(TakePort(p, t, "vehicle_port", rsu, &RsuHost::vehicle_port, seen));
  return rsu;
}

Status ParseRsus(const Parser& p, const toml::node& n, HostsFile& h) {
  const toml::array* arr = n.as_array();
  if (arr == nullptr || !arr->is_array_of_tables())
    return p.Fail("rsu", "expected tables [[rsu]] (one per RSU)", n);
  Endpoints seen;
  std::map<std::string, int64_t> names;  // name -> line
  for (const toml::node& e : *arr) {
    if (h.rsus.size() == kMaxRsus)
      return p.Fail("[[rsu]]", "more than " + std::to_string(kMaxRsus) + " RSUs", e);
    V2V_ASSIGN_OR_RETURN(RsuHost rsu, ParseRsu(p, *e.as_table(), seen));
    const toml::node& name = *e.as_table()->get("name");
    if (const auto [it, fresh] = names.emplace(rsu.name, LineOf(name.source())); !fresh) {
      return p.Fail("[[rsu]] name",
                    "\"" + rsu.name + "\" is already the RSU of line " + std::to_string(it->second),
                    name);
    }
    h.rsus.push_back(std::move(rsu));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> CanonicalAddress(const std::string& text) {
  const std::string quoted = "\"" + text + "\"";
  unsigned char buf[sizeof(in6_addr)];
  char out[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6}) {
    if (::inet_pton(family, text.c_str(), buf) != 1) continue;
    if (::inet_ntop(family, buf, out, sizeof(out)) == nullptr) break;
    const std::string canonical = out;
    if (canonical == "0.0.0.0" || canonical == "::") {
      return Status::InvalidArgument(quoted +
                                     " is the unspecified address: give the one the others dial");
    }
    return canonical;
  }
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    return Status::InvalidArgument(quoted + ": write an IPv6 address without brackets");
  if (std::count(text.begin(), text.end(), ':') == 1)
    return Status::InvalidArgument(quoted + ": the address alone; ports go in *_port");
  const bool letters = std::any_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
  if (letters && text.find(':') == std::string::npos) {
    return Status::InvalidArgument(quoted +
                                   " is a host name, not an IP address (the nodes dial addresses)");
  }
  return Status::InvalidArgument(quoted + " is not an IPv4 or IPv6 address");
}

Result<HostsFile> ParseHostsFile(std::string_view text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Bad(source, "TOML", std::string(e.description()), LineOf(e.source()));
  }
  const Parser p{source};
  HostsFile h;
  bool has_network = false;
  for (const auto& [k, v] : root) {
    const std::string key(k.str());
    if (key == "network") {
      V2V_RETURN_IF_ERROR(ParseNetwork(p, v, h));
      has_network = true;
    } else if (key == "rsu") {
      V2V_RETURN_IF_ERROR(ParseRsus(p, v, h));
    } else {
      return Bad(source, key, "unknown key (expected [network] and [[rsu]])", LineOf(k.source()));
    }
  }
  if (!has_network) return Bad(source, "[network]", "required (with name = \"...\")", 0);
  if (h.rsus.empty()) {
    return Bad(source, "[[rsu]]", "none: a network has 1 to " + std::to_string(kMaxRsus) + " RSUs",
               0);
  }
  return h;
}

Result<HostsFile> LoadHostsFile(const std::string& path) {
  V2V_ASSIGN_OR_RETURN(const std::string text, ReadFile(path, 1 << 20));
  return ParseHostsFile(text, path);
}

}  // namespace v2v::testnet
