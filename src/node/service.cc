#include "node/service.h"

#include <algorithm>
#include <set>

#include "node/peer_penalty.h"

namespace v2v::node {
namespace {

constexpr int64_t kRedialMs = 1000;
constexpr uint64_t kMaxBlocksBytes = 6u << 20;
constexpr size_t kDropsPerDelivery = kDefaultFeedQueue / 4;

std::string Short(const Hash32& h) { return h.Hex().substr(0, 16); }

}  // namespace

NodeService::NodeService(NodeConfig config, NodePorts ports, crypto::PrivateKey key)
    : config_(std::move(config)),
      ports_(ports),
      log_(*ports.log),
      key_(std::move(key)),
      admission_(MempoolOptions{static_cast<size_t>(config_.mempool_max_txs), 4096},
                 std::make_shared<contract::CheckedTxCache>()),
      producer_(static_cast<size_t>(config_.max_block_txs)),
      book_(config_.peers),
      own_refusals_(ports.refusals ? nullptr : LoggedRefusals(*ports.log, *ports.clock)),
      refusals_(ports.refusals ? ports.refusals : own_refusals_.get()) {
  counted_ = CountChainEvents(feed_, metrics_.chain);
  applied_ = feed_.Subscribe(4 * kDefaultFeedQueue, FeedTopics{.blocks = true, .drops = false});
}

std::unique_ptr<net::Refusals> LoggedRefusals(Logger& log, const Clock& clock) {
  return std::make_unique<net::Refusals>(
      [&log](const std::string& surface, const std::string& reason, const std::string& detail,
             uint64_t suppressed) {
        nlohmann::json fields = {{"surface", surface}, {"reason", reason}, {"detail", detail}};
        if (suppressed > 0) fields["suppressed"] = suppressed;
        log.Warn("refused", std::move(fields));
      },
      clock);
}

NodeService::~NodeService() { Stop(); }

Result<std::unique_ptr<NodeService>> NodeService::Open(
    NodeConfig config, const contract::Genesis& genesis, crypto::PrivateKey key,
    std::unique_ptr<store::KvStore> store, NodePorts ports, LedgerOptions ledger_options) {
  std::unique_ptr<NodeService> node(new NodeService(std::move(config), ports, std::move(key)));
  ledger_options.checked_txs = node->admission_.checked();
  ledger_options.events = &node->feed_;
  V2V_ASSIGN_OR_RETURN(node->ledger_,
                       Ledger::Init(std::move(store), genesis, std::move(ledger_options)));
  V2V_ASSIGN_OR_RETURN(chain::Block genesis_block, node->ledger_->BlockAt(0));
  node->genesis_hash_ = chain::BlockHash(genesis_block.header);
  return node;
}

void NodeService::Start() {
  Redial();
  OnTick();
}

void NodeService::Stop() {
  if (stopped_) return;
  stopped_ = true;
}

// --- timers -------------------------------------------------------------------------------

void NodeService::OnTick() {
  if (stopped_) return;
  const int64_t now_ms = ports_.clock->NowMs();
  if (now_ms - last_redial_ms_ >= kRedialMs) {
    Redial();
    std::vector<MempoolDrop> expired = admission_.mempool().Expire(now_ms);
    if (!expired.empty()) log_.Info("txs_expired", {{"count", expired.size()}});
    Dropped(std::move(expired));
    DeliverDrops();
    Reannounce(now_ms);
  }
  MaybeSeal();
}

std::optional<int64_t> NodeService::MsUntilSeal() const {
  const std::optional<int64_t> at_ms = producer_.PlannedAtMs();
  if (!at_ms || !config_.seal) return std::nullopt;
  return std::max<int64_t>(0, *at_ms - ports_.clock->NowMs());
}

// N4.3: what gossip may have lost (a frame, a peer that restarted, a partition) is sent again.
void NodeService::Reannounce(int64_t now_ms) {
  if (peers_.empty()) return;
  const chain::State& head = ledger_->state();
  const std::vector<chain::Tx> txs = admission_.mempool().Reannounce(
      [&head](const std::string& sender) { return CommittedNonce(head, sender); }, now_ms);
  for (const chain::Tx& tx : txs) Broadcast(net::EncodeTxMessage(tx), std::nullopt);
  metrics_.txs_reannounced += txs.size();
}

void NodeService::Redial() {
  last_redial_ms_ = ports_.clock->NowMs();
  // A hello every second doubles as a status heartbeat: a peer whose tip our fork choice
  // prefers is synced from even when no block of its reached us (it was sealed while we were
  // apart, or before we connected).
  const net::Frame hello = net::EncodeHello(MakeHello());
  for (auto& [id, p] : peers_) {
    if (p.hello) ports_.transport->Send(id, hello);
  }
  for (const std::string& addr : book_.DueForDial()) {
    const HostPort& hp = book_.target(addr);
    book_.Dialling(addr, ports_.transport->Connect(hp.host, hp.port));
    log_.Debug("dial", {{"address", addr}});
  }
}

// --- the producer (N4) --------------------------------------------------------------------

void NodeService::MaybeSeal() {
  if (!config_.seal) return;
  if (const std::optional<int64_t> due_in = MsUntilSeal();
      due_in && *due_in == 0 && before_seal_observer_) {
    before_seal_observer_();  // may submit transactions the block can take
  }
  const int64_t now_ms = ports_.clock->NowMs();
  const uint64_t height = ledger_->head().height + 1;
  auto sealed = producer_.MaybeSealBlock(*ledger_, admission_.mempool(), proposals_, key_, now_ms,
                                         *ports_.random);
  if (!sealed) return;
  if (!sealed->ok()) {
    log_.Warn("seal_failed", {{"height", height}, {"error", sealed->status().message()}});
    return;
  }
  for (const auto& [hash, not_before_s] : (*sealed)->waiting) {
    admission_.mempool().Defer(hash, not_before_s);  // not yet: kept for a later block
  }
  for (const auto& [tx, why] : (*sealed)->dropped) {
    std::vector<MempoolDrop> removed =
        admission_.mempool().RemoveWithSuccessors(chain::TxHash(tx), why.code);
    ++metrics_.txs_rejected;
    log_.Info("tx_rejected", {{"tx", chain::TxHash(tx).Hex()},
                              {"sender", tx.sender},
                              {"reason", why.ToString()},
                              {"dropped_with_successors", removed.size()}});
    Dropped(std::move(removed));
  }
  const chain::Block& block = (*sealed)->block;
  const int64_t built_ms = ports_.clock->NowMs();
  auto imported = ledger_->ImportSealed(**sealed, now_ms / 1000);
  if (!imported.ok()) {
    log_.Warn("seal_failed", {{"height", height}, {"error", imported.ToStatus().message()}});
    DeliverDrops();
    return;
  }
  ++metrics_.blocks_sealed;
  log_.Info("block_sealed", {{"height", block.header.height},
                             {"hash", chain::BlockHash(block.header).Hex()},
                             {"difficulty", block.header.difficulty},
                             {"txs", block.txs.size()},
                             {"late_ms", now_ms - 1000 * block.header.timestamp_s},
                             {"build_ms", built_ms - now_ms},
                             {"took_ms", ports_.clock->NowMs() - now_ms}});
  Broadcast(net::EncodeBlockMessage(block), std::nullopt);
  AfterHeadChange();
}

// The core's thread handles what was queued for it in order, and its timer is noticed only after
// that queue: under load, a peer's out-of-turn block queued after our in-turn block was due could
// be imported first and take our turn. Handling events in time order, our block goes first (it is
// the heavier at its height; the peer's block is kept as a side block). An out-of-turn plan is not
// hurried: a peer's block that arrives before it is taken, as Clique's wiggle intends.
void NodeService::SealFirstIfInTurnDue() {
  if (producer_.PlannedInTurn() && MsUntilSeal() == std::optional<int64_t>(0)) MaybeSeal();
}

// --- blocks and transactions ----------------------------------------------------------------

void NodeService::AfterHeadChange() {
  std::vector<MempoolDrop> stale = admission_.Prune(ledger_->state(), TxsTakenByTheChain());
  if (!stale.empty()) log_.Info("txs_stale", {{"count", stale.size()}});
  Dropped(std::move(stale));
  producer_.Reset();
  feed_.Deliver();  // the blocks applied and removed, with their receipts
  DeliverDrops();
}

uint64_t NodeService::HighestRoundOf(const std::string& rsu) const {
  uint64_t highest = admission_.mempool().HighestPendingRound(rsu);
  const int64_t since = ledger_->head().timestamp_s - kRecentRoundsS;
  Hash32 at = ledger_->head_hash();
  for (uint64_t h = ledger_->head().height; h > 0; --h) {
    auto block = ledger_->BlockByHash(at);
    if (!block.ok() || block->header.timestamp_s < since) break;
    for (const chain::Tx& tx : block->txs) {
      const auto* r = std::get_if<chain::TradingRound>(&tx.body);
      if (r != nullptr && tx.sender == rsu) highest = std::max(highest, r->round);
    }
    at = block->header.parent;
  }
  return highest;
}

OnChain NodeService::TxsTakenByTheChain() {
  auto taken = std::make_shared<std::set<Hash32>>();
  bool lagged = false;
  while (auto item = applied_->Next()) {
    if (std::holds_alternative<Lagged>(*item)) {
      lagged = true;
      continue;
    }
    const ChainEvent& e = *std::get<std::shared_ptr<const ChainEvent>>(*item);
    if (const auto* a = std::get_if<BlockApplied>(&e)) {
      for (const TxReceipt& r : a->receipts) taken->insert(r.tx);
    }
  }
  if (lagged) {
    // More blocks than the queue holds in one head change: which of them hold a pending
    // transaction is not known, and every one with a committed nonce is taken as held (forgotten,
    // not reported dropped).
    log_.Warn("mempool_prune_lagged", {{"missed", applied_->missed()}});
    return [](const Hash32&) { return true; };
  }
  return [taken](const Hash32& h) { return taken->count(h) > 0; };
}

void NodeService::Dropped(std::vector<MempoolDrop> drops) {
  drops_.insert(drops_.end(), drops.begin(), drops.end());
}

void NodeService::DeliverDrops() {
  std::vector<MempoolDrop> drops;
  drops.swap(drops_);  // the observer may submit transactions, even drop more
  if (drop_observer_) {
    for (const MempoolDrop& d : drops) drop_observer_(d);
  }
  // Then the feed, delivered in batches well inside a subscription's queue (a mass expiry of a
  // full mempool does not make the drop subscribers lag).
  for (size_t i = 0; i < drops.size(); ++i) {
    feed_.Publish(TxDropped{drops[i].hash, drops[i].code});
    if ((i + 1) % kDropsPerDelivery == 0) feed_.Deliver();
  }
  feed_.Deliver();
}

chain::ValidationResult<ImportResult> NodeService::ImportBlock(const chain::Block& block,
                                                               std::optional<net::PeerId> from,
                                                               bool gossip) {
  const Hash32 hash = chain::BlockHash(block.header);
  if (ledger_->HasBlock(hash)) return ImportResult{ImportOutcome::kKnown, 0};
  const uint64_t old_height = ledger_->head().height;
  const Hash32 old_head = ledger_->head_hash();
  auto r = ledger_->Import(block, ports_.clock->NowMs() / 1000);
  const std::string peer = from && peers_.count(*from) ? peers_.at(*from).name : std::string("rpc");
  if (!r.ok()) {
    if (r.invalid()) {  // invalid by the rules: the sender's fault
      ++metrics_.blocks_rejected;
      log_.Warn("block_rejected", {{"height", block.header.height},
                                   {"hash", hash.Hex()},
                                   {"reason", r.rejection().ToString()},
                                   {"peer", peer}});
    } else if (r.error_status().code() == StatusCode::kNotFound) {  // unknown parent: sync from it
      if (from && gossip) {
        auto it = peers_.find(*from);
        if (it != peers_.end()) RequestBlocks(*from, it->second);
      }
    } else {  // our own failure (IoError, Corruption of our store): nobody else is at fault
      log_.Warn("block_import_failed", {{"height", block.header.height},
                                        {"hash", hash.Hex()},
                                        {"error", r.error_status().ToString()},
                                        {"peer", peer}});
    }
    if (const int points = BlockPenalty(r); from && points > 0) {
      Penalise(*from, points, "invalid block: " + r.rejection().ToString());
    }
    return r;
  }
  ++metrics_.blocks_imported;
  const char* outcome = r->outcome == ImportOutcome::kExtended  ? "extended"
                        : r->outcome == ImportOutcome::kReorged ? "reorged"
                        : r->outcome == ImportOutcome::kSide    ? "side"
                                                                : "known";
  log_.Info("block_imported", {{"height", block.header.height},
                               {"hash", Short(hash)},
                               {"outcome", outcome},
                               {"txs", block.txs.size()}});
  if (r->outcome == ImportOutcome::kReorged) {
    ++metrics_.reorgs;
    log_.Info("reorg", {{"depth", r->reorg_depth},
                        {"old_height", old_height},
                        {"new_height", ledger_->head().height}});
    TxAdmission::Readmitted readmitted =
        admission_.ReadmitAbandoned(*ledger_, old_head, r->reorg_depth, ports_.clock->NowMs());
    if (readmitted.count > 0) log_.Info("txs_readmitted", {{"count", readmitted.count}});
    Dropped(std::move(readmitted.dropped));  // told with the head change's drops
  }
  if (gossip && r->outcome != ImportOutcome::kKnown)
    Broadcast(net::EncodeBlockMessage(block), from);
  if (r->outcome == ImportOutcome::kExtended || r->outcome == ImportOutcome::kReorged)
    AfterHeadChange();
  return r;
}

chain::ValidationResult<ImportResult> NodeService::SubmitBlock(const chain::Block& block) {
  return ImportBlock(block, std::nullopt, /*gossip=*/true);
}

chain::ValidationResult<Hash32> NodeService::AdmitTx(const chain::Tx& tx,
                                                     std::optional<net::PeerId> from) {
  TxAdmitted a = admission_.Admit(*ledger_, tx, ports_.clock->NowMs());
  switch (a.verdict) {
    case TxVerdict::kAdmitted:
      ++metrics_.txs_admitted;
      Broadcast(net::EncodeTxMessage(tx), from);
      break;
    case TxVerdict::kDuplicate:
      break;
    case TxVerdict::kInvalid:  // invalid by the context-free rules: the sender's fault
      ++metrics_.txs_rejected;
      if (from)
        Penalise(*from, kPenaltyInvalidTx, "invalid transaction: " + a.hash.rejection().ToString());
      break;
    case TxVerdict::kRefused:  // the pool's refusals are normal gossip races: no penalty
      if (!from) ++metrics_.txs_rejected;
      break;
  }
  return a.hash;
}

void NodeService::QueuePeerTx(net::PeerId from, chain::Tx tx, size_t frame_bytes) {
  if (!ports_.post) {
    (void)AdmitTx(tx, from);  // duplicates and stale nonces are normal gossip races
    return;
  }
  if (peer_txs_.full()) {  // bounded: the front is admitted now and this peer's stream waits
    PeerTxQueue::Item front = peer_txs_.Finish(checked_txs());
    (void)AdmitTx(front.tx, front.from);
  }
  peer_txs_.Push(from, std::move(tx), frame_bytes);
  PostPeerTxStep();
}

void NodeService::PostPeerTxStep() {
  if (peer_tx_step_posted_ || peer_txs_.empty()) return;
  peer_tx_step_posted_ = true;
  ports_.post([this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    peer_tx_step_posted_ = false;
    if (stopped_) return;
    if (auto done = peer_txs_.Step(checked_txs(), PeerTxQueue::kSliceSignatures)) {
      (void)AdmitTx(done->tx, done->from);  // a peer gone since is penalised by no one
    }
    PostPeerTxStep();
  });
}

chain::ValidationResult<Hash32> NodeService::SubmitTx(const chain::Tx& tx) {
  return AdmitTx(tx, std::nullopt);
}

void NodeService::Broadcast(const net::Frame& frame, std::optional<net::PeerId> except) {
  for (const auto& [id, p] : peers_) {
    if (!p.hello || (except && *except == id)) continue;
    ports_.transport->Send(id, frame);
  }
}

// --- peers ----------------------------------------------------------------------------------

net::Hello NodeService::MakeHello() const {
  net::Hello h;
  h.genesis = genesis_hash_;
  h.head_height = ledger_->head().height;
  h.head_hash = ledger_->head_hash();
  h.total_difficulty = ledger_->total_difficulty();
  h.name = config_.name;
  return h;
}

void NodeService::OnPeerConnected(net::PeerId id, const std::string& address,
                                  const std::string& name) {
  Peer p;
  p.name = name;
  p.address = address;
  p.dial_target = book_.Connected(id, name);
  p.inbound = !p.dial_target;
  if (p.dial_target) p.address = *p.dial_target;
  if (auto why = book_.Refusal(name, config_.name)) {
    log_.Info("peer_refused", {{"peer", name}, {"address", p.address}, {"reason", *why}});
    peers_[id] = p;  // so OnPeerDisconnected finds it
    ports_.transport->Disconnect(id);
    return;
  }
  peers_[id] = p;
  log_.Info("peer_connected", {{"peer", name}, {"address", p.address}, {"inbound", p.inbound}});
  ports_.transport->Send(id, net::EncodeHello(MakeHello()));
}

void NodeService::OnPeerDisconnected(net::PeerId id, const Status& why) {
  book_.Disconnected(id);
  auto it = peers_.find(id);
  if (it == peers_.end()) return;  // a failed dial
  log_.Info("peer_disconnected", {{"peer", it->second.name},
                                  {"reason", why.ok() ? std::string("closed") : why.message()}});
  peers_.erase(it);
}

void NodeService::Penalise(net::PeerId id, int points, const std::string& why) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  const int score = book_.Penalise(it->second.name, points);
  ++metrics_.peers_penalised;
  log_.Warn("peer_penalised",
            {{"peer", it->second.name}, {"points", points}, {"score", score}, {"why", why}});
  if (score >= kBanThreshold) {
    log_.Warn("peer_banned", {{"peer", it->second.name}});
    ports_.transport->Disconnect(id);
  }
}

