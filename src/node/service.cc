#include "node/service.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

#include "crypto/ca_trust.h"
#include "crypto/certificate.h"
#include "node/peer_penalty.h"
#include "store/kv_store.h"

namespace v2v::node {
namespace {

constexpr auto kTick = std::chrono::milliseconds(50);
constexpr uint64_t kTicksPerRedial = 20;  // 1 s
constexpr uint64_t kMaxBlocksBytes = 6u << 20;
// A sealed block's transactions stay well inside one peer frame (net::kMaxFrameBytes, 8 MiB).
constexpr size_t kMaxBlockTxBytes = 4u << 20;

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Short(const Hash32& h) { return h.Hex().substr(0, 16); }

// The mempool's refusal as the one rejection code (1:1, same names).
chain::Rejection ToRejection(const MempoolRefusal& r) {
  using chain::Reject;
  Reject code = Reject::kMempoolFull;
  switch (r.code) {
    case MempoolReject::kDuplicate: code = Reject::kDuplicate; break;
    case MempoolReject::kKnown: code = Reject::kKnown; break;
    case MempoolReject::kStaleNonce: code = Reject::kStaleNonce; break;
    case MempoolReject::kNonceGap: code = Reject::kNonceGap; break;
    case MempoolReject::kNonceTaken: code = Reject::kNonceTaken; break;
    case MempoolReject::kTooManyFuture: code = Reject::kTooManyFuture; break;
    case MempoolReject::kFull: code = Reject::kMempoolFull; break;
  }
  return chain::Rejected(code, r.detail);
}

}  // namespace

NodeEnv SystemEnv() {
  auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
  return {[] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
          },
          [rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(*rng); }};
}

NodeService::NodeService(boost::asio::io_context& io, NodeConfig config, NodeEnv env, Logger& log,
                         crypto::PrivateKey key)
    : io_(io),
      config_(std::move(config)),
      env_(std::move(env)),
      log_(log),
      key_(std::move(key)),
      checked_(std::make_shared<contract::CheckedTxCache>()),
      mempool_(MempoolOptions{static_cast<size_t>(config_.mempool_max_txs), 4096}),
      timer_(io) {}

NodeService::~NodeService() { Stop(); }

Result<std::unique_ptr<NodeService>> NodeService::Start(boost::asio::io_context& io, NodeConfig config,
                                                        contract::Genesis genesis, NodeEnv env,
                                                        Logger& log) {
  V2V_ASSIGN_OR_RETURN(std::string key_pem, ReadText(config.key));
  auto key = crypto::PrivateKey::FromPem(key_pem);
  if (!key.ok()) return Status::InvalidArgument("key " + config.key + ": " + key.status().message());
  std::unique_ptr<NodeService> node(
      new NodeService(io, std::move(config), std::move(env), log, std::move(key).value()));
  V2V_RETURN_IF_ERROR(node->Init(std::move(genesis)));
  return node;
}

