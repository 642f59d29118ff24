#include "contract/allocation_check.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "chain/state.h"
#include "market/bayesian_pricing.h"
#include "market/bid.h"

namespace v2v::contract {
namespace {

using chain::Reject;
using chain::Rejected;
using Check = std::optional<chain::Rejection>;

struct Totals {
  std::vector<int64_t> buyer_wh, seller_out_wh;
  std::vector<int> buyer_edges, seller_edges;
  std::vector<std::vector<int64_t>> x;  // [buyer][seller] Wh
};

Check CheckTrades(const chain::TradingRound& r, const std::vector<chain::BuyerBid>& b,
                  const std::vector<chain::SellerBid>& s, Totals& t) {
  for (const chain::Trade& tr : r.trades) {
    const auto& bb = b[tr.buyer];
    const auto& ss = s[tr.seller];
    const market::ExactPrice p = market::PriceExact(bb.v, bb.v_max, ss.c, ss.c_min);
    if (!p.trade) return Rejected(Reject::kBadPrice, "pair may not trade (P < R)");
    if (p.t != tr.price) {
      return Rejected(Reject::kBadPrice,
                      "price " + std::to_string(tr.price) + " != exact " + std::to_string(p.t));
    }
    if (!InRange(bb, ss, r.radius_m)) return Rejected(Reject::kOutOfRange, "pair beyond radius");
    const double cap = CapKwh(tr.price, ss.rho_ppm, r.l1_micro, r.l2_micro);
    if (static_cast<double>(tr.volume_wh) > cap * 1000.0 + static_cast<double>(kCapSlackWh)) {
      return Rejected(Reject::kConstraintViolated, "volume above the Theorem 2 cap");
    }
    const std::optional<int64_t> car_cap = PairCapWh(bb, ss, r.t_stamp_s + r.t_limit_s);
    if (car_cap && tr.volume_wh > *car_cap) {
      return Rejected(Reject::kConstraintViolated,
                      "volume above what the cars' power and stay allow (C-4.8): " +
                          std::to_string(tr.volume_wh) + " > " + std::to_string(*car_cap) + " Wh");
    }
    t.buyer_wh[tr.buyer] += tr.volume_wh;
    t.seller_out_wh[tr.seller] += tr.volume_wh + chain::LossWh(tr.volume_wh, ss.rho_ppm);
    t.x[tr.buyer][tr.seller] = tr.volume_wh;
  }
  for (size_t i = 0; i < b.size(); ++i) {
    const int64_t x = t.buyer_wh[i];
    if (x != 0 && (x < b[i].b_min_wh || x > b[i].b_max_wh)) {
      return Rejected(Reject::kConstraintViolated, "buyer total outside [b_min, b_max]");
    }
  }
  for (size_t j = 0; j < s.size(); ++j) {
    if (t.seller_out_wh[j] > SupplyWh(s[j])) {
      return Rejected(Reject::kConstraintViolated, "seller gives more than s_t - max(s_r, target)");
    }
  }
  return std::nullopt;
}

struct Kkt {
  const chain::TradingRound& r;
  const std::vector<chain::BuyerBid>& b;
  const std::vector<chain::SellerBid>& s;
  const Totals& t;
  double l1, l2;

  Check Edge(size_t i, size_t j, double lambda, double slack_kwh) const {
    const double rho = static_cast<double>(s[j].rho_ppm) * 1e-6;
    const double gamma = r.certificate.seller_price[j];
    const double x_wh = static_cast<double>(t.x[i][j]);
    const double x = x_wh / 1000.0;
    const double mc = rho * (2 * l1 * x + l2) + gamma * (1 + rho);
    const double w = static_cast<double>(b[i].w_milli) / 1000.0;
    const double tol = kRelTol * std::max({1.0, std::fabs(lambda), std::fabs(mc)}) +
                       (w + 2 * rho * l1 * (1 + rho)) * slack_kwh;
    double cap_wh = 1000.0 * CapKwh(PriceOf(i, j), s[j].rho_ppm, r.l1_micro, r.l2_micro);
    if (const auto car = PairCapWh(b[i], s[j], r.t_stamp_s + r.t_limit_s)) {
      cap_wh = std::min(cap_wh, static_cast<double>(*car));
    }
    const bool at_zero = x_wh <= slack_kwh * 1000.0;
    const bool at_cap = x_wh >= cap_wh - slack_kwh * 1000.0;
    // An edge whose cap is (about) 0 is boxed in at zero: KKT asks nothing of lambda there.
    if (at_zero && !at_cap && lambda > mc + tol) return Bad("a cheaper seller is left unused");
    if (at_cap && lambda < mc - tol) return Bad("a pair trades above its marginal value");
    if (!at_zero && !at_cap && std::fabs(lambda - mc) > tol) {
      return Bad("marginal value differs from marginal cost");
    }
    return std::nullopt;
  }

  int64_t PriceOf(size_t i, size_t j) const {
    return market::PriceExact(b[i].v, b[i].v_max, s[j].c, s[j].c_min).t;
  }