void NodeService::OnPeerFrame(net::PeerId id, net::Frame frame) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  Peer& p = it->second;
  if (!p.hello && frame.type != net::MessageType::kHello) {
    return Penalise(id, kPenaltyUndecodable, "message before hello");
  }
  switch (frame.type) {
    case net::MessageType::kHello: {
      auto hello = net::DecodeHello(frame.payload);
      if (!hello.ok())
        return Penalise(id, kPenaltyUndecodable, "hello: " + hello.status().message());
      return OnHello(id, p, *hello);
    }
    case net::MessageType::kTransaction: {
      auto tx = net::DecodeTxMessage(frame.payload);
      if (!tx.ok())
        return Penalise(id, kPenaltyUndecodable, "transaction: " + tx.status().message());
      return QueuePeerTx(id, std::move(tx).value(), frame.payload.size());
    }
    case net::MessageType::kBlock: {
      auto block = net::DecodeBlockMessage(frame.payload);
      if (!block.ok())
        return Penalise(id, kPenaltyUndecodable, "block: " + block.status().message());
      p.height = std::max(p.height, block->header.height);
      SealFirstIfInTurnDue();
      auto r = ImportBlock(*block, id, /*gossip=*/true);
      if (r.ok() &&
          (r->outcome == ImportOutcome::kExtended || r->outcome == ImportOutcome::kReorged)) {
        p.total_difficulty = std::max(p.total_difficulty, ledger_->total_difficulty());
      }
      return;
    }
    case net::MessageType::kGetBlocks: {
      auto req = net::DecodeGetBlocks(frame.payload);
      if (!req.ok())
        return Penalise(id, kPenaltyUndecodable, "get_blocks: " + req.status().message());
      return OnGetBlocks(id, *req);
    }
    case net::MessageType::kBlocks: {
      auto blocks = net::DecodeBlocks(frame.payload);
      if (!blocks.ok())
        return Penalise(id, kPenaltyUndecodable, "blocks: " + blocks.status().message());
      return OnBlocks(id, p, std::move(blocks).value());
    }
    case net::MessageType::kPing:
      ports_.transport->Send(id, net::Frame{net::MessageType::kPong, {}});
      return;
    case net::MessageType::kPong:
      return;
  }
}

