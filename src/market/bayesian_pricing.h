// Pricing by the Bayesian game's linear equilibrium (paper Theorem 1, docs/model.md
// section 3).
//
//   P_ij = v_i^max/12 + c_j^min/4 + 2 v_i/3          (eq. 5; Algorithm 2's v_i^min is a typo)
//   R_ji = c_j^min/12 + v_i^max/4 + 2 c_j/3          (eq. 6)
//   the pair may trade iff P_ij >= R_ji, at T_ij = (P_ij + R_ji)/2.
//
// Two forms: PriceInDouble for analysis and simulation, and ExactPrice for the ledger, where
// prices are integers in the smallest currency unit per kWh (docs/model.md section 3.4). Both are
// pure.
#pragma once

#include <cstdint>

#include "market/bid.h"

namespace v2v::market {

struct PairPrice {
  PricePerKwh p = 0;  // buyer's bid P_ij
  PricePerKwh r = 0;  // seller's ask R_ji
  PricePerKwh t = 0;  // transaction price T_ij (meaningful only when trade)
  bool trade = false;
};

// Double-precision pricing from the four numbers that matter.
PairPrice PriceInDouble(PricePerKwh v, PricePerKwh v_max, PricePerKwh c, PricePerKwh c_min);
inline PairPrice PriceInDouble(const BuyerBid& b, const SellerBid& s) {
  return PriceInDouble(b.v, b.v_max, s.c, s.c_min);
}

// Integer pricing for the ledger. Inputs are whole smallest currency units per kWh, each in
// [0, kMaxExactPrice]. P and R are kept exactly as twelfths; the trade test is the exact
// integer test 4(v - c) >= v^max - c^min; T = (v^max + c^min + 2v + 2c)/6 is rounded to the
// nearest integer, ties rounded up (floor((n + 3) / 6); n >= 0).
inline constexpr int64_t kMaxExactPrice = int64_t{1} << 40;
struct ExactPrice {
  int64_t p_twelfths = 0;  // 12 * P = v^max + 3 c^min + 8 v
  int64_t r_twelfths = 0;  // 12 * R = c^min + 3 v^max + 8 c
  int64_t t = 0;           // rounded T, smallest units per kWh (0 when !trade)
  bool trade = false;
};
// REQUIRES: every argument in [0, kMaxExactPrice] (checked with assert; callers validate).
ExactPrice PriceExact(int64_t v, int64_t v_max, int64_t c, int64_t c_min);

}  // namespace v2v::market