  Check Buyer(size_t i) const {
    if (t.buyer_wh[i] == 0) return std::nullopt;  // unserved: admission is not re-checked
    const auto& c = r.certificate;
    const double lambda = c.buyer_price[i];
    const double slack_kwh = static_cast<double>(kRoundSlackWh * (t.buyer_edges[i] + 1)) / 1000.0;
    const double w = static_cast<double>(b[i].w_milli) / 1000.0;
    const double xi = static_cast<double>(t.buyer_wh[i]) / 1000.0;
    const double g = w / (xi - static_cast<double>(b[i].b_min_wh) / 1000.0 + 1);
    const double tol = kRelTol * std::max({1.0, std::fabs(lambda)}) + w * slack_kwh;
    if (c.mu_min[i] < -tol || c.mu_max[i] < -tol) return Bad("negative buyer multiplier");
    if (std::fabs(lambda - (g + c.mu_min[i] - c.mu_max[i])) > tol) {
      return Bad("buyer price does not match the buyer's marginal value");
    }
    const double slack_wh = slack_kwh * 1000.0;
    if (c.mu_min[i] > tol && static_cast<double>(t.buyer_wh[i] - b[i].b_min_wh) > slack_wh) {
      return Bad("b_min multiplier on a buyer above b_min");
    }
    if (c.mu_max[i] > tol && static_cast<double>(b[i].b_max_wh - t.buyer_wh[i]) > slack_wh) {
      return Bad("b_max multiplier on a buyer below b_max");
    }
    for (size_t j = 0; j < s.size(); ++j) {
      if (!Tradable(i, j)) continue;
      if (auto rej = Edge(i, j, lambda, slack_kwh)) return rej;
    }
    return std::nullopt;
  }

  // As the round builder forms edges: the pair may trade at its price, within the radius, the
  // seller has supply left above its reserve and target, and the cars allow some energy (C-4.8).
  bool Tradable(size_t i, size_t j) const {
    return market::PriceExact(b[i].v, b[i].v_max, s[j].c, s[j].c_min).trade &&
           InRange(b[i], s[j], r.radius_m) && SupplyWh(s[j]) > 0 &&
           PairCapWh(b[i], s[j], r.t_stamp_s + r.t_limit_s).value_or(1) > 0;
  }

  Check Seller(size_t j) const {
    const double gamma = r.certificate.seller_price[j];
    const double tol = kRelTol * std::max(1.0, std::fabs(gamma));
    if (gamma < -tol) return Bad("negative seller price");
    const int64_t slack = kRoundSlackWh * (t.seller_edges[j] + 1) * 2;
    if (gamma > tol && t.seller_out_wh[j] < SupplyWh(s[j]) - slack) {
      return Bad("seller priced while its supply is not used up");
    }
    return std::nullopt;
  }

  static Check Bad(std::string detail) { return Rejected(Reject::kNotOptimal, std::move(detail)); }
};

}  // namespace

double CapKwh(int64_t price, int64_t rho_ppm, int64_t l1_micro, int64_t l2_micro) {
  if (rho_ppm == 0) return std::numeric_limits<double>::infinity();
  const double rho = static_cast<double>(rho_ppm) * 1e-6;
  const double l1 = static_cast<double>(l1_micro) * 1e-6;
  const double l2 = static_cast<double>(l2_micro) * 1e-6;
  return std::max(0.0, (static_cast<double>(price) - l2 * rho) / (2 * l1 * rho));
}

bool InRange(const chain::BuyerBid& b, const chain::SellerBid& s, int64_t radius_m) {
  // |coordinates| <= 2^30 (tx_check), so each square is <= 2^62 and the sum fits in uint64.
  const auto dx = static_cast<uint64_t>(std::abs(b.x_m - s.x_m));
  const auto dy = static_cast<uint64_t>(std::abs(b.y_m - s.y_m));
  const auto r = static_cast<uint64_t>(radius_m);
  return dx * dx + dy * dy <= r * r;
}

std::optional<int64_t> PairCapWh(const chain::BuyerBid& b, const chain::SellerBid& s,
                                 int64_t close_s) {
  auto stay = [close_s](int64_t departure_s) -> std::optional<int64_t> {
    if (departure_s == 0) return std::nullopt;
    return std::max<int64_t>(0, departure_s - close_s);  // tx_check: within a week of the bid
  };
  return market::PowerTimeCapWh(b.max_power_w, s.max_power_w, stay(b.departure_s),
                                stay(s.departure_s));
}

int64_t SupplyWh(const chain::SellerBid& s) { return s.s_t_wh - std::max(s.s_r_wh, s.target_wh); }

std::optional<chain::Rejection> CheckAllocation(const chain::TradingRound& round,
                                                const std::vector<chain::BuyerBid>& buyers,
                                                const std::vector<chain::SellerBid>& sellers) {
  Totals t;
  t.buyer_wh.assign(buyers.size(), 0);
  t.seller_out_wh.assign(sellers.size(), 0);
  t.buyer_edges.assign(buyers.size(), 0);
  t.seller_edges.assign(sellers.size(), 0);
  t.x.assign(buyers.size(), std::vector<int64_t>(sellers.size(), 0));
  if (auto r = CheckTrades(round, buyers, sellers, t)) return r;
  Kkt kkt{round,
          buyers,
          sellers,
          t,
          static_cast<double>(round.l1_micro) * 1e-6,
          static_cast<double>(round.l2_micro) * 1e-6};
  for (size_t i = 0; i < buyers.size(); ++i) {
    for (size_t j = 0; j < sellers.size(); ++j) {
      if (kkt.Tradable(i, j)) ++t.buyer_edges[i], ++t.seller_edges[j];
    }
  }
  for (size_t i = 0; i < buyers.size(); ++i) {
    if (auto r = kkt.Buyer(i)) return r;
  }
  for (size_t j = 0; j < sellers.size(); ++j) {
    if (auto r = kkt.Seller(j)) return r;
  }
  return std::nullopt;
}

}  // namespace v2v::contract
