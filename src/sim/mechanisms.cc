#include "sim/mechanisms.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "market/bayesian_pricing.h"
#include "market/mechanism.h"
#include "sim/rng.h"

namespace v2v::sim {
namespace {

struct Acc {
  int64_t trades = 0;
  double surplus = 0, buyer = 0, seller = 0, paid = 0;
  void Add(double v, double c, double pays, double receives) {
    ++trades;
    surplus += v - c;
    buyer += v - pays;
    seller += receives - c;
    paid += pays;
  }
  MechanismStats Stats(Mechanism m, const std::string& setting, int64_t pairs) const {
    const double n = static_cast<double>(pairs);
    MechanismStats s;
    s.mechanism = std::string(MechanismName(m));
    s.setting = setting;
    s.pairs = pairs;
    s.trade_probability = static_cast<double>(trades) / n;
    s.surplus_per_pair = surplus / n;
    s.buyer_surplus_per_pair = buyer / n;
    s.seller_surplus_per_pair = seller / n;
    s.mean_price =
        trades ? paid / static_cast<double>(trades) : std::numeric_limits<double>::quiet_NaN();
    return s;
  }
};

}  // namespace

std::string_view MechanismName(Mechanism m) {
  switch (m) {
    case Mechanism::kBayesian:
      return "bayesian";
    case Mechanism::kCompleteInfo:
      return "complete-info";
    case Mechanism::kSinglePrice:
      return "single-price";
    case Mechanism::kUniformDoubleAuction:
      return "uniform-double-auction";
    case Mechanism::kEfficient:
      return "efficient";
  }
  return "?";
}

Clearing ClearUniformDoubleAuction(const std::vector<double>& bids, const std::vector<double>& asks,
                                   double k_weight) {
  // The market module's k-double auction, with input positions as ids; its trades come in rank
  // order, so the last one is the marginal pair.
  std::vector<market::Order> bid_orders, ask_orders;
  for (size_t i = 0; i < bids.size(); ++i) bid_orders.push_back({static_cast<int64_t>(i), bids[i]});
  for (size_t j = 0; j < asks.size(); ++j) ask_orders.push_back({static_cast<int64_t>(j), asks[j]});
  base::Rng unused(0);  // the k-double auction draws nothing
  const market::Outcome out =
      market::NewKDoubleAuction(k_weight)->Clear(bid_orders, ask_orders, unused);
  Clearing c;
  c.trades = static_cast<int>(out.trades.size());
  if (out.trades.empty()) {
    c.price = std::numeric_limits<double>::quiet_NaN();
    return c;
  }
  c.marginal_bid = bids[static_cast<size_t>(out.trades.back().buyer_id)];
  c.marginal_ask = asks[static_cast<size_t>(out.trades.back().seller_id)];
  c.price = out.trades.front().buyer_pays;
  return c;
}

std::vector<MechanismSetting> StandardSettings() {
  return {{"unit-square", 0, 1, 0, 1, 0.5}, {"paper-fig9", 0.5, 1, 0.5, 1, 0.75}};
}

std::vector<MechanismStats> CompareMechanisms(const MechanismSetting& st, int64_t pairs,
                                              uint64_t seed, int uda_market_size) {
  Rng rng(seed);
  Acc bayes, complete, single, uda, efficient;
  std::vector<double> group_v, group_c;
  auto clear_group = [&] {
    const Clearing cl = ClearUniformDoubleAuction(group_v, group_c);
    if (cl.trades > 0) {
      std::sort(group_v.begin(), group_v.end(), std::greater<>());
      std::sort(group_c.begin(), group_c.end());
      for (int k = 0; k < cl.trades; ++k) uda.Add(group_v[k], group_c[k], cl.price, cl.price);
    }
    group_v.clear();
    group_c.clear();
  };
  for (int64_t i = 0; i < pairs; ++i) {
    const double v = rng.Uniform(st.v_lo, st.v_hi);
    const double c = rng.Uniform(st.c_lo, st.c_hi);
    const market::PairPrice pp = market::PriceInDouble(v, st.v_hi, c, st.c_lo);
    if (pp.trade) bayes.Add(v, c, pp.t, pp.t);
    if (v >= c) {
      complete.Add(v, c, 0.5 * (v + c), 0.5 * (v + c));
      efficient.Add(v, c, c, v);
    }
    if (c <= st.single_price && st.single_price <= v)
      single.Add(v, c, st.single_price, st.single_price);
    group_v.push_back(v);
    group_c.push_back(c);
    if (static_cast<int>(group_v.size()) == uda_market_size) clear_group();
  }
  if (!group_v.empty()) clear_group();
  return {bayes.Stats(Mechanism::kBayesian, st.name, pairs),
          complete.Stats(Mechanism::kCompleteInfo, st.name, pairs),
          single.Stats(Mechanism::kSinglePrice, st.name, pairs),
          uda.Stats(Mechanism::kUniformDoubleAuction, st.name, pairs),
          efficient.Stats(Mechanism::kEfficient, st.name, pairs)};
}

}  // namespace v2v::sim
