// The RSU node core (docs/spec/node.md): the ledger, the peers (hello, sync, gossip), the
// mempool and the block producer, with no sockets, disk or clock of its own. Its parts, each
// with one job: TxAdmission (mempool and checks), BlockProducer (Clique sealing), PeerBook
// (dialling, removed names, penalties), NodeMetrics; this class keeps the peer table, sync and
// gossip, and routes between them.
//
// The outside world is injected (NodePorts): the clock, the random draws, the peer transport,
// the store (given to the ledger) and the logger. The owner drives it: OnTick() about every
// 50 ms, and the transport's events through OnPeerConnected / OnPeerFrame /
// OnPeerDisconnected. Production wiring (RocksDB, TLS, an asio timer) is NodeHost (host.h); the
// cluster simulation (src/cluster/) runs several cores on a simulated clock and network.
//
// Not thread-safe: every call on one thread (in production the io thread, which the RPC server
// shares); the ledger verifies signatures on its own worker threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "consensus/poa/engine.h"
#include "contract/checked_tx_cache.h"
#include "net/limits.h"
#include "net/peer_transport.h"
#include "net/protocol.h"
#include "node/chain_feed.h"
#include "node/config.h"
#include "node/ledger.h"
#include "node/log.h"
#include "node/metrics.h"
#include "node/peer_book.h"
#include "node/peer_tx_queue.h"
#include "node/ports.h"
#include "node/producer.h"
#include "node/tx_admission.h"
#include "store/kv_store.h"

namespace v2v::node {

struct PeerInfo {
  std::string name, address;
  bool inbound = false;
  uint64_t height = 0, total_difficulty = 0;
};

// What the core talks to; each must outlive it.
struct NodePorts {
  const Clock* clock = nullptr;
  Random* random = nullptr;
  net::PeerTransport* transport = nullptr;
  Logger* log = nullptr;
  net::Refusals* refusals = nullptr;  // shared with the listeners; null: the core keeps its own
  // Runs a task on the owner's thread after the work already queued there (NodeHost: the
  // io_context's post). Peer transactions are then checked a slice at a time between other work
  // (peer_tx_queue.h). Empty: each is admitted in its frame's handler.
  std::function<void(std::function<void()>)> post;
};

// Refusals that log each one as a "refused" warning (at most 10 lines a second per surface and
// reason) and count them for /metrics (docs/spec/node.md N7).
std::unique_ptr<net::Refusals> LoggedRefusals(Logger& log, const Clock& clock);

class NodeService {
 public:
  // Opens (or initialises) the ledger in `store` for `genesis`. Nothing is sent before Start.
  static Result<std::unique_ptr<NodeService>> Open(
      NodeConfig config, const contract::Genesis& genesis, crypto::PrivateKey key,
      std::unique_ptr<store::KvStore> store, NodePorts ports, LedgerOptions ledger_options = {});
  ~NodeService();
  NodeService(const NodeService&) = delete;
  NodeService& operator=(const NodeService&) = delete;

  // Dials the configured peers and runs the first tick.
  void Start();
  // Timers: redial and hello heartbeat every second, the producer every tick. The owner calls
  // it about every 50 ms, and at MsUntilSeal() when that is sooner; time is read from the
  // injected clock.
  void OnTick();
  // Milliseconds (0 when due) until the block this node plans to seal on its head is due, or
  // nullopt when it plans none: the owner ticks then, so a block is sealed at its time (N4).
  std::optional<int64_t> MsUntilSeal() const;
  // Stops ticking (the owner closes the transport).
  void Stop();

  // --- transport events (`name`: the peer's authenticated certificate subject) ---
  void OnPeerConnected(net::PeerId id, const std::string& address, const std::string& name);
  void OnPeerFrame(net::PeerId id, net::Frame frame);
  void OnPeerDisconnected(net::PeerId id, const Status& why);

