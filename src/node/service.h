// The RSU node (docs/spec/node.md): the ledger, the peers, the mempool and the block producer,
// driven by one io_context thread. Everything here runs on that thread (the RPC server shares
// it), so the service needs no locks; the ledger verifies signatures on its own worker threads.
//
// The outside world comes in through NodeEnv: the wall clock and the random draws of Clique's
// out-of-turn wiggle and vote choice. Peers come through net::TlsTransport.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "consensus/poa/engine.h"
#include "contract/checked_tx_cache.h"
#include "net/protocol.h"
#include "net/tls_transport.h"
#include "node/config.h"
#include "node/ledger.h"
#include "node/log.h"
#include "node/mempool.h"

namespace v2v::node {

struct NodeEnv {
  std::function<int64_t()> now_ms;     // Unix time in milliseconds
  std::function<double()> uniform01;   // a draw in [0, 1)
};
NodeEnv SystemEnv();  // the system clock and a randomly seeded generator

struct PeerInfo {
  std::string name, address;
  bool inbound = false;
  uint64_t height = 0, total_difficulty = 0;
};

struct NodeMetrics {
  uint64_t blocks_imported = 0, blocks_sealed = 0, blocks_rejected = 0, reorgs = 0;
  uint64_t txs_admitted = 0, txs_rejected = 0, peers_penalised = 0;
};

class NodeService {
 public:
  // Opens (or creates) the ledger in config.data_dir for `genesis`, listens for peers and starts
  // dialling. The io_context must outlive the service and run on one thread.
  static Result<std::unique_ptr<NodeService>> Start(boost::asio::io_context& io, NodeConfig config,
                                                    contract::Genesis genesis, NodeEnv env, Logger& log);
  ~NodeService();
  // Stops timers and closes every connection. REQUIRES: on the io thread or with io stopped.
  void Stop();

  // --- the API the RPC methods use (io thread only) ---
  const Ledger& ledger() const { return *ledger_; }
  // Checks a transaction (structure, signatures, nonce) and admits it to the mempool; gossips it.
  // Rejections: the contract's CheckTx codes and the mempool's (kDuplicate, kStaleNonce, ...).
  chain::ValidationResult<Hash32> SubmitTx(const chain::Tx& tx);
  // Imports a block as if a peer had sent it (relayed when stored). Ledger::Import's results.
  chain::ValidationResult<ImportResult> SubmitBlock(const chain::Block& block);
  size_t pending_txs() const { return mempool_.size(); }
  consensus::poa::Proposals& proposals() { return proposals_; }
  std::vector<PeerInfo> Peers() const;
  Status AddPeer(const std::string& host_port);
  Status RemovePeer(const std::string& host_port_or_name);
  const NodeConfig& config() const { return config_; }
  const crypto::PublicKey& key() const { return key_.public_key(); }
  uint16_t p2p_port() const { return p2p_port_; }
  const NodeMetrics& metrics() const { return metrics_; }

 private:
  struct Peer {
    std::string name, address;
    bool inbound = false;
    bool hello = false;
    uint64_t height = 0, total_difficulty = 0;
    Hash32 head_hash;                        // the peer's tip as its last hello said
    std::optional<std::string> dial_target;  // "host:port" when we dialled it
    bool syncing = false;
    uint64_t sync_back = 0;  // how far below our head the next request starts
    uint64_t sync_from = 0;  // height of the outstanding request
  };
  struct DialTarget {
    HostPort hp;
    bool removed = false;
    std::optional<net::PeerId> peer;  // dialling or connected
    std::string last_name;
  };
  struct Planned {
    Hash32 parent;
    int64_t block_time_s;
    int64_t at_ms;
  };

  NodeService(boost::asio::io_context& io, NodeConfig config, NodeEnv env, Logger& log,
              crypto::PrivateKey key);
  Status Init(contract::Genesis genesis);
  void Tick();
  void Redial();
  void MaybeSeal();
  void OnConnect(net::PeerId id, const std::string& host, const Bytes& der);
  void OnFrame(net::PeerId id, net::Frame frame);
  void OnDisconnect(net::PeerId id, const Status& why);
  void OnHello(net::PeerId id, Peer& p, const net::Hello& hello);
  void OnGetBlocks(net::PeerId id, const net::GetBlocks& req);
  void OnBlocks(net::PeerId id, Peer& p, std::vector<chain::Block> blocks);
  void RequestBlocks(net::PeerId id, Peer& p);
  // Whether the peer's last announced tip wins our fork choice against our head.
  bool PeerTipPreferred(const Peer& p) const;
  // `gossip`: relay it if stored, and sync from `from` if its parent is unknown.
  // A peer that sent a block invalid by the rules is penalised; our own failure penalises nobody.
  chain::ValidationResult<ImportResult> ImportBlock(const chain::Block& block, std::optional<net::PeerId> from,
                                                    bool gossip);
  chain::ValidationResult<Hash32> AdmitTx(const chain::Tx& tx, std::optional<net::PeerId> from);
  void AfterHeadChange();
  void ReadmitAbandoned(Hash32 old_head, uint64_t depth);
  void Broadcast(const net::Frame& frame, std::optional<net::PeerId> except);
  void Penalise(net::PeerId id, int points, const std::string& why);
  net::Hello MakeHello() const;
  uint64_t CommittedNonce(const std::string& sender) const;

  boost::asio::io_context& io_;
  NodeConfig config_;
  NodeEnv env_;
  Logger& log_;
  crypto::PrivateKey key_;
  std::shared_ptr<contract::CheckedTxCache> checked_;
  std::unique_ptr<Ledger> ledger_;
  Hash32 genesis_hash_;
  Mempool mempool_;
  consensus::poa::Proposals proposals_;
  std::unique_ptr<net::TlsTransport> transport_;
  uint16_t p2p_port_ = 0;
  boost::asio::steady_timer timer_;
  uint64_t ticks_ = 0;
  bool stopped_ = false;
  std::map<net::PeerId, Peer> peers_;
  std::map<std::string, DialTarget> targets_;  // by "host:port"
  std::set<std::string> removed_names_;
  std::map<std::string, int> name_scores_;
  std::optional<Planned> planned_;
  NodeMetrics metrics_;
};

// Prometheus text exposition of the node's gauges and counters (docs/spec/node.md N5).
std::string MetricsText(const NodeService& node);

}  // namespace v2v::node