void NodeService::OnHello(net::PeerId id, Peer& p, const net::Hello& hello) {
  if (hello.version != net::kProtocolVersion || hello.genesis != genesis_hash_) {
    Penalise(id, kPenaltyWrongChain,
             hello.version != net::kProtocolVersion ? "protocol version" : "other genesis");
    ports_.transport->Disconnect(id);
    return;
  }
  if (hello.name != p.name) {
    Penalise(id, kPenaltyWrongChain,
             "hello name " + hello.name + " is not the certificate's " + p.name);
    ports_.transport->Disconnect(id);
    return;
  }
  p.hello = true;
  p.height = hello.head_height;
  p.total_difficulty = hello.total_difficulty;
  p.head_hash = hello.head_hash;
  if (PeerTipPreferred(p)) RequestBlocks(id, p);
}

bool NodeService::PeerTipPreferred(const Peer& p) const {
  if (ledger_->HasBlock(p.head_hash)) return false;  // we have it (as head or as a side block)
  return consensus::poa::PreferTip(
      {p.total_difficulty, p.height, p.head_hash},
      {ledger_->total_difficulty(), ledger_->head().height, ledger_->head_hash()});
}

void NodeService::RequestBlocks(net::PeerId id, Peer& p) {
  if (p.syncing) return;
  // From our next height, or from the peer's tip when its preferred chain is not longer than
  // ours (equal total difficulty, fewer blocks), stepping back while the chains do not connect.
  const uint64_t top = std::min(ledger_->head().height + 1, std::max<uint64_t>(p.height, 1));
  const uint64_t from = top > p.sync_back ? std::max<uint64_t>(1, top - p.sync_back) : 1;
  p.syncing = true;
  p.sync_from = from;
  log_.Debug("sync_request", {{"peer", p.name}, {"from", from}});
  ports_.transport->Send(id, net::EncodeGetBlocks({from, net::kMaxBlocksPerMessage}));
}

