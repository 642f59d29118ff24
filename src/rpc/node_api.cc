#include "rpc/node_api.h"

#include <string>

#include "rpc/rejection_error.h"

namespace v2v::rpc {
namespace {

using nlohmann::json;

RpcError Invalid(std::string msg) { return {kInvalidParams, std::move(msg)}; }

std::variant<std::string, RpcError> StringParam(const json& params, size_t i, const char* name) {
  const json* p = Param(params, i, name);
  if (p == nullptr || !p->is_string())
    return Invalid(std::string("param ") + name + ": expected a string");
  return p->get<std::string>();
}

std::variant<Bytes, RpcError> HexParam(const json& params, size_t i, const char* name) {
  auto s = StringParam(params, i, name);
  if (auto* e = std::get_if<RpcError>(&s)) return *e;
  auto bytes = FromHex(std::get<std::string>(s));
  if (!bytes) return Invalid(std::string("param ") + name + ": not hex");
  return *bytes;
}

std::variant<crypto::PublicKey, RpcError> KeyParam(const json& params, size_t i, const char* name) {
  auto b = HexParam(params, i, name);
  if (auto* e = std::get_if<RpcError>(&b)) return *e;
  const Bytes& bytes = std::get<Bytes>(b);
  if (bytes.size() != 32)
    return Invalid(std::string("param ") + name + ": expected a 32-byte Ed25519 key in hex");
  crypto::PublicKey k;
  std::copy(bytes.begin(), bytes.end(), k.bytes.begin());
  return k;
}

void RegisterAllMethods(Dispatcher& d, node::NodeService& node, const NodeEndpoints* endpoints);

json Keys(const std::vector<crypto::PublicKey>& keys) {
  json out = json::array();
  for (const auto& k : keys) out.push_back(k.Hex());
  return out;
}

}  // namespace

json HeaderJson(const chain::BlockHeader& h) {
  json vote = nullptr;
  if (h.vote) vote = {{"target", h.vote->target.Hex()}, {"authorize", h.vote->authorize}};
  return {{"height", h.height},
          {"hash", chain::BlockHash(h).Hex()},
          {"parent", h.parent.Hex()},
          {"timestamp", h.timestamp_s},
          {"difficulty", h.difficulty},
          {"sealer", h.sealer.Hex()},
          {"state_root", h.state_root.Hex()},
          {"tx_root", h.tx_root.Hex()},
          {"vote", vote},
          {"checkpoint_signers", Keys(h.checkpoint_signers)}};
}

json BlockJson(const chain::Block& block, bool raw) {
  json out = HeaderJson(block.header);
  json txs = json::array();
  for (const auto& tx : block.txs) txs.push_back(chain::TxHash(tx).Hex());
  out["txs"] = std::move(txs);
  if (raw) out["raw"] = ToHex(chain::EncodeBlock(block));
  return out;
}

const std::vector<std::string>& OperatorMethods() {
  static const std::vector<std::string> methods{
      "clique_propose",   "clique_discard", "admin_peers",      "admin_addPeer",
      "admin_removePeer", "admin_nodeInfo", "chain_submitBlock"};
  return methods;
}

void RegisterNodeMethods(Dispatcher& d, node::NodeService& node, Access access,
                         std::function<void(const std::string& method)> on_refused,
                         const NodeEndpoints* endpoints) {
  RegisterAllMethods(d, node, endpoints);
  if (access == Access::kOperator) return;
  for (const std::string& method : OperatorMethods()) {
    d.Register(method, [method, on_refused](const json&) -> RpcResult {
      if (on_refused) on_refused(method);
      return RpcError{kMethodNotFound,
                      method +
                          " is an operator method, not available on the public endpoint "
                          "(use the node's admin socket or authrpc)"};
    });
  }
}

namespace {

void RegisterAllMethods(Dispatcher& d, node::NodeService& node, const NodeEndpoints* endpoints) {
  node::NodeService* n = &node;
  d.Register("chain_head", [n](const json&) -> RpcResult {
    const auto& l = n->ledger();
    return json{{"height", l.head().height},
                {"hash", l.head_hash().Hex()},
                {"total_difficulty", l.total_difficulty()},
                {"state_root", l.head().state_root.Hex()},
                {"timestamp", l.head().timestamp_s},
                {"network", chain::NetworkHex(l.contract().params().network)}};
  });
  d.Register("chain_getBlockByNumber", [n](const json& params) -> RpcResult {
    const json* h = Param(params, 0, "height");
    if (h == nullptr || !h->is_number_unsigned())
      return Invalid("param height: expected a non-negative integer");
    bool raw = false;
    if (const json* r = Param(params, 1, "raw")) {
      if (!r->is_boolean()) return Invalid("param raw: expected true or false");
      raw = r->get<bool>();
    }
    auto block = n->ledger().BlockAt(h->get<uint64_t>());
    if (!block.ok())
      return RpcError{kNotFound, "no block at height " + std::to_string(h->get<uint64_t>())};
    return BlockJson(*block, raw);
  });
  d.Register("chain_submitBlock", [n](const json& params) -> RpcResult {
    auto bytes = HexParam(params, 0, "block");
    if (auto* e = std::get_if<RpcError>(&bytes)) return *e;
    auto block = chain::DecodeBlock(std::get<Bytes>(bytes));
    if (!block.ok())
      return RejectionError(chain::Rejected(chain::Reject::kMalformed, block.status().message()));
    auto r = n->SubmitBlock(*block);
    if (!r.ok()) return ValidationError(r);
    const char* names[] = {"extended", "reorged", "side", "known"};
    return json{{"outcome", names[static_cast<int>(r->outcome)]},
                {"hash", chain::BlockHash(block->header).Hex()}};
  });
  d.Register("state_getAccount", [n](const json& params) -> RpcResult {
    auto id = StringParam(params, 0, "id");
    if (auto* e = std::get_if<RpcError>(&id)) return *e;
    const auto& accounts = n->ledger().state().accounts;
    auto it = accounts.find(std::get<std::string>(id));
    if (it == accounts.end()) return RpcError{kNotFound, "no account " + std::get<std::string>(id)};
    const auto& a = it->second;
    return json{{"id", it->first},
                {"role", a.role == crypto::Role::kRsu ? "rsu" : "vehicle"},
                {"energy_wh", a.energy_wh},
                {"balance", a.balance},
                {"nonce", a.nonce},
                {"key", a.key.Hex()},
                {"certificate_hash", a.cert_hash.Hex()}};
  });
  d.Register("state_isRevoked", [n](const json& params) -> RpcResult {
    auto bytes = HexParam(params, 0, "certificate_hash");
    if (auto* e = std::get_if<RpcError>(&bytes)) return *e;
    const Bytes& b = std::get<Bytes>(bytes);
    if (b.size() != 32)
      return Invalid("param certificate_hash: expected 32 bytes in hex (SHA-256 of the DER)");
    Hash32 h;
    std::copy(b.begin(), b.end(), h.bytes.begin());
    return json{{"revoked", n->ledger().state().revoked.count(h) > 0}};
  });
  d.Register("tx_submit", [n](const json& params) -> RpcResult {
    auto bytes = HexParam(params, 0, "tx");
    if (auto* e = std::get_if<RpcError>(&bytes)) return *e;
    auto tx = chain::DecodeTx(std::get<Bytes>(bytes));
    if (!tx.ok())
      return RejectionError(chain::Rejected(chain::Reject::kMalformed, tx.status().message()));
    auto hash = n->SubmitTx(*tx);
    if (!hash.ok()) return ValidationError(hash);
    return json{{"hash", hash->Hex()}};
  });
  d.Register("tx_pending", [n](const json&) -> RpcResult {
    return json{{"count", n->pending_txs()}};
  });
  d.Register("clique_getSigners",
             [n](const json&) -> RpcResult { return Keys(n->ledger().snapshot().signers()); });
  d.Register("clique_propose", [n](const json& params) -> RpcResult {
    auto key = KeyParam(params, 0, "signer");
    if (auto* e = std::get_if<RpcError>(&key)) return *e;
    const json* auth = Param(params, 1, "auth");
    if (auth == nullptr || !auth->is_boolean())
      return Invalid("param auth: expected true or false");
    n->proposals().Propose(std::get<crypto::PublicKey>(key), auth->get<bool>());
    return json(true);
  });
  d.Register("clique_discard", [n](const json& params) -> RpcResult {
    auto key = KeyParam(params, 0, "signer");
    if (auto* e = std::get_if<RpcError>(&key)) return *e;
    n->proposals().Discard(std::get<crypto::PublicKey>(key));
    return json(true);
  });
  d.Register("clique_proposals", [n](const json&) -> RpcResult {
    json out = json::object();
    for (const auto& [k, auth] : n->proposals().pending()) out[k.Hex()] = auth;
    return out;
  });
  d.Register("admin_peers", [n](const json&) -> RpcResult {
    json out = json::array();
    for (const auto& p : n->Peers()) {
      out.push_back({{"name", p.name},
                     {"address", p.address},
                     {"inbound", p.inbound},
                     {"height", p.height},
                     {"total_difficulty", p.total_difficulty}});
    }
    return out;
  });
  d.Register("admin_addPeer", [n](const json& params) -> RpcResult {
    auto peer = StringParam(params, 0, "peer");
    if (auto* e = std::get_if<RpcError>(&peer)) return *e;
    Status s = n->AddPeer(std::get<std::string>(peer));
    if (!s.ok()) return Invalid(s.message());
    return json(true);
  });
  d.Register("admin_removePeer", [n](const json& params) -> RpcResult {
    auto peer = StringParam(params, 0, "peer");
    if (auto* e = std::get_if<RpcError>(&peer)) return *e;
    Status s = n->RemovePeer(std::get<std::string>(peer));
    if (!s.ok()) return Invalid(s.message());
    return json(true);
  });
  d.Register("admin_nodeInfo", [n, endpoints](const json&) -> RpcResult {
    const NodeEndpoints none;
    const NodeEndpoints& e = endpoints ? *endpoints : none;
    return json{{"name", n->config().name},
                {"key", n->key().Hex()},
                {"p2p", n->config().p2p_listen.host + ":" + std::to_string(n->p2p_port())},
                {"rpc", e.rpc},
                {"admin", e.admin},
                {"authrpc", e.authrpc},
                {"height", n->ledger().head().height},
                {"signer", n->ledger().snapshot().IsSigner(n->key())}};
  });
}

}  // namespace

}  // namespace v2v::rpc
