// clique_status and market_rounds, plus what the explorer's method files share (api_context.h).
#include <algorithm>
#include <memory>

#include "explorer/api_context.h"
#include "explorer/tx_json.h"

namespace v2v::explorer {

using nlohmann::json;
using rpc::RpcError;
using rpc::RpcResult;

Result<const ChainIndex*> ApiContext::Index() {
  if (Status s = index_.Sync(ledger()); !s.ok()) return s;
  return &index_;
}

std::string ApiContext::NameOf(const crypto::PublicKey& key) {
  if (names_.empty() || names_at_ != ledger().head_hash()) {
    names_.clear();
    for (const auto& [id, a] : ledger().state().accounts)
      if (a.role == crypto::Role::kRsu) names_[a.key] = id;
    names_at_ = ledger().head_hash();
  }
  auto it = names_.find(key);
  return it == names_.end() ? std::string() : it->second;
}

RpcError InvalidParam(const std::string& msg) { return {rpc::kInvalidParams, msg}; }

ParamResult UintParam(const json& params, size_t i, const char* name,
                      std::optional<uint64_t> fallback) {
  const json* p = rpc::Param(params, i, name);
  if ((p == nullptr || p->is_null()) && fallback) return *fallback;
  if (p == nullptr || !p->is_number_unsigned())
    return InvalidParam(std::string("param ") + name + ": expected a non-negative integer");
  return p->get<uint64_t>();
}

std::variant<std::string, RpcError> StringParam(const json& params, size_t i, const char* name) {
  const json* p = rpc::Param(params, i, name);
  if (p == nullptr || !p->is_string())
    return InvalidParam(std::string("param ") + name + ": expected a string");
  return p->get<std::string>();
}

std::variant<Hash32, RpcError> HashParam(const json& params, size_t i, const char* name) {
  auto s = StringParam(params, i, name);
  if (auto* e = std::get_if<RpcError>(&s)) return *e;
  std::string text = std::get<std::string>(s);
  if (text.rfind("0x", 0) == 0) text = text.substr(2);
  auto bytes = FromHex(text);
  if (!bytes || bytes->size() != 32)
    return InvalidParam(std::string("param ") + name + ": expected 32 bytes in hex");
  Hash32 h;
  std::copy(bytes->begin(), bytes->end(), h.bytes.begin());
  return h;
}

json BlockSummaryJson(ApiContext& ctx, const chain::Block& block) {
  const auto& h = block.header;
  return {{"height", h.height},
          {"hash", chain::BlockHash(h).Hex()},
          {"timestamp", h.timestamp_s},
          {"sealer", h.sealer.Hex()},
          {"sealer_name", ctx.NameOf(h.sealer)},
          {"in_turn", h.difficulty == consensus::poa::kDiffInTurn},
          {"tx_count", block.txs.size()}};
}

namespace {

// geth's clique_status over the last `blocks` blocks (default 64), plus per-signer detail.
RpcResult CliqueStatus(ApiContext& ctx, const json& params) {
  auto n = UintParam(params, 0, "blocks", 64);
  if (auto* e = std::get_if<RpcError>(&n)) return *e;
  if (std::get<uint64_t>(n) == 0 || std::get<uint64_t>(n) > kMaxStatusBlocks)
    return InvalidParam("param blocks: 1 to " + std::to_string(kMaxStatusBlocks));
  const node::Ledger& l = ctx.ledger();
  const uint64_t head = l.head().height;
  const uint64_t count = std::min(std::get<uint64_t>(n), head);         // genesis is not sealed
  std::map<crypto::PublicKey, std::pair<uint64_t, uint64_t>> activity;  // blocks, in turn
  for (const auto& s : l.snapshot().signers()) activity[s];
  uint64_t in_turn = 0;
  for (uint64_t h = head - count + 1; h <= head && count > 0; ++h) {
    auto b = l.BlockAt(h);
    if (!b.ok()) return RpcError{rpc::kInternalError, b.status().message()};
    const bool it = b->header.difficulty == consensus::poa::kDiffInTurn;
    auto& a = activity[b->header.sealer];
    ++a.first;
    a.second += it ? 1 : 0;
    in_turn += it ? 1 : 0;
  }
  json sealer_activity = json::object(), signers = json::array();
  for (const auto& [key, a] : activity) {
    sealer_activity[key.Hex()] = a.first;
    signers.push_back({{"key", key.Hex()},
                       {"name", ctx.NameOf(key)},
                       {"blocks", a.first},
                       {"in_turn", a.second},
                       {"signer", l.snapshot().IsSigner(key)}});
  }
  const double pct =
      count == 0 ? 0.0 : 100.0 * static_cast<double>(in_turn) / static_cast<double>(count);
  return json{{"inturnPercent", pct},
              {"numBlocks", count},
              {"sealerActivity", sealer_activity},
              {"signers", signers}};
}

json PositionOf(const chain::Tx& bid) {
  if (const auto* b = std::get_if<chain::BuyerBid>(&bid.body)) return {b->x_m, b->y_m};
  if (const auto* s = std::get_if<chain::SellerBid>(&bid.body)) return {s->x_m, s->y_m};
  return nullptr;
}

json RoundJson(const chain::Block& block, const chain::Tx& tx, const chain::TradingRound& r,
               bool trades) {
  json out = TxSummaryJson(tx);
  out.update({{"height", block.header.height},
              {"timestamp", block.header.timestamp_s},
              {"buyers", r.buyers.size()},
              {"sellers", r.sellers.size()}});
  int64_t lo = 0, hi = 0;
  json list = json::array();
  for (size_t i = 0; i < r.trades.size(); ++i) {
    const auto& t = r.trades[i];
    lo = i == 0 ? t.price : std::min(lo, t.price);
    hi = i == 0 ? t.price : std::max(hi, t.price);
    if (!trades || t.buyer >= r.buyers.size() || t.seller >= r.sellers.size()) continue;
    list.push_back({{"buyer", r.buyers[t.buyer].sender},
                    {"seller", r.sellers[t.seller].sender},
                    {"volume_wh", t.volume_wh},
                    {"price", t.price},
                    {"buyer_pos", PositionOf(r.buyers[t.buyer])},
                    {"seller_pos", PositionOf(r.sellers[t.seller])}});
  }
  out.update({{"min_price", lo}, {"max_price", hi}});
  if (trades) out["trade_list"] = std::move(list);
  return out;
}

// Rounds committed in canonical blocks from..to (inclusive; to defaults to the head).
RpcResult MarketRounds(ApiContext& ctx, const json& params) {
  const node::Ledger& l = ctx.ledger();
  auto from = UintParam(params, 0, "from", std::nullopt);
  if (auto* e = std::get_if<RpcError>(&from)) return *e;
  auto to = UintParam(params, 1, "to", l.head().height);
  if (auto* e = std::get_if<RpcError>(&to)) return *e;
  bool trades = false;
  if (const json* t = rpc::Param(params, 2, "trades"); t != nullptr && !t->is_null()) {
    if (!t->is_boolean()) return InvalidParam("param trades: expected true or false");
    trades = t->get<bool>();
  }
  const uint64_t a = std::get<uint64_t>(from),
                 b = std::min(std::get<uint64_t>(to), l.head().height);
  if (a > std::get<uint64_t>(to)) return InvalidParam("param to: below from");
  if (std::get<uint64_t>(to) - a >= kMaxRoundSpan)
    return InvalidParam("at most " + std::to_string(kMaxRoundSpan) + " blocks a call");
  json out = json::array();
  for (uint64_t h = a; h <= b; ++h) {
    auto block = l.BlockAt(h);
    if (!block.ok()) return RpcError{rpc::kInternalError, block.status().message()};
    for (const auto& tx : block->txs)
      if (const auto* r = std::get_if<chain::TradingRound>(&tx.body))
        out.push_back(RoundJson(*block, tx, *r, trades));
  }
  return out;
}

}  // namespace

void RegisterMarketMethods(rpc::Dispatcher& d, std::shared_ptr<ApiContext> ctx) {
  d.Register("clique_status", [ctx](const json& p) { return CliqueStatus(*ctx, p); });
  d.Register("market_rounds", [ctx](const json& p) { return MarketRounds(*ctx, p); });
}

}  // namespace v2v::explorer
