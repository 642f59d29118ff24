#include "chain/tx_check.h"

#include <cmath>

namespace v2v::chain {
namespace {

using Check = std::optional<Rejection>;

bool In(int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; }

Check Bad(std::string detail) { return Rejected(Reject::kMalformed, std::move(detail)); }

Check CheckBody(const Register& b) {
  if (b.certificate.empty()) return Bad("empty certificate");
  return std::nullopt;
}

// A car's stated limits (0: not stated), the field named when one is out of range.
Check CheckLimits(int64_t max_power_w, int64_t departure_s, int64_t timestamp_s) {
  if (max_power_w != 0 && !In(max_power_w, 1, kMaxPowerW)) {
    return Bad("max_power_w outside (0, 1000 kW]");
  }
  if (departure_s != 0 && !In(departure_s, timestamp_s + 1, timestamp_s + kMaxStayS)) {
    return Bad("departure_s not after the bid's timestamp, or more than a week after it");
  }
  return std::nullopt;
}

Check CheckBody(const BuyerBid& b) {
  if (!ValidId(b.rsu)) return Bad("bad rsu id");
  for (int64_t p : {b.v, b.v_min, b.v_max}) {
    if (!In(p, 0, kMaxPrice)) return Bad("buyer price out of range");
  }
  if (!In(b.b_min_wh, 0, kMaxEnergyWh) || !In(b.b_max_wh, b.b_min_wh, kMaxEnergyWh)) {
    return Bad("buyer demand out of range (need 0 <= b_min <= b_max <= 2^31 Wh)");
  }
  if (!In(b.w_milli, 0, kMaxWillingnessMilli)) return Bad("willingness outside [0, 5]");
  if (!In(b.x_m, -kMaxCoordinateM, kMaxCoordinateM) ||
      !In(b.y_m, -kMaxCoordinateM, kMaxCoordinateM)) {
    return Bad("position out of range");
  }
  if (!In(b.timestamp_s, 0, kMaxTimeS)) return Bad("timestamp out of range");
  return CheckLimits(b.max_power_w, b.departure_s, b.timestamp_s);
}

Check CheckBody(const SellerBid& b) {
  if (!ValidId(b.rsu)) return Bad("bad rsu id");
  for (int64_t p : {b.c, b.c_min, b.c_max}) {
    if (!In(p, 0, kMaxPrice)) return Bad("seller price out of range");
  }
  if (!In(b.s_t_wh, 0, kMaxEnergyWh) || !In(b.s_r_wh, 0, b.s_t_wh)) {
    return Bad("seller energy out of range (need 0 <= s_r <= s_t <= 2^31 Wh)");
  }
  if (!In(b.rho_ppm, 0, kMaxRhoPpm)) return Bad("loss rate out of range");
  if (!In(b.x_m, -kMaxCoordinateM, kMaxCoordinateM) ||
      !In(b.y_m, -kMaxCoordinateM, kMaxCoordinateM)) {
    return Bad("position out of range");
  }
  if (!In(b.timestamp_s, 0, kMaxTimeS)) return Bad("timestamp out of range");
  if (!In(b.target_wh, 0, b.s_t_wh)) return Bad("target_wh above s_t_wh (the car holds less)");
  return CheckLimits(b.max_power_w, b.departure_s, b.timestamp_s);
}

Check CheckBids(const std::vector<Tx>& bids, TxKind kind) {
  for (size_t i = 0; i < bids.size(); ++i) {
    if (bids[i].kind() != kind) return Bad("bid of the wrong kind in a round");
    if (i > 0 && !(bids[i - 1].sender < bids[i].sender)) {
      return Rejected(Reject::kDuplicate, "bids not sorted by unique sender: " + bids[i].sender);
    }
    if (auto r = CheckTxStructure(bids[i])) {
      r->detail = "bid of " + bids[i].sender + ": " + r->detail;
      return r;
    }
  }
  return std::nullopt;
}

Check CheckCertificateShape(const TradingRound& b) {
  const auto& c = b.certificate;
  if (c.seller_price.size() != b.sellers.size() || c.buyer_price.size() != b.buyers.size() ||
      c.mu_min.size() != b.buyers.size() || c.mu_max.size() != b.buyers.size()) {
    return Bad("certificate sizes do not match the bids");
  }
  for (const auto* v : {&c.seller_price, &c.buyer_price, &c.mu_min, &c.mu_max}) {
    for (double d : *v) {
      if (!std::isfinite(d) || std::fabs(d) > 1e18) return Bad("certificate value out of range");
    }
  }
  return std::nullopt;
}

Check CheckBody(const TradingRound& b) {
  if (!In(b.t_stamp_s, 0, kMaxTimeS) || !In(b.t_limit_s, 1, kMaxTLimitS)) {
    return Bad("window out of range");
  }
  if (!In(b.v_min, 0, kMaxPrice) || !In(b.c_max, 0, kMaxPrice)) return Bad("bounds out of range");
  if (!In(b.l1_micro, 1, kMaxPrice) || !In(b.l2_micro, 0, kMaxPrice)) {
    return Bad("loss-cost factors out of range (l1 > 0, l2 >= 0)");
  }
  if (!In(b.radius_m, 1, kMaxCoordinateM)) return Bad("radius out of range");
  if (auto r = CheckBids(b.buyers, TxKind::kBuyerBid)) return r;
  if (auto r = CheckBids(b.sellers, TxKind::kSellerBid)) return r;
  for (size_t k = 0; k < b.trades.size(); ++k) {
    const Trade& t = b.trades[k];
    if (t.buyer >= b.buyers.size() || t.seller >= b.sellers.size()) {
      return Bad("trade index out of range");
    }
    if (!In(t.volume_wh, 1, kMaxEnergyWh) || !In(t.price, 0, kMaxPrice)) {
      return Bad("trade volume or price out of range");
    }
    if (k > 0) {
      const Trade& p = b.trades[k - 1];
      if (std::pair(p.buyer, p.seller) >= std::pair(t.buyer, t.seller)) {
        return Rejected(Reject::kDuplicate, "trades not sorted by unique (buyer, seller)");
      }
    }
  }
  return CheckCertificateShape(b);
}

Check CheckBody(const MeterReport& b) {
  if (!In(b.delivered_wh, 0, kMaxEnergyWh)) return Bad("delivered energy out of range");
  return std::nullopt;
}

Check CheckBody(const Refund&) { return std::nullopt; }
Check CheckBody(const Revoke&) { return std::nullopt; }
Check CheckBody(const Recertify& b) {
  if (!ValidId(b.account)) return Bad("bad account id");
  if (b.certificate.empty()) return Bad("empty certificate");
  return std::nullopt;
}

}  // namespace

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > kMaxIdBytes) return false;
  for (char ch : id) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == ':';
    if (!ok) return false;
  }
  return true;
}

