#include "testnet/network_init.h"

#include <sstream>

#include "base/file_util.h"
#include "base/utc_time.h"
#include "crypto/certificate.h"

namespace v2v::testnet {
namespace {

std::string EtcDir(const std::string& name) { return std::string(kEtcRoot) + "/" + name; }
std::string DataDir(const std::string& name) {
  return std::string(kStateRoot) + "/" + name + "/data";
}

// An address as a URL or Host header writes it: IPv6 in brackets.
std::string UrlHost(const RsuHost& r) { return r.ipv6() ? "[" + r.address + "]" : r.address; }

std::string Readme(const HostsFile& hosts, size_t i, int64_t genesis_time_s) {
  const RsuHost& r = hosts.rsus[i];
  const std::string& n = r.name;
  const std::string etc = EtcDir(n);
  const std::string here = etc.substr(1);  // the same path below this directory
  std::ostringstream o;
  o << n << " of the network " << hosts.network << " (written by `v2v network init`)\n"
    << "Address " << r.address << ": peers TCP " << r.p2p_port << ", JSON-RPC TCP " << r.rpc_port
    << ", vehicles wss://" << UrlHost(r) << ":" << r.vehicle_port << "/vehicle\n"
    << "Genesis time " << genesis_time_s << " (" << base::FormatUtc(genesis_time_s)
    << "): start every node by then; block 1 is due one period later.\n\n"
    << "1. Copy this directory to the machine " << r.address << ", e.g.\n"
    << "     scp -r " << n << " ADMIN@" << UrlHost(r) << ":\n"
    << "2. There, install the package (it makes the user v2v and the unit v2v-node@):\n"
    << "     sudo apt install ./v2vtrade_*.deb\n"
    << "3. Install the files (the key readable by the node's user v2v only):\n"
    << "     cd " << n << "\n"
    << "     sudo install -d -o root -g v2v -m 0750 " << etc << "\n"
    << "     sudo install -o root -g v2v -m 0640 " << here << ".toml " << kEtcRoot << "/\n"
    << "     sudo install -o root -g v2v -m 0640 " << here << "/cert.pem " << here << "/ca.pem "
    << here << "/genesis.json " << etc << "/\n"
    << "     sudo install -o v2v -g v2v -m 0600 " << here << "/key.pem " << etc << "/\n"
    << "4. Start it, and it starts at every boot:\n"
    << "     sudo systemctl enable --now v2v-node@" << n << "\n"
    << "     journalctl -u v2v-node@" << n << " -f\n"
    << "     curl -s -H 'Content-Type: application/json' "
    << "-d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"chain_head\"}' http://"
    << (r.ipv6() ? "[::1]" : "127.0.0.1") << ":" << r.rpc_port << "/\n"
    << "5. Delete this copy (it holds the node's key).\n\n"
    << "Firewall: TCP " << r.p2p_port << " from the other RSUs only; TCP " << r.vehicle_port
    << " from vehicles. TCP " << r.rpc_port << " (JSON-RPC) serves\n"
    << "anyone who reaches it: chain reads and tx_submit. The operator methods are only on the\n"
    << "owner-only socket " << DataDir(n) << "/admin.sock (docs/security.md).\n";
  return o.str();
}

Status WriteRsuFiles(const HostsFile& hosts, size_t i, const std::string& rsu_dir,
                     const std::string& ca_pem, const contract::Genesis& g,
                     int64_t genesis_time_s) {
  const std::string& name = hosts.rsus[i].name;
  const std::string etc = rsu_dir + "/etc/v2v";
  V2V_RETURN_IF_ERROR(WriteFileAtomic(etc + "/" + name + "/ca.pem", ca_pem, 0644));
  V2V_RETURN_IF_ERROR(WriteGenesis(etc + "/" + name + "/genesis.json", g));
  V2V_RETURN_IF_ERROR(
      WriteFileAtomic(etc + "/" + name + ".toml", NodeConfigToml(RsuConfig(hosts, i)), 0644));
  return WriteFileAtomic(rsu_dir + "/README.txt", Readme(hosts, i, genesis_time_s), 0644);
}

}  // namespace

NodeConfigFile RsuConfig(const HostsFile& hosts, size_t i) {
  const RsuHost& r = hosts.rsus[i];
  const std::string any = r.ipv6() ? "::" : "0.0.0.0";
  const std::string etc = EtcDir(r.name);
  NodeConfigFile c;
  c.comment = r.name + " of the network " + hosts.network + " (v2v network init): /etc/v2v/" +
              r.name + ".toml, run by v2v-node@" + r.name;
  c.name = r.name;
  c.data_dir = DataDir(r.name);
  c.genesis = etc + "/genesis.json";
  c.ca = etc + "/ca.pem";
  c.cert = etc + "/cert.pem";
  c.key = etc + "/key.pem";
  c.p2p_listen = node::HostPort{any, r.p2p_port}.ToString();
  c.rpc_listen = node::HostPort{any, r.rpc_port}.ToString();
  c.vehicle_listen = node::HostPort{any, r.vehicle_port}.ToString();
  for (size_t j = 0; j < hosts.rsus.size(); ++j) {
    if (j != i)
      c.peers.push_back(node::HostPort{hosts.rsus[j].address, hosts.rsus[j].p2p_port}.ToString());
  }
  c.rpc_vhosts = {"localhost", "127.0.0.1", "[::1]"};
  if (r.address != "127.0.0.1" && r.address != "::1") c.rpc_vhosts.push_back(UrlHost(r));
  return c;
}

Result<NetworkInit> InitNetwork(const HostsFile& hosts, const std::string& out_dir,
                                int64_t now_unix_s) {
  if (hosts.rsus.empty() || hosts.rsus.size() > kMaxRsus) {
    return Status::InvalidArgument("a network has 1 to " + std::to_string(kMaxRsus) +
                                   " RSUs, not " + std::to_string(hosts.rsus.size()));
  }
  V2V_ASSIGN_OR_RETURN(const std::string dir, CreateEmptyDir(out_dir, "--out", 0755));
  NetworkInit net{dir, now_unix_s + hosts.genesis_delay_s, {}};
  V2V_ASSIGN_OR_RETURN(crypto::CaStore ca,
                       crypto::CaStore::Init(dir + "/ca", hosts.network, now_unix_s, kCaDays));
  contract::Genesis g = NewGenesis(ca, net.genesis_time_s, hosts.period_s, hosts.epoch,
                                   contract::ContractParams{}.settle_window_s);
  for (const RsuHost& r : hosts.rsus) {
    const std::string rsu_dir = dir + "/" + r.name;
    V2V_ASSIGN_OR_RETURN(
        IssuedIdentity id,
        IssueIdentity(ca, r.name, crypto::Role::kRsu, rsu_dir + "/etc/v2v/" + r.name, now_unix_s));
    AddAuthority(g, id);
    net.rsus.push_back({r.name, id.identity.key, rsu_dir});
  }
  V2V_RETURN_IF_ERROR(WriteGenesis(dir + "/genesis.json", g));
  const std::string ca_pem = crypto::CertificateDerToPem(ca.ca().der);
  for (size_t i = 0; i < hosts.rsus.size(); ++i) {
    V2V_RETURN_IF_ERROR(WriteRsuFiles(hosts, i, net.rsus[i].dir, ca_pem, g, net.genesis_time_s));
  }
  return net;
}

}  // namespace v2v::testnet