void NodeService::OnGetBlocks(net::PeerId id, const net::GetBlocks& req) {
  std::vector<Bytes> out;
  uint64_t bytes = 0;
  const uint64_t head = ledger_->head().height;
  for (uint64_t h = req.from_height; h <= head && out.size() < req.max_count; ++h) {
    auto b = ledger_->BlockAt(h);
    if (!b.ok()) break;
    Bytes enc = chain::EncodeBlock(*b);
    if (!out.empty() && bytes + enc.size() > kMaxBlocksBytes) break;
    bytes += enc.size();
    out.push_back(std::move(enc));
  }
  ports_.transport->Send(id, net::EncodeBlocks(out));
}

void NodeService::OnBlocks(net::PeerId id, Peer& p, std::vector<chain::Block> blocks) {
  const bool was_syncing = p.syncing;
  p.syncing = false;
  if (blocks.empty()) {
    p.sync_back = 0;
    return;
  }
  if (was_syncing && blocks.front().header.height != p.sync_from) {
    return Penalise(id, kPenaltyUndecodable, "blocks: not the requested height");
  }
  const Hash32 before = ledger_->head_hash();
  for (size_t i = 0; i < blocks.size(); ++i) {
    // Synced blocks are not relayed: every peer syncs for itself. An invalid one is penalised
    // inside ImportBlock.
    auto r = ImportBlock(blocks[i], id, /*gossip=*/false);
    if (!r.ok()) {
      if (r.error() && r.error_status().code() == StatusCode::kNotFound && i == 0) {
        if (blocks[i].header.height <= 1)
          return Penalise(id, kPenaltyInvalidBlock, "blocks do not connect to genesis");
        p.sync_back = std::max<uint64_t>(16, p.sync_back * 2);
        return RequestBlocks(id, p);
      }
      return;
    }
  }
  p.sync_back = 0;
  p.height = std::max(p.height, blocks.back().header.height);
  // A full batch means more may follow; so does a peer whose tip we still prefer, as long as
  // this batch moved our head.
  if (blocks.size() == net::kMaxBlocksPerMessage ||
      (ledger_->head_hash() != before && PeerTipPreferred(p))) {
    RequestBlocks(id, p);
  }
}

