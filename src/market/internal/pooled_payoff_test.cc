#include "market/internal/pooled_payoff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "base/random.h"
#include "market/mechanism.h"

namespace v2v::market::internal {
namespace {

// The payoff of buyer 0 and of seller 0 against NewKDoubleAuction's clearing, on random books.
TEST(PooledPayoffTest, MatchesTheKDoubleAuction) {
  base::Rng rng(17006);
  for (int trial = 0; trial < 2000; ++trial) {
    const int buyers = 1 + static_cast<int>(rng.Below(6)),
              sellers = 1 + static_cast<int>(rng.Below(6));
    const double k = rng.Unit();
    std::vector<Order> bids, asks;
    for (int i = 0; i < buyers; ++i) bids.push_back({i, rng.Unit()});
    for (int i = 0; i < sellers; ++i) asks.push_back({100 + i, rng.Unit()});
    const Outcome out = NewKDoubleAuction(k)->Clear(bids, asks, rng);
    const double v = rng.Uniform(0, 1.5), c = rng.Uniform(-0.5, 1);
    double buyer_want = 0, seller_want = 0;
    for (const Trade& t : out.trades) {
      if (t.buyer_id == 0) buyer_want = v - t.buyer_pays;
      if (t.seller_id == 100) seller_want = t.seller_receives - c;
    }
    std::vector<double> other_bids, ask_prices, other_asks, bid_prices;
    for (int i = 1; i < buyers; ++i) other_bids.push_back(bids[i].price);
    for (const Order& a : asks) ask_prices.push_back(a.price);
    for (int i = 1; i < sellers; ++i) other_asks.push_back(-asks[i].price);
    for (const Order& b : bids) bid_prices.push_back(-b.price);
    std::sort(other_bids.begin(), other_bids.end(), std::greater<>());
    std::sort(ask_prices.begin(), ask_prices.end());
    std::sort(other_asks.begin(), other_asks.end(), std::greater<>());
    std::sort(bid_prices.begin(), bid_prices.end());
    EXPECT_NEAR(KDoubleAuctionBuyerPayoff(v, bids[0].price, other_bids, ask_prices, k), buyer_want,
                1e-12)
        << "trial " << trial;
    EXPECT_NEAR(KDoubleAuctionBuyerPayoff(-c, -asks[0].price, other_asks, bid_prices, 1 - k),
                seller_want, 1e-12)
        << "trial " << trial;
  }
}

}  // namespace
}  // namespace v2v::market::internal
