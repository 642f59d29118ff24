// The car as it is (docs/model.md section 11): optional charge and discharge powers, stays and a
// seller's target energy bound what a pair can move, and the volume program stays certified.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "market/market_json.h"
#include "market/market_round.h"

namespace v2v::market {
namespace {

Market OnePair() {
  Market m;
  m.auctioneer = {0.4, 1.0,  0.01,
                  0.1, 1000, std::nullopt};  // small l1: large caps, so the car's limit binds
  BuyerBid b;
  b.id = "b";
  b.v = 0.9, b.v_min = 0.5, b.v_max = 1.0, b.b_max = 20, b.w = 5;
  SellerBid s;
  s.id = "s";
  s.c = 0.4, s.c_min = 0.3, s.c_max = 0.9, s.s_t = 50, s.s_r = 10, s.rho = 0.05;
  m.buyers = {b};
  m.sellers = {s};
  return m;
}

TEST(CarLimits, ThePowerOfTheSlowerCarForTheShorterStayBoundsThePair) {
  Market m = OnePair();
  auto free = RunRound(m);
  ASSERT_TRUE(free.ok()) << free.status().ToString();
  ASSERT_GT(free->pairs.at(0).volume, 10.0);
  m.buyers[0].max_power_kw = 7;    // an 11 kW seller, a 7 kW buyer: 7 kW
  m.sellers[0].max_power_kw = 11;  // for the shorter stay, 30 min: 3.5 kWh
  m.buyers[0].stay_s = 3600;
  m.sellers[0].stay_s = 1800;
  EXPECT_DOUBLE_EQ(PowerTimeCap(m.buyers[0], m.sellers[0]), 3.5);
  auto capped = RunRound(m);
  ASSERT_TRUE(capped.ok()) << capped.status().ToString();
  EXPECT_NEAR(capped->pairs.at(0).volume, 3.5, 1e-9);
  EXPECT_LE(std::abs(capped->duality_gap), 1e-8);
  // A power without a stay (or a stay without a power) bounds nothing.
  m.sellers[0].stay_s.reset();
  m.buyers[0].stay_s.reset();
  EXPECT_EQ(PowerTimeCap(m.buyers[0], m.sellers[0]), std::numeric_limits<double>::infinity());
}

TEST(CarLimits, ASellerKeepsItsTargetEnergy) {
  Market m = OnePair();
  m.sellers[0].target_kwh = 45;  // 50 now, reserve 10: only 5 kWh to give, losses included
  EXPECT_DOUBLE_EQ(m.sellers[0].Supply(), 5);
  auto r = RunRound(m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_LE(r->sellers.at(0).energy_out, 5 + 1e-9);
  m.sellers[0].target_kwh = 5;  // below the reserve: the reserve decides
  EXPECT_DOUBLE_EQ(m.sellers[0].Supply(), 40);
}

struct BadLimit {
  const char* field;  // the JSON to add to the first bid of its side
  const char* side;
  const char* must_mention;
};

TEST(CarLimits, BadLimitsAreRefusedNamingTheField) {
  const BadLimit cases[] = {
      {"\"max_power_kw\": 0", "buyers", "buyers[0].max_power_kw: 0 kW is not in (0, 1000]"},
      {"\"max_power_kw\": 1500", "sellers", "sellers[0].max_power_kw: 1500 kW is not in"},
      {"\"stay_s\": -60", "buyers", "buyers[0].stay_s: -60 s is not in (0, 604800]"},
      {"\"stay_s\": 0", "sellers", "its departure must come after the round"},
      {"\"target_kwh\": -1", "sellers", "sellers[0].target_kwh"},
      {"\"max_power_kw\": \"fast\"", "buyers", "buyers[0].max_power_kw: expected a number"},
  };
  for (const BadLimit& c : cases) {
    Market m = OnePair();
    std::string json = MarketToJson(m);
    const std::string anchor =
        std::string(c.side) == "buyers" ? "{\"id\":\"b\"," : "{\"id\":\"s\",";
    json.replace(json.find(anchor), anchor.size(), anchor + c.field + ",");
    auto parsed = ParseMarketJson(json);
    ASSERT_FALSE(parsed.ok()) << json;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(c.must_mention), std::string::npos)
        << parsed.status().message();
  }
  // Good limits round-trip through the input format.
  Market m = OnePair();
  m.buyers[0].max_power_kw = 7.4;
  m.sellers[0].stay_s = 5400;
  m.sellers[0].target_kwh = 30;
  auto back = ParseMarketJson(MarketToJson(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->buyers[0].max_power_kw, 7.4);
  EXPECT_FALSE(back->buyers[0].stay_s.has_value());
  EXPECT_EQ(back->sellers[0].stay_s, 5400);
  EXPECT_EQ(back->sellers[0].target_kwh, 30);
}

// Random markets where about half the cars declare a power, a stay and (sellers) a target: the
// program stays certified, no pair moves more than its two cars allow, and no seller goes below
// its target.
RC_GTEST_PROP(CarLimitsProperty, EveryPairWithinItsCarsLimitsAndCertified, ()) {
  std::mt19937_64 rng(*rc::gen::arbitrary<uint64_t>());
  auto u = [&rng](double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(rng() >> 11) * 0x1.0p-53;
  };
  auto maybe = [&](double lo, double hi) -> std::optional<double> {
    if (u(0, 1) < 0.5) return std::nullopt;
    return u(lo, hi);
  };
  Market m;
  m.auctioneer = {0.5, 0.9, u(0.01, 1), 0.1, 1000, std::nullopt};
  const int nb = *rc::gen::inRange(1, 8), ns = *rc::gen::inRange(1, 8);
  for (int i = 0; i < nb; ++i) {
    BuyerBid b;
    b.id = "B" + std::to_string(i);
    b.v_min = 0.5, b.v_max = 1.1, b.v = u(0.5, 1.1), b.b_max = u(0, 20), b.w = u(0, 5);
    b.x = u(0, 1200), b.y = u(0, 1200);
    b.max_power_kw = maybe(3, 22);
    b.stay_s = maybe(60, 7200);
    m.buyers.push_back(b);
  }
  for (int j = 0; j < ns; ++j) {
    SellerBid s;
    s.id = "S" + std::to_string(j);
    s.c_min = 0.3, s.c_max = 0.9, s.c = u(0.3, 0.9), s.s_t = u(10, 60), s.s_r = u(0, 10);
    s.rho = u(0.01, 0.2), s.x = u(0, 1200), s.y = u(0, 1200);
    s.max_power_kw = maybe(3, 22);
    s.stay_s = maybe(60, 7200);
    s.target_kwh = maybe(0, s.s_t);
    m.sellers.push_back(s);
  }
  auto r = RunRound(m);
  if (!r.ok()) RC_LOG() << r.status().ToString() << "\n" << MarketToJson(m);
  RC_ASSERT(r.ok());
  RC_ASSERT(std::abs(r->duality_gap) <= 1e-8);
  std::map<std::string, const BuyerBid*> bb;
  std::map<std::string, const SellerBid*> sb;
  for (const auto& b : m.buyers) bb[b.id] = &b;
  for (const auto& s : m.sellers) sb[s.id] = &s;
  for (const PairResult& p : r->pairs) {
    RC_ASSERT(p.volume <= PowerTimeCap(*bb[p.buyer], *sb[p.seller]) * (1 + 1e-9) + 1e-9);
  }
  for (const SellerOutcome& s : r->sellers) {
    RC_ASSERT(sb[s.id]->s_t - s.energy_out >= sb[s.id]->target_kwh.value_or(0) - 1e-8);
  }
}

// The ledger's integer cap (contract C-4.8) is the model's, floored to Wh.
TEST(PowerTimeCapWh, IsTheLowerPowerForTheShorterStayInWholeWh) {
  EXPECT_EQ(PowerTimeCapWh(11'000, 7'400, 600, 900), 1'233);  // 7.4 kW for 600 s
  EXPECT_EQ(PowerTimeCapWh(0, 7'400, std::nullopt, 900), 1'850);
  EXPECT_EQ(PowerTimeCapWh(11'000, 0, -30, std::nullopt), 0);  // already gone
  EXPECT_EQ(PowerTimeCapWh(0, 0, 600, 900), std::nullopt);     // no power stated
  EXPECT_EQ(PowerTimeCapWh(11'000, 0, std::nullopt, std::nullopt), std::nullopt);
  BuyerBid b;
  SellerBid sb;
  b.max_power_kw = 7.4;
  b.stay_s = 600;
  sb.max_power_kw = 11;
  sb.stay_s = 900;
  EXPECT_EQ(PowerTimeCapWh(7'400, 11'000, 600, 900),
            static_cast<int64_t>(std::floor(PowerTimeCap(b, sb) * 1000)));
}

}  // namespace
}  // namespace v2v::market