std::vector<PeerInfo> NodeService::Peers() const {
  std::vector<PeerInfo> out;
  for (const auto& [id, p] : peers_) {
    if (!p.hello) continue;
    out.push_back({p.name, p.address, p.inbound, p.height, p.total_difficulty});
  }
  return out;
}

Status NodeService::AddPeer(const std::string& host_port) {
  if (host_port.find(':') != std::string::npos) {
    V2V_ASSIGN_OR_RETURN(HostPort hp, ParseHostPort(host_port));
    const size_t dialled = book_.ActiveTargets();
    if (!book_.Knows(hp.ToString()) &&
        dialled >= static_cast<size_t>(config_.limits.max_dial_targets)) {
      refusals_->Record("admin", "dial_limit", hp.ToString());
      return Status::FailedPrecondition("already dialling " + std::to_string(dialled) +
                                        " addresses (max_dial_targets)");
    }
  }
  V2V_RETURN_IF_ERROR(book_.Add(host_port));
  if (host_port.find(':') == std::string::npos) {
    log_.Info("peer_added", {{"peer", host_port}});
  } else {
    log_.Info("peer_added", {{"address", ParseHostPort(host_port)->ToString()}});
  }
  Redial();
  return Status::Ok();
}

Status NodeService::RemovePeer(const std::string& host_port_or_name) {
  std::map<std::string, std::string> connected;  // dial target -> name
  for (const auto& [id, p] : peers_) {
    if (p.dial_target) connected[*p.dial_target] = p.name;
  }
  V2V_ASSIGN_OR_RETURN(std::set<std::string> names, book_.Remove(host_port_or_name, connected));
  for (const auto& [id, p] : peers_) {
    if (names.count(p.name)) ports_.transport->Disconnect(id);
  }
  log_.Info("peer_removed", {{"peer", host_port_or_name}});
  return Status::Ok();
}

}  // namespace v2v::node
