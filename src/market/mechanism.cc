// The Bayesian scheme (bilateral and pooled), the k-double auction, the VCG double auction and the
// posted price (mechanism.h). McAfee's trade reduction and SBBA are in mechanism_reduction.cc.
#include "market/mechanism.h"

#include <algorithm>
#include <cassert>
#include <functional>

#include "market/bayesian_pricing.h"
#include "market/internal/ranked_book.h"

namespace v2v::market {

double Outcome::Budget() const {
  double budget = 0;
  for (const Trade& t : trades) budget += t.buyer_pays - t.seller_receives;
  return budget;
}

double FirstBestSurplus(std::vector<double> values, std::vector<double> costs) {
  std::sort(values.begin(), values.end(), std::greater<>());
  std::sort(costs.begin(), costs.end());
  double w = 0;
  for (size_t i = 0; i < values.size() && i < costs.size() && values[i] >= costs[i]; ++i) {
    w += values[i] - costs[i];
  }
  return w;
}

std::vector<Order> UnitOrders(std::span<const double> prices) {
  std::vector<Order> out;
  out.reserve(prices.size());
  for (double p : prices) out.push_back({static_cast<int64_t>(out.size()), p});
  return out;
}

OutcomeScore ScoreOutcome(const Outcome& out, std::span<const double> values,
                          std::span<const double> costs) {
  OutcomeScore s;
  for (const Trade& t : out.trades) {
    const double v = values[static_cast<size_t>(t.buyer_id)];
    const double c = costs[static_cast<size_t>(t.seller_id)];
    s.surplus += v - c;
    s.ir_violations += IrViolations(t, v, c);
  }
  return s;
}

int IrViolations(const Trade& t, double value, double cost) {
  constexpr double kUtilityTolerance = 1e-9;  // rounding, not a violation
  return (value - t.buyer_pays < -kUtilityTolerance ? 1 : 0) +
         (t.seller_receives - cost < -kUtilityTolerance ? 1 : 0);
}

namespace {

using internal::AppendRankedPairs;
using internal::Rank;
using internal::RankedBook;

class BayesianBilateral final : public Mechanism {
 public:
  BayesianBilateral(PricePerKwh v_max, PricePerKwh c_min) : v_max_(v_max), c_min_(c_min) {}
  std::string_view Name() const override { return "bayesian"; }
  Outcome Clear(std::span<const Order> bids, std::span<const Order> asks,
                base::Rng&) const override {
    Outcome out;
    const size_t pairs = std::min(bids.size(), asks.size());
    for (size_t i = 0; i < pairs; ++i) {
      const PairPrice pp = PriceInDouble(bids[i].price, v_max_, asks[i].price, c_min_);
      if (pp.trade) out.trades.push_back({bids[i].id, asks[i].id, pp.t, pp.t});
    }
    return out;
  }

 private:
  PricePerKwh v_max_, c_min_;
};

class BayesianPooled final : public Mechanism {
 public:
  BayesianPooled(PricePerKwh v_max, PricePerKwh c_min) : v_max_(v_max), c_min_(c_min) {}
  std::string_view Name() const override { return "bayesian-pooled"; }
  Outcome Clear(std::span<const Order> bids, std::span<const Order> asks,
                base::Rng&) const override {
    // P rises with v and R with c, so ranking the types ranks the strategic bids and asks.
    const RankedBook book = Rank(bids, asks);
    const size_t m = BestCount(book);
    Outcome out;
    for (size_t k = 0; k < m; ++k) {
      const Order& buyer = book.bids[k];
      const Order& seller = book.asks[m - 1 - k];
      const PairPrice pp = PriceInDouble(buyer.price, v_max_, seller.price, c_min_);
      out.trades.push_back({buyer.id, seller.id, pp.t, pp.t});
    }
    return out;
  }