Status NodeService::Init(contract::Genesis genesis) {
  V2V_ASSIGN_OR_RETURN(auto kv, store::OpenRocksKvStore(config_.data_dir));
  LedgerOptions options;
  options.checked_txs = checked_;
  auto ledger = Ledger::Init(std::move(kv), genesis, options);
  if (!ledger.ok()) return Status(ledger.status().code(), "ledger in " + config_.data_dir + ": " + ledger.status().message());
  ledger_ = std::move(ledger).value();
  V2V_ASSIGN_OR_RETURN(chain::Block genesis_block, ledger_->BlockAt(0));
  genesis_hash_ = chain::BlockHash(genesis_block.header);

  // Peers: TLS with certificates from the genesis CA; the peer must hold a valid RSU certificate.
  V2V_ASSIGN_OR_RETURN(std::string ca_pem, ReadText(config_.ca));
  V2V_ASSIGN_OR_RETURN(Bytes ca_der, crypto::CertificatePemToDer(ca_pem));
  V2V_ASSIGN_OR_RETURN(crypto::CaTrust trust, crypto::CaTrust::Create(ca_der));
  auto trust_ptr = std::make_shared<crypto::CaTrust>(std::move(trust));
  auto now_ms = env_.now_ms;
  net::PeerVerifier verifier = [trust_ptr, now_ms](const Bytes& der) -> Status {
    auto info = crypto::VerifyCertificate(der, *trust_ptr, now_ms() / 1000, crypto::Role::kRsu);
    return info.ok() ? Status::Ok() : info.status();
  };
  net::TransportCallbacks cb;
  cb.on_connect = [this](net::PeerId id, const std::string& host, const Bytes& der) { OnConnect(id, host, der); };
  cb.on_frame = [this](net::PeerId id, net::Frame f) { OnFrame(id, std::move(f)); };
  cb.on_disconnect = [this](net::PeerId id, const Status& why) { OnDisconnect(id, why); };
  V2V_ASSIGN_OR_RETURN(transport_, net::TlsTransport::Create(io_, net::TlsFiles{config_.ca, config_.cert, config_.key},
                                                             std::move(verifier), std::move(cb)));
  transport_->scores().ExemptLoopback(true);  // penalties go by certificate name (Penalise)
  auto port = transport_->Listen(config_.p2p_listen.host, config_.p2p_listen.port);
  if (!port.ok()) return Status::IoError("p2p_listen " + config_.p2p_listen.ToString() + ": " + port.status().message());
  p2p_port_ = *port;
  for (const HostPort& hp : config_.peers) targets_[hp.ToString()] = DialTarget{hp, false, std::nullopt, ""};

  log_.Info("started", {{"height", ledger_->head().height},
                        {"head", ledger_->head_hash().Hex()},
                        {"p2p_port", p2p_port_},
                        {"key", key_.public_key().Hex()},
                        {"signer", ledger_->snapshot().IsSigner(key_.public_key())}});
  Redial();
  Tick();
  return Status::Ok();
}

void NodeService::Stop() {
  if (stopped_) return;
  stopped_ = true;
  timer_.cancel();
  if (transport_) transport_->Close();
}

// --- timers -------------------------------------------------------------------------------

void NodeService::Tick() {
  if (stopped_) return;
  ++ticks_;
  if (ticks_ % kTicksPerRedial == 0) {
    Redial();
    if (size_t n = mempool_.Expire(env_.now_ms())) log_.Info("txs_expired", {{"count", n}});
  }
  MaybeSeal();
  timer_.expires_after(kTick);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) Tick();
  });
}

void NodeService::Redial() {
  // A hello every second doubles as a status heartbeat: a peer whose tip our fork choice
  // prefers is synced from even when no block of its reached us (it was sealed while we were
  // apart, or before we connected).
  const net::Frame hello = net::EncodeHello(MakeHello());
  for (auto& [id, p] : peers_) {
    if (p.hello) transport_->Send(id, hello);
  }
  for (auto& [addr, t] : targets_) {
    if (t.removed || t.peer) continue;
    t.peer = transport_->Connect(t.hp.host, t.hp.port);
    log_.Debug("dial", {{"address", addr}});
  }
}

// --- the producer (N4) --------------------------------------------------------------------