std::optional<Rejection> CheckTxStructure(const Tx& tx) {
  if (!ValidId(tx.sender)) return Bad("bad sender id");
  if (tx.nonce == 0) return Rejected(Reject::kBadNonce, "nonce 0 is never valid");
  return std::visit([](const auto& body) { return CheckBody(body); }, tx.body);
}

void AppendSignatureJobs(const Tx& tx, std::vector<SignatureJob>& jobs,
                         const NestedChecked& checked) {
  auto add = [&jobs](const Tx& t) {
    jobs.push_back({&t.sender_key, SigningBytes(t), &t.signature, &t.sender});
  };
  add(tx);
  if (const auto* round = std::get_if<TradingRound>(&tx.body)) {
    for (const auto* bids : {&round->buyers, &round->sellers}) {
      for (const Tx& bid : *bids) {
        if (!checked || !checked(bid)) add(bid);
      }
    }
  }
  if (const auto* m = std::get_if<MeterReport>(&tx.body)) {
    static const std::string kBuyer = "the buyer (meter co-signature)";
    jobs.push_back({&m->buyer_key, MeterSigningBytes(tx.network, m->escrow, m->delivered_wh),
                    &m->buyer_signature, &kBuyer});
  }
}

std::optional<Rejection> VerifyJob(const SignatureJob& job) {
  if (!crypto::Verify(*job.key, job.message, *job.signature)) {
    return Rejected(Reject::kBadSignature, "signature of " + *job.who + " does not verify");
  }
  return std::nullopt;
}

std::optional<Rejection> CheckTxStateless(const Tx& tx, const NestedChecked& checked) {
  if (auto r = CheckTxStructure(tx)) return r;
  std::vector<SignatureJob> jobs;
  AppendSignatureJobs(tx, jobs, checked);
  for (const SignatureJob& job : jobs) {
    if (auto r = VerifyJob(job)) return r;
  }
  return std::nullopt;
}

}  // namespace v2v::chain
