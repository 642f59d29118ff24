#include "explorer/tx_json.h"

#include "chain/state.h"
#include "contract/trading_contract.h"
#include "crypto/certificate.h"
#include "crypto/hash.h"

namespace v2v::explorer {
namespace {

using nlohmann::json;

// The car's stated limits (contract C-4.8), only those stated.
void AddCarLimits(json& out, int64_t max_power_w, int64_t departure_s, int64_t target_wh) {
  if (max_power_w != 0) out["max_power_w"] = max_power_w;
  if (departure_s != 0) out["departure_s"] = departure_s;
  if (target_wh != 0) out["target_wh"] = target_wh;
}

json BuyerJson(const chain::Tx& tx) {
  json out = {{"sender", tx.sender}, {"nonce", tx.nonce}, {"hash", chain::TxHash(tx).Hex()}};
  if (const auto* b = std::get_if<chain::BuyerBid>(&tx.body)) {
    out.update({{"rsu", b->rsu},
                {"round", b->round},
                {"v", b->v},
                {"v_min", b->v_min},
                {"v_max", b->v_max},
                {"b_min_wh", b->b_min_wh},
                {"b_max_wh", b->b_max_wh},
                {"w_milli", b->w_milli},
                {"x_m", b->x_m},
                {"y_m", b->y_m},
                {"timestamp", b->timestamp_s}});
    AddCarLimits(out, b->max_power_w, b->departure_s, 0);
  }
  return out;
}

json SellerJson(const chain::Tx& tx) {
  json out = {{"sender", tx.sender}, {"nonce", tx.nonce}, {"hash", chain::TxHash(tx).Hex()}};
  if (const auto* s = std::get_if<chain::SellerBid>(&tx.body)) {
    out.update({{"rsu", s->rsu},
                {"round", s->round},
                {"c", s->c},
                {"c_min", s->c_min},
                {"c_max", s->c_max},
                {"s_t_wh", s->s_t_wh},
                {"s_r_wh", s->s_r_wh},
                {"rho_ppm", s->rho_ppm},
                {"x_m", s->x_m},
                {"y_m", s->y_m},
                {"timestamp", s->timestamp_s}});
    AddCarLimits(out, s->max_power_w, s->departure_s, s->target_wh);
  }
  return out;
}

std::string RoundRsu(const chain::TradingRound& r, const std::string& sender) {
  if (!r.buyers.empty())
    if (const auto* b = std::get_if<chain::BuyerBid>(&r.buyers.front().body)) return b->rsu;
  return sender;
}

json RoundBody(const chain::Tx& tx, const chain::TradingRound& r) {
  const Hash32 hash = chain::TxHash(tx);
  json buyers = json::array(), sellers = json::array(), trades = json::array();
  for (const auto& b : r.buyers) buyers.push_back(BuyerJson(b));
  for (const auto& s : r.sellers) sellers.push_back(SellerJson(s));
  for (uint32_t i = 0; i < r.trades.size(); ++i) {
    const auto& t = r.trades[i];
    json trade = {{"buyer_index", t.buyer},
                  {"seller_index", t.seller},
                  {"volume_wh", t.volume_wh},
                  {"price", t.price},
                  {"payment", chain::Payment(t.price, t.volume_wh)},
                  {"escrow", contract::EscrowId(hash, i).Hex()}};
    if (t.buyer < r.buyers.size()) trade["buyer"] = r.buyers[t.buyer].sender;
    if (t.seller < r.sellers.size()) trade["seller"] = r.sellers[t.seller].sender;
    trades.push_back(std::move(trade));
  }
  const auto& c = r.certificate;
  return {{"round", r.round},
          {"rsu", RoundRsu(r, tx.sender)},
          {"t_stamp", r.t_stamp_s},
          {"t_limit_s", r.t_limit_s},
          {"v_min", r.v_min},
          {"c_max", r.c_max},
          {"l1_micro", r.l1_micro},
          {"l2_micro", r.l2_micro},
          {"radius_m", r.radius_m},
          {"buyers", buyers},
          {"sellers", sellers},
          {"trades", trades},
          {"certificate",
           {{"seller_price", c.seller_price},
            {"buyer_price", c.buyer_price},
            {"mu_min", c.mu_min},
            {"mu_max", c.mu_max}}}};
}

// What a body's certificate says, when it is X.509 (compact certificates show their size only).
void AddCertificate(json& out, const Bytes& certificate) {
  out["certificate_bytes"] = certificate.size();
  auto info = crypto::ParseCertificateDer(certificate);
  if (info.ok()) {
    out["subject"] = info->subject;
    out["serial"] = info->serial;
    out["not_before"] = info->not_before;
    out["not_after"] = info->not_after;
  }
}

json RegisterBody(const chain::Register& r) {
  json out = {{"role", crypto::RoleName(r.role)}};
  AddCertificate(out, r.certificate);
  return out;
}

json RecertifyBody(const chain::Recertify& r) {
  json out = {{"account", r.account},
              {"replaces", r.replaces.Hex()},
              {"certificate", crypto::Sha256(r.certificate).Hex()}};
  AddCertificate(out, r.certificate);
  return out;
}

}  // namespace

const char* TxKindName(chain::TxKind kind) {
  switch (kind) {
    case chain::TxKind::kRegister:
      return "register";
    case chain::TxKind::kBuyerBid:
      return "buyer_bid";
    case chain::TxKind::kSellerBid:
      return "seller_bid";
    case chain::TxKind::kTradingRound:
      return "round";
    case chain::TxKind::kMeterReport:
      return "meter_report";
    case chain::TxKind::kRefund:
      return "refund";
    case chain::TxKind::kRevoke:
      return "revoke";
    case chain::TxKind::kRecertify:
      return "recertify";
  }
  return "unknown";
}

json TxSummaryJson(const chain::Tx& tx) {
  json out = {{"hash", chain::TxHash(tx).Hex()},
              {"kind", TxKindName(tx.kind())},
              {"sender", tx.sender},
              {"nonce", tx.nonce}};
  if (const auto* r = std::get_if<chain::TradingRound>(&tx.body)) {
    int64_t volume = 0, value = 0;
    for (const auto& t : r->trades) {
      volume += t.volume_wh;
      value += t.price * t.volume_wh;
    }
    out.update({{"rsu", RoundRsu(*r, tx.sender)},
                {"round", r->round},
                {"bids", r->buyers.size() + r->sellers.size()},
                {"trades", r->trades.size()},
                {"volume_wh", volume},
                {"mean_price",
                 volume > 0 ? static_cast<double>(value) / static_cast<double>(volume) : 0.0}});
  } else if (const auto* m = std::get_if<chain::MeterReport>(&tx.body)) {
    out.update({{"escrow", m->escrow.Hex()}, {"delivered_wh", m->delivered_wh}});
  } else if (const auto* f = std::get_if<chain::Refund>(&tx.body)) {
    out["escrow"] = f->escrow.Hex();
  } else if (const auto* v = std::get_if<chain::Revoke>(&tx.body)) {
    out["certificate"] = v->certificate.Hex();
  } else if (const auto* c = std::get_if<chain::Recertify>(&tx.body)) {
    out.update({{"account", c->account}, {"certificate", crypto::Sha256(c->certificate).Hex()}});
  }
  return out;
}

json TxDetailJson(const chain::Tx& tx) {
  json out = TxSummaryJson(tx);
  out["sender_key"] = tx.sender_key.Hex();
  out["network"] = chain::NetworkHex(tx.network);
  json body;
  if (const auto* r = std::get_if<chain::TradingRound>(&tx.body)) {
    body = RoundBody(tx, *r);
  } else if (const auto* m = std::get_if<chain::MeterReport>(&tx.body)) {
    body = {{"escrow", m->escrow.Hex()},
            {"delivered_wh", m->delivered_wh},
            {"buyer_key", m->buyer_key.Hex()}};
  } else if (const auto* f = std::get_if<chain::Refund>(&tx.body)) {
    body = {{"escrow", f->escrow.Hex()}};
  } else if (const auto* v = std::get_if<chain::Revoke>(&tx.body)) {
    body = {{"certificate", v->certificate.Hex()}};
  } else if (const auto* g = std::get_if<chain::Register>(&tx.body)) {
    body = RegisterBody(*g);
  } else if (const auto* c = std::get_if<chain::Recertify>(&tx.body)) {
    body = RecertifyBody(*c);
  } else if (tx.kind() == chain::TxKind::kBuyerBid) {
    body = BuyerJson(tx);
  } else {
    body = SellerJson(tx);
  }
  out["body"] = std::move(body);
  return out;
}

}  // namespace v2v::explorer