void NodeService::MaybeSeal() {
  if (!config_.seal) return;
  const consensus::poa::Engine& engine = ledger_->engine();
  const crypto::PublicKey& me = key_.public_key();
  if (!engine.MaySeal(ledger_->headers(), me)) {
    planned_.reset();
    return;
  }
  if (!engine.ShouldSeal(mempool_.size())) return;
  const uint64_t height = ledger_->head().height + 1;
  const int64_t now_ms = env_.now_ms();
  if (!planned_ || planned_->parent != ledger_->head_hash()) {
    const consensus::poa::SealPlan plan = engine.SealPlanFor(ledger_->headers(), me, now_ms, env_.uniform01());
    planned_ = Planned{plan.parent, plan.block_time_s, plan.at_ms};
  }
  if (now_ms < planned_->at_ms) return;

  std::vector<chain::Tx> txs = mempool_.Select([this](const std::string& s) { return CommittedNonce(s); },
                                               static_cast<size_t>(config_.max_block_txs), kMaxBlockTxBytes);
  const auto vote = proposals_.Choose(ledger_->snapshot(), height, env_.uniform01());
  std::optional<chain::HeaderVote> header_vote;
  if (vote) header_vote = chain::HeaderVote{vote->target, vote->authorize};
  auto proposal = ledger_->Propose(std::move(txs), planned_->block_time_s, key_, header_vote);
  planned_.reset();
  if (!proposal.ok()) {
    log_.Warn("seal_failed", {{"height", height}, {"error", proposal.status().message()}});
    return;
  }
  for (const auto& [tx, why] : proposal->dropped) {
    const size_t n = mempool_.RemoveWithSuccessors(chain::TxHash(tx));
    ++metrics_.txs_rejected;
    log_.Info("tx_rejected", {{"tx", chain::TxHash(tx).Hex()}, {"sender", tx.sender}, {"reason", why.ToString()},
                              {"dropped_with_successors", n}});
  }
  const chain::Block& block = proposal->block;
  auto imported = ledger_->ImportProposal(*proposal, now_ms / 1000);
  if (!imported.ok()) {
    log_.Warn("seal_failed", {{"height", height}, {"error", imported.ToStatus().message()}});
    return;
  }
  ++metrics_.blocks_sealed;
  log_.Info("block_sealed", {{"height", block.header.height},
                             {"hash", chain::BlockHash(block.header).Hex()},
                             {"difficulty", block.header.difficulty},
                             {"txs", block.txs.size()}});
  Broadcast(net::EncodeBlockMessage(block), std::nullopt);
  AfterHeadChange();
}

// --- blocks and transactions ----------------------------------------------------------------

uint64_t NodeService::CommittedNonce(const std::string& sender) const {
  const auto& accounts = ledger_->state().accounts;
  auto it = accounts.find(sender);
  return it == accounts.end() ? 0 : it->second.nonce;
}

void NodeService::AfterHeadChange() {
  mempool_.Prune([this](const std::string& s) { return CommittedNonce(s); });
  planned_.reset();
}