  // --- the API the RPC methods use ---
  const Ledger& ledger() const { return *ledger_; }
  // Checks a transaction (structure, signatures, nonce) and admits it to the mempool; gossips it.
  // Rejections: the contract's context-free check's codes and the mempool's (kDuplicate,
  // kStaleNonce, ...).
  chain::ValidationResult<Hash32> SubmitTx(const chain::Tx& tx);
  // Imports a block as if a peer had sent it (relayed when stored). Ledger::Import's results.
  chain::ValidationResult<ImportResult> SubmitBlock(const chain::Block& block);
  size_t pending_txs() const { return admission_.mempool().size(); }
  consensus::poa::Proposals& proposals() { return proposals_; }
  std::vector<PeerInfo> Peers() const;
  Status AddPeer(const std::string& host_port);
  Status RemovePeer(const std::string& host_port_or_name);
  const NodeConfig& config() const { return config_; }
  const crypto::PublicKey& key() const { return key_.public_key(); }
  uint16_t p2p_port() const { return p2p_port_; }
  void set_p2p_port(uint16_t port) { p2p_port_ = port; }  // the bound port, for admin_nodeInfo
  const NodeMetrics& metrics() const { return metrics_; }
  const Clock& clock() const { return *ports_.clock; }
  // Refusals on every outside surface (peer port, RPC listeners): counted and logged as
  // "refused" (docs/spec/node.md N7). Thread-safe.
  net::Refusals& refusals() { return *refusals_; }
  const net::Refusals& refusals() const { return *refusals_; }
  // The chain event feed (chain_feed.h, docs/spec/node.md N9): the ledger publishes every block
  // applied or removed, with receipts; the node publishes every mempool drop (TxDropped). It is
  // delivered on the io thread after every head change (once the mempool is pruned) and after
  // every batch of drops; e.g. the vehicle gateway follows its rounds on it, the explorer pushes
  // newHeads from it and /metrics counts it.
  ChainFeed& feed() { return feed_; }
  const ChainFeed& feed() const { return feed_; }
  // Called on the io thread for each transaction the mempool drops without a block taking it
  // (N4.2: refused while sealing, a bid inside it made stale by a new head, expired, or an
  // earlier nonce of its sender dropped), after the feed's delivery of a head change when the
  // head moved, before the drops' TxDropped events are delivered; e.g. the vehicle gateway
  // re-signs its rounds at once. One observer; empty to clear.
  void SetTxDropObserver(std::function<void(const MempoolDrop&)> observer) {
    drop_observer_ = std::move(observer);
  }
  // Called on the io thread when this node's planned block is due, just before the producer
  // builds it (N4): e.g. the vehicle gateway builds the rounds that have closed by then, so that
  // the block stamped at a round's deadline can take it. One observer; empty to clear.
  void SetBeforeSealObserver(std::function<void()> observer) {
    before_seal_observer_ = std::move(observer);
  }
  // The hashes of the transactions whose context-free check passed here (admission, blocks, and
  // what the vehicle gateway checked). Thread-safe.
  contract::CheckedTxCache& checked_txs() { return *admission_.checked(); }
  // The pending transaction that uses `sender`'s nonce `nonce` (Mempool::NonceUser).
  std::optional<Hash32> PendingNonceUser(const std::string& sender, uint64_t nonce) const {
    return admission_.mempool().NonceUser(sender, nonce);
  }
  // The highest round number of `rsu`'s trading rounds pending here or in the canonical blocks
  // stamped within kRecentRoundsS of the head (0: none). A round in an older block has a lower
  // number, as long as the RSU's clock was within kRecentRoundsS / 2 of its block's sealer's:
  // its number is about its T_stamp, which is before its block's time (contract C-4.1).
  uint64_t HighestRoundOf(const std::string& rsu) const;

  static constexpr int64_t kRecentRoundsS = 600;

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

  NodeService(NodeConfig config, NodePorts ports, crypto::PrivateKey key);
  void Redial();
  void Reannounce(int64_t now_ms);
  void MaybeSeal();
  // N4: our in-turn block, when it is due, is sealed before a peer's block is handled.
  void SealFirstIfInTurnDue();
  void OnHello(net::PeerId id, Peer& p, const net::Hello& hello);
  void OnGetBlocks(net::PeerId id, const net::GetBlocks& req);
  void OnBlocks(net::PeerId id, Peer& p, std::vector<chain::Block> blocks);
  void RequestBlocks(net::PeerId id, Peer& p);
  // Whether the peer's last announced tip wins our fork choice against our head.
  bool PeerTipPreferred(const Peer& p) const;
  // `gossip`: relay it if stored, and sync from `from` if its parent is unknown.
  // A peer that sent a block invalid by the rules is penalised (peer_penalty.h); a missing
  // parent or our own failure (IoError, Corruption of our store) penalises nobody.
  chain::ValidationResult<ImportResult> ImportBlock(const chain::Block& block,
                                                    std::optional<net::PeerId> from, bool gossip);
  chain::ValidationResult<Hash32> AdmitTx(const chain::Tx& tx, std::optional<net::PeerId> from);
  // A peer's transaction: queued (PeerTxQueue) when the ports can post, else admitted now.
  void QueuePeerTx(net::PeerId from, chain::Tx tx, size_t frame_bytes);
  void PostPeerTxStep();
  void AfterHeadChange();
  // Which transactions the blocks applied since the last head change hold (from applied_), for
  // the mempool to tell a transaction the chain took from one whose nonce another took.
  OnChain TxsTakenByTheChain();
  // Queues drops for the drop observer; DeliverDrops hands them over and publishes them.
  void Dropped(std::vector<MempoolDrop> drops);
  void DeliverDrops();
  void Broadcast(const net::Frame& frame, std::optional<net::PeerId> except);
  void Penalise(net::PeerId id, int points, const std::string& why);
  net::Hello MakeHello() const;

  NodeConfig config_;
  NodePorts ports_;
  Logger& log_;
  crypto::PrivateKey key_;
  ChainFeed feed_;  // before the ledger, which publishes to it
  std::unique_ptr<Ledger> ledger_;
  Hash32 genesis_hash_;
  TxAdmission admission_;
  BlockProducer producer_;
  consensus::poa::Proposals proposals_;
  PeerBook book_;
  uint16_t p2p_port_ = 0;
  int64_t last_redial_ms_ = 0;
  bool stopped_ = false;
  std::map<net::PeerId, Peer> peers_;
  NodeMetrics metrics_;
  std::shared_ptr<ChainSubscription> counted_;   // metrics_.chain's subscription
  std::shared_ptr<ChainSubscription> applied_;   // blocks, polled by TxsTakenByTheChain
  std::unique_ptr<net::Refusals> own_refusals_;  // when the ports bring none
  net::Refusals* refusals_;
  std::function<void(const MempoolDrop&)> drop_observer_;
  std::function<void()> before_seal_observer_;
  std::vector<MempoolDrop> drops_;  // not yet delivered
  PeerTxQueue peer_txs_;
  bool peer_tx_step_posted_ = false;
  // Expires with the core: a posted step that runs after it is gone does nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace v2v::node
