// The files an RSU node needs, as `v2v testnet` and `v2v network init` write them: RSU and
// vehicle identities issued by a CA store, the genesis that names the CA and the signers, and the
// node's config.toml (docs/spec/node.md N1).
//
// Every function writes under the directory it is given and nowhere else; none reads the clock
// (the caller passes the time). Keys are written 0600. Not part of consensus.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "contract/genesis.h"
#include "crypto/ca_store.h"
#include "crypto/ed25519.h"
#include "node/config.h"

namespace v2v::testnet {

inline constexpr int64_t kCaDays = 3650, kCertDays = 365;

// The wall clock in Unix seconds: for the callers that stamp certificates and a genesis.
int64_t NowUnix();

// Creates `dir` and its parents, then sets `dir` to `mode`. IoError naming `dir`.
Status MakeDir(const std::string& dir, mode_t mode);

// `dir` made absolute and created with `mode` (with its parents). InvalidArgument "<flag> DIR:
// exists and is not an empty directory" if it exists and is anything else than an empty directory.
Result<std::string> CreateEmptyDir(const std::string& dir, const std::string& flag, mode_t mode);

struct Identity {
  std::string name;
  std::string key;  // public key, hex
  std::string dir;  // holds cert.pem and key.pem
};

// A freshly issued identity: what is on disk, and what a genesis needs of it.
struct IssuedIdentity {
  Identity identity;
  crypto::PublicKey public_key;
  Bytes certificate;  // DER, as the genesis account holds it
};

// A fresh key and a certificate for `subject` with `role`, valid from `now_unix_s` for kCertDays,
// written to `dir` (created 0700): cert.pem and key.pem (mode 0600).
Result<IssuedIdentity> IssueIdentity(crypto::CaStore& ca, const std::string& subject,
                                     crypto::Role role, const std::string& dir, int64_t now_unix_s);

// A genesis naming `ca` (its key and X.509 certificate) with the Clique parameters and the settle
// window; no authorities and no accounts yet.
contract::Genesis NewGenesis(const crypto::CaStore& ca, int64_t timestamp_s, uint64_t period_s,
                             uint64_t epoch, int64_t settle_window_s);
// Adds an RSU whose key seals: its key to the authorities, its account (no energy, no money).
void AddAuthority(contract::Genesis& g, const IssuedIdentity& rsu);
// The genesis as `v2v chain genesis` JSON (node/genesis_json.h), mode 0644.
Status WriteGenesis(const std::string& path, const contract::Genesis& g);

// What a generated config.toml says. The keys always written are those of the struct; an empty
// admin_socket or rpc_vhosts, or an unset vehicle_max_connections_per_address, is left out (the
// node's default applies).
struct NodeConfigFile {
  std::string comment;  // the first line, after "# "
  std::string name, data_dir, genesis, ca, cert, key;
  std::string p2p_listen, rpc_listen, vehicle_listen;  // "host:port" (node::HostPort::ToString)
  std::vector<std::string> peers;                      // "host:port" each
  std::string admin_socket;
  std::vector<std::string> rpc_vhosts;
  int64_t mempool_max_txs = node::NodeConfig{}.mempool_max_txs;
  int64_t max_block_txs = node::NodeConfig{}.max_block_txs;
  std::string log_level = "info";
  int64_t vehicle_t_limit_s = node::NodeConfig{}.vehicle_t_limit_s;
  std::optional<int64_t> vehicle_max_connections_per_address;
};

// The TOML text (keys in alphabetical order), which node::ParseNodeConfig reads back.
std::string NodeConfigToml(const NodeConfigFile& c);

}  // namespace v2v::testnet
