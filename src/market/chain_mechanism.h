// The market mechanisms a chain's genesis may name instead of the paper's scheme (contract rule
// C-4.9, docs/spec/contract.md; docs/mechanisms.md "On chain"), cleared in integers.
//
// On chain the paper's scheme (Algorithm 1, with volumes and the optimality certificate) is the
// default. A genesis may name instead one of the pooled unit mechanisms of mechanism.h whose
// buyers never pay less than its sellers receive: the k-double auction, the posted price, SBBA
// (one price per trade) or McAfee's trade reduction (in its reduced case the buyers pay b_q and the
// sellers receive a_q; the RSU that ran the round, the auctioneer, keeps the difference). The VCG
// double auction cannot be named: its sellers receive more than its buyers pay, and the chain has
// no one to pay that deficit.
//
// The matching is mechanism.h's own (its ranking, its efficient quantity, its pairing, SBBA's
// lottery, McAfee's test): the orders are the bids' declared integer prices, which doubles hold
// exactly, and so do their sums and halves, so the comparisons that choose the pairs are exact.
// Prices are integers: the posted price, SBBA's price and McAfee's reduced prices are orders'
// own prices; McAfee's p0 = (b_{q+1} + a_{q+1}) / 2 (its floor and ceiling for missing orders) is
// rounded half up, and the k-double auction's price is KDoublePriceExact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace v2v::market {

enum class ChainMechanismKind : uint8_t {  // the genesis's byte
  kBayesian = 0,                           // the paper's scheme (Algorithm 1): the default
  kKDoubleAuction = 1,
  kPostedPrice = 2,
  kSbba = 3,
  kMcAfee = 4,
};

inline constexpr int64_t kPartsPerMillion = 1'000'000;

struct ChainMechanism {
  ChainMechanismKind kind = ChainMechanismKind::kBayesian;
  int64_t k_ppm = 0;         // the k-double auction's k, in millionths: [0, 1'000'000]
  int64_t posted_price = 0;  // the posted price, smallest units per kWh: [1, 2^31]
  // McAfee's value floor and cost ceiling (its missing b_{q+1} and a_{q+1}), smallest units per
  // kWh, [0, 2^31]: fixed by the genesis, so that no RSU can move McAfee's p0 to force its
  // reduced trade and keep the spread. Truthful for bids at or above the floor and asks at or
  // below the ceiling.
  int64_t value_floor = 0, cost_ceiling = 0;
  bool operator==(const ChainMechanism&) const = default;
};

// mechanism.h's names: "bayesian", "k-double-auction", "posted-price", "sbba", "mcafee".
std::string_view ChainMechanismName(ChainMechanismKind kind);
// The kind of a name above; nullopt for any other name (vcg included).
std::optional<ChainMechanismKind> ParseChainMechanismKind(std::string_view name);

// OK, or InvalidArgument naming the field: k outside [0, 1'000'000], a posted price outside
// [1, 2^31], a floor or ceiling outside [0, 2^31], or a parameter the kind does not read that is
// not 0.
Status ValidateChainMechanism(const ChainMechanism& m);

// The k-double auction's price of the marginal pair (bid b, ask a): k b + (1 - k) a, rounded
// half up to a whole smallest unit, exact (128-bit). REQUIRES: 0 <= a <= b <= 2^40, k valid.
int64_t KDoublePriceExact(int64_t k_ppm, int64_t b, int64_t a);

// One unit trade: indices into the values and costs given, what its buyer pays and what its seller
// receives per kWh (equal but in McAfee's reduced case, where the buyer pays more).
struct UnitMatch {
  size_t buyer = 0, seller = 0;
  int64_t buyer_pays = 0, seller_receives = 0;
};

// Clears buyers of declared values `values` and sellers of declared costs `costs` (input order is
// the round's, which breaks ties in the ranking) with `m`; SBBA's lottery draws from
// base::Rng(lottery_seed). The trades in the mechanism's order.
// REQUIRES: ValidateChainMechanism(m) OK, m.kind != kBayesian, every price in [0, 2^40].
std::vector<UnitMatch> ClearUnitsOnChain(const ChainMechanism& m, std::span<const int64_t> values,
                                         std::span<const int64_t> costs, uint64_t lottery_seed);

}  // namespace v2v::market
