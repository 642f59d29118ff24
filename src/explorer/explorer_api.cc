#include "explorer/explorer_api.h"

#include <algorithm>
#include <memory>

#include "crypto/certificate.h"
#include "explorer/api_context.h"
#include "explorer/savings.h"
#include "explorer/tx_json.h"
#include "node/mechanism_json.h"
#include "rpc/node_api.h"

namespace v2v::explorer {
namespace {

using nlohmann::json;
using rpc::RpcError;
using rpc::RpcResult;

RpcError NotFound(const std::string& msg) { return {rpc::kNotFound, msg}; }
RpcError Internal(const Status& s) { return {rpc::kInternalError, s.message()}; }

// A block by height (a number or a decimal string) or by hash (64 hex digits).
std::variant<chain::Block, RpcError> BlockParam(ApiContext& ctx, const json& params) {
  const json* p = rpc::Param(params, 0, "block");
  if (p != nullptr && p->is_number_unsigned()) {
    auto b = ctx.ledger().BlockAt(p->get<uint64_t>());
    if (!b.ok()) return NotFound("no block at height " + std::to_string(p->get<uint64_t>()));
    return *b;
  }
  if (p == nullptr || !p->is_string())
    return InvalidParam("param block: expected a height or a block hash");
  const std::string s = p->get<std::string>();
  if (!s.empty() && s.size() < 20 && s.find_first_not_of("0123456789") == std::string::npos) {
    auto b = ctx.ledger().BlockAt(std::stoull(s));
    if (!b.ok()) return NotFound("no block at height " + s);
    return *b;
  }
  auto hash = HashParam(params, 0, "block");
  if (auto* e = std::get_if<RpcError>(&hash)) return *e;
  auto b = ctx.ledger().BlockByHash(std::get<Hash32>(hash));
  if (!b.ok()) return NotFound("no block " + s);
  return *b;
}

RpcResult GetBlock(ApiContext& ctx, const json& params) {
  auto block = BlockParam(ctx, params);
  if (auto* e = std::get_if<RpcError>(&block)) return *e;
  const chain::Block& b = std::get<chain::Block>(block);
  json out = rpc::HeaderJson(b.header);
  out.update(BlockSummaryJson(ctx, b));
  auto canonical = ctx.ledger().BlockAt(b.header.height);
  out["canonical"] =
      canonical.ok() && chain::BlockHash(canonical->header) == chain::BlockHash(b.header);
  json names = json::array();
  for (const auto& k : b.header.checkpoint_signers) names.push_back(ctx.NameOf(k));
  out["checkpoint_signer_names"] = names;
  return out;
}

RpcResult GetBlocks(ApiContext& ctx, const json& params) {
  auto from = UintParam(params, 0, "from", std::nullopt);
  if (auto* e = std::get_if<RpcError>(&from)) return *e;
  auto count = UintParam(params, 1, "count", 20);
  if (auto* e = std::get_if<RpcError>(&count)) return *e;
  if (std::get<uint64_t>(count) > kMaxPage)
    return InvalidParam("param count: at most " + std::to_string(kMaxPage));
  json out = json::array();
  const uint64_t head = ctx.ledger().head().height;
  for (uint64_t h = std::get<uint64_t>(from), n = 0; h <= head && n < std::get<uint64_t>(count);
       ++h, ++n) {
    auto b = ctx.ledger().BlockAt(h);
    if (!b.ok()) return Internal(b.status());
    out.push_back(BlockSummaryJson(ctx, *b));
  }
  return out;
}

RpcResult GetBlockTransactions(ApiContext& ctx, const json& params) {
  auto block = BlockParam(ctx, params);
  if (auto* e = std::get_if<RpcError>(&block)) return *e;
  auto page = UintParam(params, 1, "page", 0);
  if (auto* e = std::get_if<RpcError>(&page)) return *e;
  auto size = UintParam(params, 2, "page_size", 25);
  if (auto* e = std::get_if<RpcError>(&size)) return *e;
  const uint64_t n = std::get<uint64_t>(size);
  if (n == 0 || n > kMaxPage)
    return InvalidParam("param page_size: 1 to " + std::to_string(kMaxPage));
  const auto& txs = std::get<chain::Block>(block).txs;
  json items = json::array();
  const uint64_t first =
      std::min<uint64_t>(std::get<uint64_t>(page), txs.size()) * n;  // no overflow
  for (uint64_t i = first; i < txs.size() && i < first + n; ++i) {
    json s = TxSummaryJson(txs[i]);
    s["index"] = i;
    items.push_back(std::move(s));
  }
  return json{
      {"total", txs.size()}, {"page", std::get<uint64_t>(page)}, {"page_size", n}, {"txs", items}};
}

RpcResult GetTransaction(ApiContext& ctx, const json& params) {
  auto hash = HashParam(params, 0, "hash");
  if (auto* e = std::get_if<RpcError>(&hash)) return *e;
  auto index = ctx.Index();
  if (!index.ok()) return Internal(index.status());
  auto loc = (*index)->Find(std::get<Hash32>(hash));
  if (!loc) return NotFound("no committed transaction " + std::get<Hash32>(hash).Hex());
  auto block = ctx.ledger().BlockAt(loc->height);
  if (!block.ok() || loc->index >= block->txs.size())
    return Internal(Status::Internal("index out of step"));
  json out = TxDetailJson(block->txs[loc->index]);
  out.update({{"height", loc->height},
              {"index", loc->index},
              {"block", chain::BlockHash(block->header).Hex()},
              {"timestamp", block->header.timestamp_s}});
  return out;
}

// Cursor "HEIGHT:INDEX": the oldest entry of the previous page.
std::optional<TxLocation> ParseCursor(const std::string& s) {
  const size_t colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size() || s.size() > 32)
    return std::nullopt;
  const std::string h = s.substr(0, colon), i = s.substr(colon + 1);
  if (h.size() > 19 || h.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  if (i.find_first_not_of("0123456789") != std::string::npos || i.size() > 9) return std::nullopt;
  return TxLocation{std::stoull(h), static_cast<uint32_t>(std::stoul(i))};
}

RpcResult AccountHistory(ApiContext& ctx, const json& params) {
  auto id = StringParam(params, 0, "id");
  if (auto* e = std::get_if<RpcError>(&id)) return *e;
  std::optional<TxLocation> before;
  if (const json* c = rpc::Param(params, 1, "cursor"); c != nullptr && !c->is_null()) {
    if (c->is_string()) before = ParseCursor(c->get<std::string>());
    if (!before)
      return InvalidParam("param cursor: expected null or \"HEIGHT:INDEX\" from a previous page");
  }
  auto limit = UintParam(params, 2, "limit", 25);
  if (auto* e = std::get_if<RpcError>(&limit)) return *e;
  const uint64_t n = std::get<uint64_t>(limit);
  if (n == 0 || n > kMaxPage) return InvalidParam("param limit: 1 to " + std::to_string(kMaxPage));
  auto index = ctx.Index();
  if (!index.ok()) return Internal(index.status());
  const auto locs = (*index)->History(std::get<std::string>(id), before, n + 1);
  json items = json::array();
  for (size_t k = 0; k < locs.size() && k < n; ++k) {
    auto block = ctx.ledger().BlockAt(locs[k].height);
    if (!block.ok()) return Internal(block.status());
    json s = TxSummaryJson(block->txs[locs[k].index]);
    s.update({{"height", locs[k].height},
              {"index", locs[k].index},
              {"timestamp", block->header.timestamp_s}});
    items.push_back(std::move(s));
  }
  json next = nullptr;
  if (locs.size() > n)
    next = std::to_string(locs[n - 1].height) + ":" + std::to_string(locs[n - 1].index);
  return json{{"txs", items}, {"next", next}};
}

// The account's trades against the grid over its newest kMaxSavingsTxs transactions (savings.h).
RpcResult AccountSavingsOf(ApiContext& ctx, const json& params) {
  auto id = StringParam(params, 0, "id");
  if (auto* e = std::get_if<RpcError>(&id)) return *e;
  const std::string& who = std::get<std::string>(id);
  auto index = ctx.Index();
  if (!index.ok()) return Internal(index.status());
  const auto locs = (*index)->History(who, std::nullopt, kMaxSavingsTxs + 1);
  const contract::ContractParams params_now = contract::ContractParamsOf(ctx.ledger().genesis());
  AccountSavings sums;
  sums.complete = locs.size() <= kMaxSavingsTxs;
  std::optional<chain::Block> block;
  for (size_t k = 0; k < locs.size() && k < kMaxSavingsTxs; ++k) {
    if (!block || block->header.height != locs[k].height) {
      auto b = ctx.ledger().BlockAt(locs[k].height);
      if (!b.ok()) return Internal(b.status());
      block = std::move(b).value();
    }
    if (locs[k].index < block->txs.size()) {
      AddRound(sums, who, block->txs[locs[k].index], params_now);
    }
  }
  return SavingsJson(who, sums);
}

RpcResult Escrows(ApiContext& ctx, const json& params) {
  auto id = StringParam(params, 0, "id");
  if (auto* e = std::get_if<RpcError>(&id)) return *e;
  const std::string& who = std::get<std::string>(id);
  json out = json::array();
  for (const auto& [eid, e] : ctx.ledger().state().escrows) {
    if (e.buyer != who && e.seller != who) continue;
    out.push_back({{"id", eid.Hex()},
                   {"buyer", e.buyer},
                   {"seller", e.seller},
                   {"energy_wh", e.energy_wh},
                   {"loss_wh", e.loss_wh},
                   {"price", e.price},
                   {"fee", e.fee},
                   {"amount", e.amount},
                   {"rho_ppm", e.rho_ppm},
                   {"deadline", e.deadline_s}});
    if (out.size() >= 1000) break;
  }
  return out;
}

RpcResult Certificate(ApiContext& ctx, const json& params) {
  auto id = StringParam(params, 0, "id");
  if (auto* e = std::get_if<RpcError>(&id)) return *e;
  const auto& state = ctx.ledger().state();
  auto it = state.accounts.find(std::get<std::string>(id));
  if (it == state.accounts.end()) return NotFound("no account " + std::get<std::string>(id));
  const auto& a = it->second;
  json out = {{"hash", a.cert_hash.Hex()}, {"revoked", state.revoked.count(a.cert_hash) > 0}};
  auto info = crypto::ParseCertificateDer(a.certificate);
  if (info.ok()) {
    out.update({{"format", "x509"},
                {"subject", info->subject},
                {"serial", info->serial},
                {"not_before", info->not_before},
                {"not_after", info->not_after}});
  } else {
    out["format"] = "stand-in";
  }
  return out;
}

}  // namespace

ExplorerSource NodeSource(node::NodeService& node) {
  const node::NodeService* n = &node;
  ExplorerSource s;
  s.feed = &node.feed();
  s.ledger = [n]() -> const node::Ledger& { return n->ledger(); };
  s.node_status = [n] {
    return json{{"name", n->config().name},
                {"key", n->key().Hex()},
                {"height", n->ledger().head().height},
                {"peers", n->Peers().size()},
                {"pending_txs", n->pending_txs()},
                {"signer", n->ledger().snapshot().IsSigner(n->key())},
                {"period_s", n->ledger().clique_config().period_s},
                {"mechanism", node::MechanismToJson(n->ledger().genesis().params.mechanism)}};
  };
  return s;
}

void RegisterExplorerMethods(rpc::Dispatcher& d, ExplorerSource source) {
  auto ctx = std::make_shared<ApiContext>(std::move(source));
  auto bind = [&](const char* name, RpcResult (*fn)(ApiContext&, const json&)) {
    d.Register(name, [ctx, fn](const json& params) { return fn(*ctx, params); });
  };
  bind("chain_getBlock", GetBlock);
  bind("chain_getBlocks", GetBlocks);
  bind("chain_getBlockTransactions", GetBlockTransactions);
  bind("chain_getTransaction", GetTransaction);
  bind("state_getAccountHistory", AccountHistory);
  bind("state_getEscrows", Escrows);
  bind("state_getAccountSavings", AccountSavingsOf);
  bind("state_getCertificate", Certificate);
  d.Register("node_status", [ctx](const json&) -> RpcResult { return ctx->NodeStatus(); });
  RegisterMarketMethods(d, ctx);
}

}  // namespace v2v::explorer