chain::ValidationResult<ImportResult> NodeService::ImportBlock(const chain::Block& block,
                                                              std::optional<net::PeerId> from, bool gossip) {
  const Hash32 hash = chain::BlockHash(block.header);
  if (ledger_->HasBlock(hash)) return ImportResult{ImportOutcome::kKnown, 0};
  const uint64_t old_height = ledger_->head().height;
  const Hash32 old_head = ledger_->head_hash();
  auto r = ledger_->Import(block, env_.now_ms() / 1000);
  const std::string peer = from && peers_.count(*from) ? peers_.at(*from).name : std::string("rpc");
  if (!r.ok()) {
    if (r.invalid()) {  // invalid by the rules: the sender's fault
      ++metrics_.blocks_rejected;
      log_.Warn("block_rejected", {{"height", block.header.height}, {"hash", hash.Hex()},
                                   {"reason", r.rejection().ToString()}, {"peer", peer}});
    } else if (r.error_status().code() == StatusCode::kNotFound) {  // unknown parent: sync from it
      if (from && gossip) {
        auto it = peers_.find(*from);
        if (it != peers_.end()) RequestBlocks(*from, it->second);
      }
    } else {  // our own failure (IoError, Corruption of our store): nobody else is at fault
      log_.Warn("block_import_failed", {{"height", block.header.height}, {"hash", hash.Hex()},
                                        {"error", r.error_status().ToString()}, {"peer", peer}});
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
  log_.Info("block_imported", {{"height", block.header.height}, {"hash", Short(hash)}, {"outcome", outcome},
                               {"txs", block.txs.size()}});
  if (r->outcome == ImportOutcome::kReorged) {
    ++metrics_.reorgs;
    log_.Info("reorg", {{"depth", r->reorg_depth}, {"old_height", old_height}, {"new_height", ledger_->head().height}});
    ReadmitAbandoned(old_head, r->reorg_depth);
  }
  if (gossip && r->outcome != ImportOutcome::kKnown) Broadcast(net::EncodeBlockMessage(block), from);
  if (r->outcome == ImportOutcome::kExtended || r->outcome == ImportOutcome::kReorged) AfterHeadChange();
  return r;
}

// The transactions of the blocks a reorg abandoned go back to the mempool (those the new chain
// already holds are refused there as stale), so a reorg loses no transaction.
void NodeService::ReadmitAbandoned(Hash32 old_head, uint64_t depth) {
  std::vector<chain::Block> abandoned;
  for (uint64_t i = 0; i < depth; ++i) {
    auto b = ledger_->BlockByHash(old_head);
    if (!b.ok()) break;
    old_head = b->header.parent;
    abandoned.push_back(std::move(b).value());
  }
  size_t readmitted = 0;
  for (auto it = abandoned.rbegin(); it != abandoned.rend(); ++it) {
    for (const chain::Tx& tx : it->txs) {
      const Hash32 hash = chain::TxHash(tx);
      const ChainView view{CommittedNonce(tx.sender), AlreadyApplied(tx, ledger_->state())};
      if (!mempool_.Contains(hash) && !mempool_.Admit(tx, hash, view, env_.now_ms())) ++readmitted;
    }
  }
  if (readmitted > 0) log_.Info("txs_readmitted", {{"count", readmitted}});
}

chain::ValidationResult<ImportResult> NodeService::SubmitBlock(const chain::Block& block) {
  return ImportBlock(block, std::nullopt, /*gossip=*/true);
}

chain::ValidationResult<Hash32> NodeService::AdmitTx(const chain::Tx& tx, std::optional<net::PeerId> from) {
  const Hash32 hash = chain::TxHash(tx);
  if (mempool_.Contains(hash)) return chain::Rejected(chain::Reject::kDuplicate, "already pending");
  if (!checked_->Contains(hash)) {
    if (auto r = ledger_->contract().CheckTx(tx)) {  // invalid by the rules
      ++metrics_.txs_rejected;
      if (from) Penalise(*from, kPenaltyInvalidTx, "invalid transaction: " + r->ToString());
      return *r;
    }
    checked_->Insert(hash);
  }
  // Refused here (a transaction already on the chain as `known`) means never gossiped. The
  // pool's refusals (duplicate, stale or taken nonce, full) are normal gossip races: no penalty.
  const ChainView view{CommittedNonce(tx.sender), AlreadyApplied(tx, ledger_->state())};
  if (auto refused = mempool_.Admit(tx, hash, view, env_.now_ms())) {
    if (!from) ++metrics_.txs_rejected;
    return ToRejection(*refused);
  }
  ++metrics_.txs_admitted;
  Broadcast(net::EncodeTxMessage(tx), from);
  return hash;
}

chain::ValidationResult<Hash32> NodeService::SubmitTx(const chain::Tx& tx) { return AdmitTx(tx, std::nullopt); }

void NodeService::Broadcast(const net::Frame& frame, std::optional<net::PeerId> except) {
  for (const auto& [id, p] : peers_) {
    if (!p.hello || (except && *except == id)) continue;
    transport_->Send(id, frame);
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

void NodeService::OnConnect(net::PeerId id, const std::string& host, const Bytes& der) {
  auto info = crypto::ParseCertificateDer(der);
  const std::string name = info.ok() ? info->subject : std::string("?");
  Peer p;
  p.name = name;
  p.address = host;
  p.inbound = true;
  for (auto& [addr, t] : targets_) {
    if (t.peer == id) {
      p.inbound = false;
      p.dial_target = addr;
      p.address = addr;
      t.last_name = name;
    }
  }
  if (!p.inbound) removed_names_.erase(name);  // we dialled a target that is not removed
  const bool refuse = name == config_.name || removed_names_.count(name) > 0 ||
                      name_scores_[name] >= kBanThreshold;
  if (refuse) {
    log_.Info("peer_refused", {{"peer", name}, {"address", p.address},
                               {"reason", name == config_.name ? "self" : "removed or banned"}});
    peers_[id] = p;  // so OnDisconnect finds it
    transport_->Disconnect(id);
    return;
  }
  peers_[id] = p;
  log_.Info("peer_connected", {{"peer", name}, {"address", p.address}, {"inbound", p.inbound}});
  transport_->Send(id, net::EncodeHello(MakeHello()));
}

void NodeService::OnDisconnect(net::PeerId id, const Status& why) {
  for (auto& [addr, t] : targets_) {
    if (t.peer == id) t.peer.reset();
  }
  auto it = peers_.find(id);
  if (it == peers_.end()) return;  // a failed dial
  log_.Info("peer_disconnected", {{"peer", it->second.name}, {"reason", why.ok() ? std::string("closed") : why.message()}});
  peers_.erase(it);
}

void NodeService::Penalise(net::PeerId id, int points, const std::string& why) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  int& score = name_scores_[it->second.name];
  score += points;
  ++metrics_.peers_penalised;
  log_.Warn("peer_penalised", {{"peer", it->second.name}, {"points", points}, {"score", score}, {"why", why}});
  if (score >= kBanThreshold) {
    log_.Warn("peer_banned", {{"peer", it->second.name}});
    transport_->Disconnect(id);
  }
}

void NodeService::OnFrame(net::PeerId id, net::Frame frame) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  Peer& p = it->second;
  if (!p.hello && frame.type != net::MessageType::kHello) {
    return Penalise(id, kPenaltyUndecodable, "message before hello");
  }
  switch (frame.type) {
    case net::MessageType::kHello: {
      auto hello = net::DecodeHello(frame.payload);
      if (!hello.ok()) return Penalise(id, kPenaltyUndecodable, "hello: " + hello.status().message());
      return OnHello(id, p, *hello);
    }
    case net::MessageType::kTransaction: {
      auto tx = net::DecodeTxMessage(frame.payload);
      if (!tx.ok()) return Penalise(id, kPenaltyUndecodable, "transaction: " + tx.status().message());
      (void)AdmitTx(*tx, id);  // duplicates and stale nonces are normal gossip races
      return;
    }
    case net::MessageType::kBlock: {
      auto block = net::DecodeBlockMessage(frame.payload);
      if (!block.ok()) return Penalise(id, kPenaltyUndecodable, "block: " + block.status().message());
      p.height = std::max(p.height, block->header.height);
      auto r = ImportBlock(*block, id, /*gossip=*/true);
      if (r.ok() && (r->outcome == ImportOutcome::kExtended || r->outcome == ImportOutcome::kReorged)) {
        p.total_difficulty = std::max(p.total_difficulty, ledger_->total_difficulty());
      }
      return;
    }
    case net::MessageType::kGetBlocks: {
      auto req = net::DecodeGetBlocks(frame.payload);
      if (!req.ok()) return Penalise(id, kPenaltyUndecodable, "get_blocks: " + req.status().message());
      return OnGetBlocks(id, *req);
    }
    case net::MessageType::kBlocks: {
      auto blocks = net::DecodeBlocks(frame.payload);
      if (!blocks.ok()) return Penalise(id, kPenaltyUndecodable, "blocks: " + blocks.status().message());
      return OnBlocks(id, p, std::move(blocks).value());
    }
    case net::MessageType::kPing:
      transport_->Send(id, net::Frame{net::MessageType::kPong, {}});
      return;
    case net::MessageType::kPong:
      return;
  }
}

void NodeService::OnHello(net::PeerId id, Peer& p, const net::Hello& hello) {
  if (hello.version != net::kProtocolVersion || hello.genesis != genesis_hash_) {
    Penalise(id, kPenaltyWrongChain, hello.version != net::kProtocolVersion ? "protocol version" : "other genesis");
    transport_->Disconnect(id);
    return;
  }
  if (hello.name != p.name) {
    Penalise(id, kPenaltyWrongChain, "hello name " + hello.name + " is not the certificate's " + p.name);
    transport_->Disconnect(id);
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
  return consensus::poa::PreferTip({p.total_difficulty, p.height, p.head_hash},
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
  transport_->Send(id, net::EncodeGetBlocks({from, net::kMaxBlocksPerMessage}));
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
  transport_->Send(id, net::EncodeBlocks(out));
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
        if (blocks[i].header.height <= 1) return Penalise(id, kPenaltyInvalidBlock, "blocks do not connect to genesis");
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
  if (host_port.find(':') == std::string::npos) {  // a name: accept it again
    removed_names_.erase(host_port);
    for (auto& [addr, target] : targets_) {
      if (target.last_name == host_port) target.removed = false;
    }
    log_.Info("peer_added", {{"peer", host_port}});
    Redial();
    return Status::Ok();
  }
  V2V_ASSIGN_OR_RETURN(HostPort hp, ParseHostPort(host_port));
  auto& t = targets_[hp.ToString()];
  t.hp = hp;
  t.removed = false;
  if (!t.last_name.empty()) removed_names_.erase(t.last_name);
  log_.Info("peer_added", {{"address", hp.ToString()}});
  Redial();
  return Status::Ok();
}

Status NodeService::RemovePeer(const std::string& host_port_or_name) {
  std::set<std::string> names;
  auto t = targets_.find(host_port_or_name);
  if (t != targets_.end()) {
    t->second.removed = true;
    if (!t->second.last_name.empty()) names.insert(t->second.last_name);
  } else if (host_port_or_name.find(':') != std::string::npos) {
    V2V_ASSIGN_OR_RETURN(HostPort hp, ParseHostPort(host_port_or_name));
    targets_[hp.ToString()] = DialTarget{hp, true, std::nullopt, ""};
  } else {
    names.insert(host_port_or_name);
  }
  for (const auto& [id, p] : peers_) {
    if (p.dial_target && *p.dial_target == host_port_or_name) names.insert(p.name);
  }
  for (const std::string& n : names) {
    removed_names_.insert(n);
    for (auto& [addr, target] : targets_) {
      if (target.last_name == n) target.removed = true;
    }
  }
  for (const auto& [id, p] : peers_) {
    if (names.count(p.name)) transport_->Disconnect(id);
  }
  log_.Info("peer_removed", {{"peer", host_port_or_name}});
  return Status::Ok();
}

std::string MetricsText(const NodeService& node) {
  const auto& m = node.metrics();
  std::ostringstream out;
  auto gauge = [&](const char* name, const char* help, uint64_t v, const char* type = "gauge") {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n' << name << ' ' << v << '\n';
  };
  gauge("v2v_chain_height", "Height of the head block.", node.ledger().head().height);
  gauge("v2v_total_difficulty", "Total Clique difficulty of the head.", node.ledger().total_difficulty());
  gauge("v2v_peers", "Connected peers that completed the hello.", node.Peers().size());
  gauge("v2v_mempool_txs", "Transactions waiting for a block.", node.pending_txs());
  gauge("v2v_signers", "Clique signers at the head.", node.ledger().snapshot().signers().size());
  gauge("v2v_blocks_imported_total", "Blocks stored from peers or RPC.", m.blocks_imported, "counter");
  gauge("v2v_blocks_sealed_total", "Blocks this node sealed.", m.blocks_sealed, "counter");
  gauge("v2v_blocks_rejected_total", "Blocks refused.", m.blocks_rejected, "counter");
  gauge("v2v_reorgs_total", "Chain reorganisations.", m.reorgs, "counter");
  gauge("v2v_txs_admitted_total", "Transactions admitted to the mempool.", m.txs_admitted, "counter");
  gauge("v2v_txs_rejected_total", "Transactions refused.", m.txs_rejected, "counter");
  gauge("v2v_peers_penalised_total", "Penalties given to peers.", m.peers_penalised, "counter");
  return out.str();
}

}  // namespace v2v::node
