#include "auction/round_builder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "contract/allocation_check.h"
#include "contract/unit_round.h"
#include "market/admission.h"
#include "market/bayesian_pricing.h"
#include "market/bid_bounds.h"
#include "market/welfare_optimizer.h"

namespace v2v::auction {
namespace {

struct Edges {
  std::vector<std::vector<std::pair<int, double>>> of_buyer;  // (seller, cap kWh)
  std::vector<int> seller_count;
};

void KeepValid(const RoundParams& p, std::vector<chain::Tx>& buyers,
               std::vector<chain::Tx>& sellers) {
  auto by_sender = [](const chain::Tx& a, const chain::Tx& b) { return a.sender < b.sender; };
  std::erase_if(buyers, [&](const chain::Tx& t) {
    const auto& b = std::get<chain::BuyerBid>(t.body);
    return market::BuyerBoundBroken(p.v_min, b.v, b.v_min, b.v_max) != market::BidBound::kNone;
  });
  std::erase_if(sellers, [&](const chain::Tx& t) {
    const auto& s = std::get<chain::SellerBid>(t.body);
    return market::SellerBoundBroken(p.c_max, s.c, s.c_min, s.c_max) != market::BidBound::kNone;
  });
  std::sort(buyers.begin(), buyers.end(), by_sender);
  std::sort(sellers.begin(), sellers.end(), by_sender);
}

Edges FindEdges(const RoundParams& p, const std::vector<chain::BuyerBid>& b,
                const std::vector<chain::SellerBid>& s) {
  Edges e;
  e.of_buyer.resize(b.size());
  e.seller_count.assign(s.size(), 0);
  for (size_t i = 0; i < b.size(); ++i) {
    for (size_t j = 0; j < s.size(); ++j) {
      const auto price = market::PriceExact(b[i].v, b[i].v_max, s[j].c, s[j].c_min);
      if (!price.trade || !contract::InRange(b[i], s[j], p.radius_m)) continue;
      double cap = contract::CapKwh(price.t, s[j].rho_ppm, p.l1_micro, p.l2_micro);
      if (const auto car = contract::PairCapWh(b[i], s[j], p.t_stamp_s + p.t_limit_s)) {
        cap = std::min(cap, static_cast<double>(*car) / 1000.0);  // C-4.8
      }
      if (cap <= 0 || contract::SupplyWh(s[j]) <= 0) continue;
      e.of_buyer[i].emplace_back(static_cast<int>(j), cap);
      ++e.seller_count[j];
    }
  }
  return e;
}

market::VolumeProblem MakeProblem(const RoundParams& p, const std::vector<chain::BuyerBid>& b,
                                  const std::vector<chain::SellerBid>& s, const Edges& e,
                                  const std::vector<char>* admitted) {
  market::VolumeProblem prob;
  prob.l1 = static_cast<double>(p.l1_micro) * 1e-6;
  prob.l2 = static_cast<double>(p.l2_micro) * 1e-6;
  for (size_t j = 0; j < s.size(); ++j) {
    const int64_t supply_wh =
        std::max<int64_t>(0, contract::SupplyWh(s[j]) - e.seller_count[j] - 1);
    prob.AddSeller(static_cast<double>(s[j].rho_ppm) * 1e-6,
                   static_cast<double>(supply_wh) / 1000.0);
  }
  for (size_t i = 0; i < b.size(); ++i) {
    const bool in = admitted == nullptr || (*admitted)[i];
    const auto k = static_cast<int64_t>(e.of_buyer[i].size());
    const int64_t b_min =
        in ? std::min(b[i].b_max_wh, b[i].b_min_wh + (b[i].b_min_wh > 0 ? k : 0)) : 0;
    prob.AddBuyer(static_cast<double>(b[i].w_milli) / 1000.0, static_cast<double>(b_min) / 1000.0,
                  static_cast<double>(b[i].b_max_wh) / 1000.0,
                  in ? e.of_buyer[i] : std::vector<std::pair<int, double>>{});
  }
  return prob;
}

template <typename Bid>
std::vector<Bid> Decoded(const std::vector<chain::Tx>& txs) {
  std::vector<Bid> out;
  out.reserve(txs.size());
  for (const auto& t : txs) out.push_back(std::get<Bid>(t.body));
  return out;
}

// Removes the bids the grid beats from the lists, returning them with the reason. The screen of
// what is left beats nothing (a buyer's verdict does not depend on the sellers, and the sellers'
// bound is the highest option among the buyers kept either way).
std::vector<GridLeftOutBid> LeaveOutBeaten(const market::GridTariff& grid, int64_t t_stamp_s,
                                           std::vector<chain::Tx>& buyers,
                                           std::vector<chain::Tx>& sellers) {
  const contract::ScreenedBids screened = contract::ScreenAgainstTariff(
      grid, t_stamp_s, Decoded<chain::BuyerBid>(buyers), Decoded<chain::SellerBid>(sellers));
  std::vector<GridLeftOutBid> out;
  std::vector<char> beaten_buyer(buyers.size(), 0), beaten_seller(sellers.size(), 0);
  for (const contract::GridBeaten& x : screened.beaten) {
    out.push_back({x.buyer ? buyers[x.index] : sellers[x.index], x});
    (x.buyer ? beaten_buyer : beaten_seller)[x.index] = 1;
  }
  auto drop = [](std::vector<chain::Tx>& txs, const std::vector<char>& beaten) {
    std::vector<chain::Tx> kept;
    for (size_t k = 0; k < txs.size(); ++k) {
      if (beaten[k] == 0) kept.push_back(std::move(txs[k]));
    }
    txs = std::move(kept);
  };
  drop(buyers, beaten_buyer);
  drop(sellers, beaten_seller);
  return out;
}

}  // namespace

chain::TradingRound EmptyRound(const RoundParams& params) {
  chain::TradingRound r;
  r.round = params.round;
  r.t_stamp_s = params.t_stamp_s;
  r.t_limit_s = params.t_limit_s;
  r.v_min = params.v_min;
  r.c_max = params.c_max;
  r.l1_micro = params.l1_micro;
  r.l2_micro = params.l2_micro;
  r.radius_m = params.radius_m;
  return r;
}

namespace {

// C-4.9: the round of a unit mechanism, its trades contract::UnitRoundTrades of the (screened)
// bids `b` and `s`, its certificate zeros of the bids' shape.
chain::TradingRound UnitRound(const RoundParams& params, const std::vector<chain::BuyerBid>& b,
                              const std::vector<chain::SellerBid>& s,
                              std::vector<chain::Tx> buyer_bids,
                              std::vector<chain::Tx> seller_bids) {
  chain::TradingRound r = EmptyRound(params);
  r.certificate.seller_price.assign(s.size(), 0);
  r.certificate.buyer_price.assign(b.size(), 0);
  r.certificate.mu_min.assign(b.size(), 0);
  r.certificate.mu_max.assign(b.size(), 0);
  r.buyers = std::move(buyer_bids);
  r.sellers = std::move(seller_bids);
  r.trades = contract::UnitRoundTrades(params.mechanism, r, b, s);
  return r;
}

}  // namespace

Result<BuiltRound> BuildRound(const RoundParams& params, std::vector<chain::Tx> buyer_bids,
                              std::vector<chain::Tx> seller_bids) {
  BuiltRound out;
  KeepValid(params, buyer_bids, seller_bids);
  std::vector<chain::BuyerBid> b;
  std::vector<chain::SellerBid> s;
  if (params.grid) {
    out.grid_left_out = LeaveOutBeaten(*params.grid, params.t_stamp_s, buyer_bids, seller_bids);
    contract::ScreenedBids kept = contract::ScreenAgainstTariff(
        *params.grid, params.t_stamp_s, Decoded<chain::BuyerBid>(buyer_bids),
        Decoded<chain::SellerBid>(seller_bids));
    b = std::move(kept.buyers);  // priced on their capped ranges, as the contract checks them
    s = std::move(kept.sellers);
  } else {
    b = Decoded<chain::BuyerBid>(buyer_bids);
    s = Decoded<chain::SellerBid>(seller_bids);
  }
  if (params.mechanism.kind != market::ChainMechanismKind::kBayesian) {
    out.round = UnitRound(params, b, s, std::move(buyer_bids), std::move(seller_bids));
    return out;
  }
  const Edges edges = FindEdges(params, b, s);

  std::vector<int> priority(b.size());
  std::iota(priority.begin(), priority.end(), 0);
  std::stable_sort(priority.begin(), priority.end(), [&](int x, int y) { return b[x].v > b[y].v; });
  V2V_ASSIGN_OR_RETURN(market::Admission adm,
                       market::AdmitBuyers(MakeProblem(params, b, s, edges, nullptr), priority));
  const market::VolumeProblem prob = MakeProblem(params, b, s, edges, &adm.admitted);
  V2V_ASSIGN_OR_RETURN(market::VolumeSolution sol, market::SolveVolumes(prob));

  chain::TradingRound& r = out.round;
  r = EmptyRound(params);
  for (int i = 0; i < prob.NumBuyers(); ++i) {
    for (int k = prob.buyer_start[i]; k < prob.buyer_start[i + 1]; ++k) {
      const int j = prob.edge_seller[k];
      const auto vol = static_cast<int64_t>(std::floor(sol.x[k] * 1000.0));
      if (vol < 1) continue;
      const auto price = market::PriceExact(b[i].v, b[i].v_max, s[j].c, s[j].c_min);
      r.trades.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j), vol, price.t});
    }
  }
  std::sort(r.trades.begin(), r.trades.end(), [](const chain::Trade& x, const chain::Trade& y) {
    return std::pair(x.buyer, x.seller) < std::pair(y.buyer, y.seller);
  });
  r.certificate.seller_price = sol.certificate.seller_price;
  r.certificate.buyer_price = sol.certificate.buyer_price;
  r.certificate.mu_min = sol.certificate.mu_min;
  r.certificate.mu_max = sol.certificate.mu_max;
  r.buyers = std::move(buyer_bids);
  r.sellers = std::move(seller_bids);
  return out;
}

}  // namespace v2v::auction
