#include "contract/unit_round.h"

#include <algorithm>
#include <limits>
#include <string>

#include "chain/state.h"
#include "codec/codec.h"
#include "contract/allocation_check.h"
#include "crypto/hash.h"

namespace v2v::contract {
namespace {

using chain::Reject;
using chain::Rejected;

std::string PairName(const chain::Trade& t) {
  return "(buyer " + std::to_string(t.buyer) + ", seller " + std::to_string(t.seller) + ")";
}

bool CertificateIsZero(const chain::RoundCertificate& c) {
  for (const auto* v : {&c.seller_price, &c.buyer_price, &c.mu_min, &c.mu_max}) {
    if (std::any_of(v->begin(), v->end(), [](double d) { return d != 0; })) return false;
  }
  return true;
}

}  // namespace

uint64_t LotterySeedOf(const chain::TradingRound& round) {
  codec::Writer w("v2v.lottery");
  for (const auto* bids : {&round.buyers, &round.sellers}) {
    for (const chain::Tx& t : *bids) w.Raw(t.signature.bytes);
  }
  const Hash32 h = crypto::Sha256(w.Take());
  uint64_t seed = 0;
  for (size_t i = 0; i < 8; ++i) seed = (seed << 8) | h.bytes[i];
  return seed;
}

int64_t MaxDeliveredWh(int64_t supply_wh, int64_t rho_ppm) {
  int64_t lo = 0, hi = std::max<int64_t>(0, supply_wh);  // lo always fits
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    if (mid + chain::LossWh(mid, rho_ppm) <= supply_wh) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

std::vector<UnitTrade> UnitRoundClearing(const market::ChainMechanism& mechanism,
                                         const chain::TradingRound& round,
                                         const std::vector<chain::BuyerBid>& buyers,
                                         const std::vector<chain::SellerBid>& sellers) {
  std::vector<int64_t> values, costs;
  for (const chain::BuyerBid& b : buyers) values.push_back(b.v);
  for (const chain::SellerBid& s : sellers) costs.push_back(s.c);
  const int64_t close_s = round.t_stamp_s + round.t_limit_s;
  std::vector<UnitTrade> out;
  for (const market::UnitMatch& m :
       market::ClearUnitsOnChain(mechanism, values, costs, LotterySeedOf(round))) {
    const chain::BuyerBid& b = buyers[m.buyer];
    const chain::SellerBid& s = sellers[m.seller];
    if (!InRange(b, s, round.radius_m)) continue;
    int64_t x = std::min(b.b_max_wh, MaxDeliveredWh(SupplyWh(s), s.rho_ppm));
    x = std::min(x, PairCapWh(b, s, close_s).value_or(std::numeric_limits<int64_t>::max()));
    if (x < std::max<int64_t>(b.b_min_wh, 1)) continue;
    out.push_back(
        {{static_cast<uint32_t>(m.buyer), static_cast<uint32_t>(m.seller), x, m.seller_receives},
         m.buyer_pays - m.seller_receives});
  }
  std::sort(out.begin(), out.end(), [](const UnitTrade& x, const UnitTrade& y) {
    return std::pair(x.trade.buyer, x.trade.seller) < std::pair(y.trade.buyer, y.trade.seller);
  });
  return out;
}

std::vector<chain::Trade> UnitRoundTrades(const market::ChainMechanism& mechanism,
                                          const chain::TradingRound& round,
                                          const std::vector<chain::BuyerBid>& buyers,
                                          const std::vector<chain::SellerBid>& sellers) {
  std::vector<chain::Trade> trades;
  for (const UnitTrade& t : UnitRoundClearing(mechanism, round, buyers, sellers)) {
    trades.push_back(t.trade);
  }
  return trades;
}

std::optional<chain::Rejection> CheckUnitRound(const market::ChainMechanism& mechanism,
                                               const chain::TradingRound& round,
                                               const std::vector<chain::BuyerBid>& buyers,
                                               const std::vector<chain::SellerBid>& sellers) {
  const std::string name(market::ChainMechanismName(mechanism.kind));
  if (!CertificateIsZero(round.certificate)) {
    return Rejected(Reject::kMalformed, "a " + name + " round carries no certificate (all zeros)");
  }
  const std::vector<chain::Trade> want = UnitRoundTrades(mechanism, round, buyers, sellers);
  const size_t n = std::min(want.size(), round.trades.size());
  for (size_t k = 0; k < n; ++k) {
    const chain::Trade& got = round.trades[k];
    const chain::Trade& w = want[k];
    if (got.buyer != w.buyer || got.seller != w.seller) {
      return Rejected(Reject::kNotOptimal, "trade " + PairName(got) + " is not the " + name +
                                               "'s; it pairs " + PairName(w));
    }
    if (got.price != w.price) {
      return Rejected(Reject::kBadPrice, PairName(got) + ": price " + std::to_string(got.price) +
                                             " != the " + name + "'s " + std::to_string(w.price));
    }
    if (got.volume_wh != w.volume_wh) {
      return Rejected(Reject::kConstraintViolated,
                      PairName(got) + ": volume " + std::to_string(got.volume_wh) + " Wh != " +
                          std::to_string(w.volume_wh) + " Wh (C-4.9: the most the pair can move)");
    }
  }
  if (want.size() != round.trades.size()) {
    return Rejected(Reject::kNotOptimal, "the " + name + " makes " + std::to_string(want.size()) +
                                             " trades, the round lists " +
                                             std::to_string(round.trades.size()));
  }
  return std::nullopt;
}

}  // namespace v2v::contract
