// Pricing mechanisms side by side on the same draws of buyers' values v and sellers' costs c.
//
//   bayesian               the paper (Theorem 1): trade iff P >= R, at T = (P + R)/2, with the
//                          common prior v ~ U[v_lo, v_hi], c ~ U[c_lo, c_hi] as each side's
//                          belief (v^max = v_hi, c^min = c_lo).
//   complete-info          both know both values; trade iff v >= c, at (v + c)/2
//                          (docs/model.md section 9).
//   single-price           a posted price p0: trade iff c <= p0 <= v, at p0.
//   uniform-double-auction the conventional P2P market: the draws are grouped into markets of
//                          `uda_market_size` buyers and as many sellers, who bid truthfully;
//                          the k trades that clear (k-th highest bid >= k-th lowest ask) all
//                          happen at the uniform price halfway between the k-th bid and ask
//                          (k-double auction with k = 1/2).
//   efficient              the first-best benchmark, implemented as the bilateral VCG
//                          mechanism: trade iff v >= c; the buyer pays c, the seller receives v.
//                          It is efficient and truthful but pays out a deficit of v - c per trade
//                          (Myerson-Satterthwaite), so buyer + seller surplus is twice the
//                          surplus; mean_price is the buyer's payment.
// Bilateral mechanisms pair draw i's buyer with draw i's seller.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace v2v::sim {

enum class Mechanism { kBayesian, kCompleteInfo, kSinglePrice, kUniformDoubleAuction, kEfficient };
inline constexpr Mechanism kAllMechanisms[] = {
    Mechanism::kBayesian, Mechanism::kCompleteInfo, Mechanism::kSinglePrice,
    Mechanism::kUniformDoubleAuction, Mechanism::kEfficient};
std::string_view MechanismName(Mechanism m);

// Uniform-price k-double auction with truthful bids (market/mechanism.h's NewKDoubleAuction):
// the k trades that clear (k-th highest bid >= k-th lowest ask) all happen at
// k_weight * marginal bid + (1 - k_weight) * marginal ask.
// `price` is nan when nothing clears. REQUIRES: 0 <= k_weight <= 1.
struct Clearing {
  int trades = 0;
  double price = 0;
  double marginal_bid = 0, marginal_ask = 0;
};
Clearing ClearUniformDoubleAuction(const std::vector<double>& bids, const std::vector<double>& asks,
                                   double k_weight = 0.5);

struct MechanismSetting {
  std::string name;
  double v_lo = 0, v_hi = 1;  // buyers' values
  double c_lo = 0, c_hi = 1;  // sellers' costs
  double single_price = 0.5;
};
// The settings of mechanisms.csv: unit-square and paper-fig9 (docs/model.md section 9,
// paper Fig. 9).
std::vector<MechanismSetting> StandardSettings();

struct MechanismStats {
  std::string mechanism, setting;
  int64_t pairs = 0;
  double trade_probability = 0;        // trades / pairs
  double surplus_per_pair = 0;         // sum of (v - c) over trades / pairs
  double buyer_surplus_per_pair = 0;   // sum of (v - buyer's payment) / pairs
  double seller_surplus_per_pair = 0;  // sum of (seller's receipt - c) / pairs
  double mean_price = 0;               // mean buyer payment per trade
};

// Draws `pairs` (v, c) from the setting with the seed and runs every mechanism on them.
// REQUIRES: pairs >= 1, uda_market_size >= 1.
std::vector<MechanismStats> CompareMechanisms(const MechanismSetting& setting, int64_t pairs,
                                              uint64_t seed, int uda_market_size = 10);

}  // namespace v2v::sim