 private:
  bool CanTrade(const Order& buyer, const Order& seller) const {
    return PriceInDouble(buyer.price, v_max_, seller.price, c_min_).trade;
  }
  // The m top-ranked buyers and m bottom-ranked sellers can all trade (P >= R in every pair)
  // iff they can when the k-th highest buyer is paired with the k-th highest of those sellers;
  // among the feasible m, the one of the largest declared surplus (the largest m on ties).
  size_t BestCount(const RankedBook& book) const {
    size_t best = 0;
    double best_surplus = 0, surplus = 0;
    const size_t most = std::min(book.bids.size(), book.asks.size());
    for (size_t m = 1; m <= most; ++m) {
      surplus += book.bids[m - 1].price - book.asks[m - 1].price;
      bool feasible = true;
      for (size_t k = 0; k < m && feasible; ++k)
        feasible = CanTrade(book.bids[k], book.asks[m - 1 - k]);
      if (feasible && surplus >= best_surplus) {
        best = m;
        best_surplus = surplus;
      }
    }
    return best;
  }

  PricePerKwh v_max_, c_min_;
};

class KDoubleAuction final : public Mechanism {
 public:
  explicit KDoubleAuction(double k) : k_(k) { assert(k >= 0 && k <= 1); }
  std::string_view Name() const override { return "k-double-auction"; }
  Outcome Clear(std::span<const Order> bids, std::span<const Order> asks,
                base::Rng&) const override {
    const RankedBook book = Rank(bids, asks);
    Outcome out;
    const size_t q = book.efficient;
    if (q == 0) return out;
    const PricePerKwh price = k_ * book.bids[q - 1].price + (1 - k_) * book.asks[q - 1].price;
    AppendRankedPairs(book, q, price, price, out);
    return out;
  }

 private:
  double k_;
};

class VcgDoubleAuction final : public Mechanism {
 public:
  std::string_view Name() const override { return "vcg"; }
  Outcome Clear(std::span<const Order> bids, std::span<const Order> asks,
                base::Rng&) const override {
    const RankedBook book = Rank(bids, asks);
    Outcome out;
    const size_t q = book.efficient;
    if (q == 0) return out;
    // A trading buyer's externality: the lowest bid with which it would still trade, i.e. the
    // larger of the first excluded bid and the marginal ask; symmetrically for a seller.
    PricePerKwh pays = book.asks[q - 1].price;
    if (q < book.bids.size()) pays = std::max(pays, book.bids[q].price);
    PricePerKwh receives = book.bids[q - 1].price;
    if (q < book.asks.size()) receives = std::min(receives, book.asks[q].price);
    AppendRankedPairs(book, q, pays, receives, out);
    return out;
  }
};

class PostedPrice final : public Mechanism {
 public:
  explicit PostedPrice(PricePerKwh p) : p_(p) {}
  std::string_view Name() const override { return "posted-price"; }
  Outcome Clear(std::span<const Order> bids, std::span<const Order> asks,
                base::Rng&) const override {
    Outcome out;
    auto buyer = bids.begin();
    auto seller = asks.begin();
    while (true) {
      buyer = std::find_if(buyer, bids.end(), [&](const Order& o) { return o.price >= p_; });
      seller = std::find_if(seller, asks.end(), [&](const Order& o) { return o.price <= p_; });
      if (buyer == bids.end() || seller == asks.end()) return out;
      out.trades.push_back({buyer->id, seller->id, p_, p_});
      ++buyer;
      ++seller;
    }
  }

 private:
  PricePerKwh p_;
};

}  // namespace

std::unique_ptr<Mechanism> NewBayesianBilateral(PricePerKwh v_max, PricePerKwh c_min) {
  return std::make_unique<BayesianBilateral>(v_max, c_min);
}
std::unique_ptr<Mechanism> NewBayesianPooled(PricePerKwh v_max, PricePerKwh c_min) {
  return std::make_unique<BayesianPooled>(v_max, c_min);
}
std::unique_ptr<Mechanism> NewKDoubleAuction(double k) {
  return std::make_unique<KDoubleAuction>(k);
}
std::unique_ptr<Mechanism> NewVcgDoubleAuction() { return std::make_unique<VcgDoubleAuction>(); }
std::unique_ptr<Mechanism> NewPostedPrice(PricePerKwh p) {
  return std::make_unique<PostedPrice>(p);
}

}  // namespace v2v::market
