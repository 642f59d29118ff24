// Algorithm 1's bounds are stated once (market/bid_bounds.h): on a grid of bids around every
// bound, the vehicle gateway (on arrival), the contract (a round on chain, C-4.2), the RSU's round
// builder and the market model all give the same verdict, and the gateway names the bound the
// function names.
#include "market/bid_bounds.h"

#include <gtest/gtest.h>

#include <optional>

#include "auction/round_builder.h"
#include "contract/receipts.h"
#include "contract/testing/world.h"
#include "contract/trading_contract.h"
#include "gateway/vehicle_checks.h"
#include "market/bid.h"

namespace v2v::gateway {
namespace {

using contract::testing::World;

constexpr int64_t kBoundsClose = World::kT0 + 60;  // World::Params(): T_stamp kT0, T_limit 60 s

struct Judges {
  World w;
  contract::CompactIdentityVerifier verifier = w.Verifier();
  contract::ContractParams params{3600, 600, w.ca.public_key()};
  chain::State genesis = w.GenesisStateOrDie();
  auction::RoundParams round = World::Params();  // v^min 100, c^max 250
  AuctionParams auction{round.v_min, round.c_max, round.l1_micro, round.l2_micro, round.radius_m};

  // The contract's verdict on a round of rsu-1 holding the one signed bid (no trades).
  bool ContractTakes(const chain::Tx& bid) const {
    chain::TradingRound r = auction::EmptyRound(round);
    if (std::holds_alternative<chain::BuyerBid>(bid.body)) {
      r.buyers = {bid};
      r.certificate.buyer_price = r.certificate.mu_min = r.certificate.mu_max = {0.0};
    } else {
      r.sellers = {bid};
      r.certificate.seller_price = {0.0};
    }
    const contract::TxVerdict v =
        contract::CheckTx(genesis, w.SignRound(r, 1), params, verifier, {kBoundsClose});
    if (const chain::Rejection* why = contract::RejectionOf(v)) {
      EXPECT_EQ(why->code, chain::Reject::kInvalidBid) << why->ToString();
      return false;
    }
    EXPECT_TRUE(contract::IsAccepted(v));
    return true;
  }
  // The market model's auctioneer with the same bounds.
  market::Auctioneer Model() const {
    return {static_cast<double>(round.v_min),
            static_cast<double>(round.c_max),
            1.0,
            10.0,
            1000.0,
            std::nullopt};
  }
  // Whether the round builder keeps the bid, built with a valid buyer (car-0) and seller (car-2).
  bool BuilderKeeps(const chain::Tx& bid) const {
    std::vector<chain::Tx> buyers = {w.Buyer(0, 1, World::kT0 + 1)};
    std::vector<chain::Tx> sellers = {w.Seller(2, 1, World::kT0 + 1)};
    (std::holds_alternative<chain::BuyerBid>(bid.body) ? buyers : sellers).push_back(bid);
    auto built = auction::BuildRound(round, std::move(buyers), std::move(sellers));
    EXPECT_TRUE(built.ok()) << built.status().ToString();
    return built.ok() && built->round.buyers.size() + built->round.sellers.size() == 3;
  }
};

chain::Tx SignedBuyer(const World& w, int64_t v, int64_t v_min, int64_t v_max) {
  chain::Tx tx;
  tx.sender = World::CarId(1);
  tx.nonce = 1;
  tx.body = chain::BuyerBid{"rsu-1", 1, v, v_min, v_max, 1000, 5000, 3000, 0, 0, World::kT0 + 1};
  chain::SignTx(tx, w.cars[1]);
  return tx;
}

chain::Tx SignedSeller(const World& w, int64_t c, int64_t c_min, int64_t c_max) {
  chain::Tx tx;
  tx.sender = World::CarId(3);
  tx.nonce = 1;
  tx.body =
      chain::SellerBid{"rsu-1", 1, c, c_min, c_max, 20'000, 5'000, 50'000, 0, 0, World::kT0 + 1};
  chain::SignTx(tx, w.cars[3]);
  return tx;
}

// Every judge agrees with the bound function's verdict `b` on `bid`: the gateway (its refusal
// `gateway`, naming the bound), the contract, the round builder and the market model (`model_ok`).
void ExpectOneVerdict(const Judges& j, const chain::Tx& bid, market::BidBound b,
                      const std::optional<Refusal>& gateway, bool model_ok) {
  const bool ok = b == market::BidBound::kNone;
  EXPECT_EQ(!gateway.has_value(), ok);
  if (gateway) {
    EXPECT_EQ(gateway->reason, Reason::kInvalidBid);
    EXPECT_EQ(gateway->bound, market::BidBoundName(b));
  }
  EXPECT_EQ(j.ContractTakes(bid), ok);
  EXPECT_EQ(j.BuilderKeeps(bid), ok);
  EXPECT_EQ(model_ok, ok);
}

TEST(BidBounds, GatewayContractBuilderAndMarketAgreeOnBuyers) {
  Judges j;
  const chain::Account& rich = j.genesis.accounts.at("car-1");
  int broken = 0;
  for (int64_t v_min : {99, 100, 101, 150}) {
    for (int64_t v_max : {99, 100, 150}) {
      for (int64_t v : {98, 99, 100, 101, 149, 150, 151}) {
        SCOPED_TRACE("v " + std::to_string(v) + " in [" + std::to_string(v_min) + ", " +
                     std::to_string(v_max) + "]");
        const market::BidBound b = market::BuyerBoundBroken(j.round.v_min, v, v_min, v_max);
        broken += b == market::BidBound::kNone ? 0 : 1;
        const chain::Tx bid = SignedBuyer(j.w, v, v_min, v_max);
        market::BuyerBid model;
        model.id = "car-1";
        model.v = static_cast<double>(v);
        model.v_min = static_cast<double>(v_min);
        model.v_max = static_cast<double>(v_max);
        model.b_min = 1.0;
        model.b_max = 5.0;
        model.w = 3.0;
        ExpectOneVerdict(j, bid, b,
                         CheckBuyer(std::get<chain::BuyerBid>(bid.body), j.auction, rich, 0),
                         market::ValidateBuyer(j.Model(), model).ok());
      }
    }
  }
  EXPECT_GT(broken, 0);
}

TEST(BidBounds, GatewayContractBuilderAndMarketAgreeOnSellers) {
  Judges j;
  const chain::Account& account = j.genesis.accounts.at("car-3");
  int broken = 0;
  for (int64_t c_max : {249, 250, 251}) {
    for (int64_t c_min : {100, 250}) {
      for (int64_t c : {99, 100, 101, 249, 250, 251, 252}) {
        SCOPED_TRACE("c " + std::to_string(c) + " in [" + std::to_string(c_min) + ", " +
                     std::to_string(c_max) + "]");
        const market::BidBound b = market::SellerBoundBroken(j.round.c_max, c, c_min, c_max);
        broken += b == market::BidBound::kNone ? 0 : 1;
        const chain::Tx bid = SignedSeller(j.w, c, c_min, c_max);
        market::SellerBid model;
        model.id = "car-3";
        model.c = static_cast<double>(c);
        model.c_min = static_cast<double>(c_min);
        model.c_max = static_cast<double>(c_max);
        model.s_t = 20.0;
        model.s_r = 5.0;
        ExpectOneVerdict(j, bid, b,
                         CheckSeller(std::get<chain::SellerBid>(bid.body), j.auction, account, 0),
                         market::ValidateSeller(j.Model(), model).ok());
      }
    }
  }
  EXPECT_GT(broken, 0);
}

// On a McAfee chain (contract C-4.9) the escrow rounds the seller's price and the RSU's spread
// separately, so it can hold one unit more than one payment at the buyer's price: the funds check
// allows for it. A buyer at v = v_max = 300 for 1,500 Wh in McAfee's reduced trade with a_q = 299
// (b_q = 300, spread 1): Payment(299, 1500) + Payment(1, 1500) = 449 + 2 = 451 > Payment(300,
// 1500) = 450.
TEST(BidBounds, TheFundsCheckCoversAMcAfeeEscrowsSecondRounding) {
  World w;
  chain::TradingRound r;
  r.buyers = {w.Buyer(0, 1, World::kT0 + 10, 300)};
  r.sellers = {w.Seller(2, 1, World::kT0 + 10, 150)};
  r.trades = {{0, 0, 1'500, 299}};
  const auto escrows = contract::RoundEscrows(r, Hash32{}, 0, {"rsu-1", 0}, {1});
  ASSERT_EQ(escrows.size(), 1u);
  EXPECT_EQ(escrows[0].amount, 451);
  chain::BuyerBid b = std::get<chain::BuyerBid>(r.buyers[0].body);
  b.v_max = 300;
  b.b_max_wh = 1'500;
  AuctionParams p;
  p.c_max = 300;
  EXPECT_EQ(MaxPayment(b, p), 450);  // one unit short without the slack
  p.payment_rounding_slack = 1;      // what the RoundBook sets on a McAfee chain
  EXPECT_GE(MaxPayment(b, p), escrows[0].amount);
}

}  // namespace
}  // namespace v2v::gateway
