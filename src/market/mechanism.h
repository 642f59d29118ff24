// Market mechanisms behind one interface, for comparing V2V market designs (docs/mechanisms.md).
//
// Unit demand and unit supply: every buyer bids for one unit at most, every seller offers one.
// In: the buyers' bids (reported values) and the sellers' asks (reported costs), each with the
// trader's id. Out: the trades (buyer id, seller id), what each trading buyer pays and what each
// trading seller receives, and the budget: sum paid - sum received (kept by the auctioneer when
// positive, a deficit the auctioneer pays when negative). Traders who do not trade pay and
// receive nothing.
//
// This is the research interface: prices are doubles (currency per kWh), as in the simulator.
// The ledger's integer micro-unit pricing is bayesian_pricing.h's PriceExact.
//
// Common ranking, used by every mechanism that pools the market: bids sorted from highest to
// lowest, asks from lowest to highest, equal prices kept in input order (the earlier order
// ranks first). The efficient quantity q is the largest count with b_i >= a_i for i = 1..q
// (a bid equal to an ask trades). Where a mechanism pairs traders, the i-th ranked buyer is
// paired with the i-th ranked seller.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "base/result.h"
#include "market/bid.h"

namespace v2v::market {

struct Order {
  int64_t id = 0;
  PricePerKwh price = 0;  // a buyer's bid (reported value) or a seller's ask (reported cost)
};

struct Trade {
  int64_t buyer_id = 0;
  int64_t seller_id = 0;
  PricePerKwh buyer_pays = 0;       // the buyer's payment for its unit
  PricePerKwh seller_receives = 0;  // the seller's receipt for its unit
};

struct Outcome {
  std::vector<Trade> trades;  // one unit each: the volume is trades.size()
  // Sum paid by buyers - sum received by sellers. Zero for budget-balanced mechanisms (up to
  // rounding), positive when the auctioneer keeps money (McAfee's reduced case), negative for
  // VCG's deficit.
  double Budget() const;
};

class Mechanism {
 public:
  virtual ~Mechanism() = default;
  virtual std::string_view Name() const = 0;
  // Clears one market. Randomised mechanisms (SBBA's lottery) draw from `rng`; the others do
  // not touch it. REQUIRES: every price finite.
  virtual Outcome Clear(std::span<const Order> bids, std::span<const Order> asks,
                        base::Rng& rng) const = 0;
};

// The paper's bilateral Bayesian scheme (Theorem 1, bayesian_pricing.h): bids[i] is paired with
// asks[i] (i < min of the counts; the rest do not trade); the orders are the traders' true types,
// the mechanism applies the equilibrium strategies P (eq. 5) and R (eq. 6) to them with the
// common prior's v^max and c^min, and the pair trades iff P >= R, at T = (P + R)/2 on both sides.
std::unique_ptr<Mechanism> NewBayesianBilateral(PricePerKwh v_max, PricePerKwh c_min);

// The Bayesian scheme on a pooled market, as an RSU's round applies it to all its traders: the
// orders are the traders' declared types, each pair's P and R are Theorem 1's (as in
// NewBayesianBilateral), a buyer and a seller can trade iff P >= R, and among the matchings of
// pairs that can trade the one of the largest declared surplus sum (v - c) is chosen: the m
// highest buyers with the m lowest sellers, the k-th highest buyer with the k-th highest of
// those sellers, for the best feasible m. Each pair trades at its own T = (P + R)/2, so the
// budget balances. Theorem 1's strategies are an equilibrium of the bilateral game, not of
// this pooled one.
std::unique_ptr<Mechanism> NewBayesianPooled(PricePerKwh v_max, PricePerKwh c_min);

// k-double auction (Chatterjee and Samuelson 1983 for one pair): the q efficient pairs trade,
// all at the uniform price k b_q + (1 - k) a_q of the marginal pair (the simulator's P2P market;
// Satterthwaite and Williams 1989 price between the m-th and (m+1)-th of all orders instead). Not
// truthful: a trader shades its order (for one pair the linear equilibrium is in
// mechanism_known_numbers_test.cc). REQUIRES: 0 <= k <= 1.
std::unique_ptr<Mechanism> NewKDoubleAuction(double k);

// McAfee (1992) trade reduction, "A dominant strategy double auction", J. Econ. Theory 56.
// With q efficient pairs, b_{q+1} and a_{q+1} the next bid and ask (missing ones replaced by
// `value_floor`, the lowest possible value, and `cost_ceiling`, the highest possible cost, as in
// the paper), p0 = (b_{q+1} + a_{q+1})/2. If a_q <= p0 <= b_q all q pairs trade at p0;
// otherwise the marginal pair is dropped and q - 1 pairs trade, buyers paying b_q and sellers
// receiving a_q, the auctioneer keeping (q - 1)(b_q - a_q). Truthful (in dominant strategies)
// when no bid is below value_floor and no ask above cost_ceiling.
std::unique_ptr<Mechanism> NewMcAfee(PricePerKwh value_floor, PricePerKwh cost_ceiling);

// SBBA (Segal-Halevi, Hassidim and Aumann 2016, "SBBA: a strongly-budget-balanced
// double-auction mechanism", SAGT). With q efficient pairs and a_{q+1} the next ask (+infinity
// when there is none), p = min(b_q, a_{q+1}). If a_{q+1} <= b_q: all q pairs trade at p.
// Otherwise p = b_q: buyers 1..q-1 trade at p, and q - 1 of the q best-ranked sellers, chosen
// by lottery, sell at p. Buyers pay exactly what sellers receive. The lottery: one rng.Next() key
// per seller in input order on every call (whatever the orders), the candidate with the
// smallest key is left out; the draw does not depend on the orders, so for a fixed seed the
// mechanism is truthful ex post.
std::unique_ptr<Mechanism> NewSbba();

// Vickrey-Clarke-Groves double auction (Vickrey 1961, Clarke 1971, Groves 1973): the q
// efficient pairs trade; each trading buyer pays its externality max(b_{q+1}, a_q) and each
// trading seller receives min(a_{q+1}, b_q) (a missing b_{q+1} or a_{q+1} drops out of the max
// or min). Efficient and truthful; the auctioneer pays the deficit
// q (min(a_{q+1}, b_q) - max(b_{q+1}, a_q)) >= 0 (Budget() is its negative).
std::unique_ptr<Mechanism> NewVcgDoubleAuction();

// Posted price p: buyers with b >= p and sellers with a <= p are willing; the k-th willing buyer
// in input order trades with the k-th willing seller in input order (first come, first served),
// at p on both sides; the long side's excess traders, last in input order, do not trade.
std::unique_ptr<Mechanism> NewPostedPrice(PricePerKwh p);

// The first best of unit traders at their true types: the largest gains from trade of any
// matching, the sum of v_i - c_i over the q efficient pairs of the ranked values and costs.
double FirstBestSurplus(std::vector<double> values, std::vector<double> costs);

// How many of a trade's two traders it leaves with a negative utility at their true types
// (value - buyer_pays, seller_receives - cost) beyond rounding (1e-9): 0, 1 or 2.
int IrViolations(const Trade& t, double value, double cost);

// Orders whose ids are their positions in `prices`.
std::vector<Order> UnitOrders(std::span<const double> prices);

// An outcome scored at the traders' true types, its trades' ids being positions in `values`
// (buyers) and `costs` (sellers): its surplus, the sum of v - c over its trades, and the
// IR violations of its trades. The one place the benchmark, the simulator's comparison market
// and `v2v allocate --mechanism` score a clearing.
struct OutcomeScore {
  double surplus = 0;
  int ir_violations = 0;
};
OutcomeScore ScoreOutcome(const Outcome& out, std::span<const double> values,
                          std::span<const double> costs);

// What a mechanism built by name may read. The prior's bounds: values lie in [v_min, v_max] and
// costs in [c_min, c_max]; the Bayesian schemes read v_max and c_min (their v^max and c^min),
// McAfee's trade reduction reads v_min as its value floor and c_max as its cost ceiling. `k` is
// the k-double auction's weight and `posted_price` the posted price's p (it has no default: the
// posted price needs one); the others read nothing.
struct MechanismParams {
  PricePerKwh v_min = 0, v_max = 1;
  PricePerKwh c_min = 0, c_max = 1;
  double k = 0.5;
  std::optional<PricePerKwh> posted_price;
};

// Every name NewMechanismByName knows, which is each mechanism's Name(): bayesian,
// bayesian-pooled, k-double-auction, mcafee, sbba, vcg, posted-price.
std::span<const std::string_view> MechanismNames();

// The mechanism called `name`. InvalidArgument for an unknown name (the message lists the known
// ones), a parameter it reads that is missing or not finite, k outside [0, 1], or bounds out of
// order (v_min > v_max, c_min > c_max).
Result<std::unique_ptr<Mechanism>> NewMechanismByName(std::string_view name,
                                                      const MechanismParams& params);

}  // namespace v2v::market
