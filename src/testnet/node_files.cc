#include "testnet/node_files.h"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <filesystem>
#include <sstream>

#include "base/clock.h"
#include "base/file_util.h"
#include "crypto/certificate.h"
#include "node/genesis_json.h"

namespace v2v::testnet {

int64_t NowUnix() { return base::SystemClock::Shared().NowMs() / 1000; }

Status MakeDir(const std::string& dir, mode_t mode) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || ::chmod(dir.c_str(), mode) != 0)
    return Status::IoError(dir + ": cannot create directory");
  return Status::Ok();
}

Result<std::string> CreateEmptyDir(const std::string& dir, const std::string& flag, mode_t mode) {
  namespace fs = std::filesystem;
  if (dir.empty()) return Status::InvalidArgument(flag + ": required");
  std::error_code ec;
  const std::string abs = fs::absolute(dir, ec).lexically_normal().string();
  if (ec) return Status::InvalidArgument(flag + " " + dir + ": " + ec.message());
  if (fs::exists(abs, ec) && (!fs::is_directory(abs, ec) || !fs::is_empty(abs, ec))) {
    return Status::InvalidArgument(flag + " " + abs + ": exists and is not an empty directory");
  }
  V2V_RETURN_IF_ERROR(MakeDir(abs, mode));
  return abs;
}

Result<IssuedIdentity> IssueIdentity(crypto::CaStore& ca, const std::string& subject,
                                     crypto::Role role, const std::string& dir,
                                     int64_t now_unix_s) {
  V2V_RETURN_IF_ERROR(MakeDir(dir, 0700));
  V2V_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate());
  V2V_ASSIGN_OR_RETURN(std::string pem, key.ToPem());
  V2V_ASSIGN_OR_RETURN(Bytes der, ca.Issue(subject, role, key.public_key(), now_unix_s, kCertDays));
  V2V_RETURN_IF_ERROR(crypto::WritePrivateFile(dir + "/key.pem", pem));
  V2V_RETURN_IF_ERROR(WriteFileAtomic(dir + "/cert.pem", crypto::CertificateDerToPem(der), 0644));
  return IssuedIdentity{{subject, key.public_key().Hex(), dir}, key.public_key(), std::move(der)};
}

contract::Genesis NewGenesis(const crypto::CaStore& ca, int64_t timestamp_s, uint64_t period_s,
                             uint64_t epoch, int64_t settle_window_s) {
  contract::Genesis g;
  g.timestamp_s = timestamp_s;
  g.ca_key = ca.ca().public_key;
  g.ca_certificate = ca.ca().der;
  g.clique.epoch = epoch;
  g.clique.period_s = period_s;
  g.params.settle_window_s = settle_window_s;
  return g;
}

void AddAuthority(contract::Genesis& g, const IssuedIdentity& rsu) {
  g.authorities.push_back(rsu.public_key);
  g.accounts.push_back({crypto::Role::kRsu, rsu.certificate, 0, 0});
}

Status WriteGenesis(const std::string& path, const contract::Genesis& g) {
  return WriteFileAtomic(path, node::GenesisToJson(g).dump(2) + "\n", 0644);
}

std::string NodeConfigToml(const NodeConfigFile& c) {
  toml::array peers;
  for (const std::string& p : c.peers) peers.push_back(p);
  toml::table cfg{
      {"name", c.name},
      {"data_dir", c.data_dir},
      {"genesis", c.genesis},
      {"ca", c.ca},
      {"cert", c.cert},
      {"key", c.key},
      {"p2p_listen", c.p2p_listen},
      {"rpc_listen", c.rpc_listen},
      {"peers", std::move(peers)},
      {"seal", true},
      {"mempool_max_txs", c.mempool_max_txs},
      {"max_block_txs", c.max_block_txs},
      {"log_level", c.log_level},
      {"vehicle_listen", c.vehicle_listen},
      {"vehicle_t_limit_s", c.vehicle_t_limit_s},
  };
  if (!c.admin_socket.empty()) cfg.insert("admin_socket", c.admin_socket);
  if (!c.rpc_vhosts.empty()) {
    toml::array vhosts;
    for (const std::string& h : c.rpc_vhosts) vhosts.push_back(h);
    cfg.insert("rpc_vhosts", std::move(vhosts));
  }
  if (c.vehicle_max_connections_per_address) {
    cfg.insert("vehicle_max_connections_per_address", *c.vehicle_max_connections_per_address);
  }
  std::ostringstream out;
  out << "# " << c.comment << "\n" << cfg << "\n";
  return out.str();
}

}  // namespace v2v::testnet
