#include "market/bayesian_pricing.h"

#include <cassert>

namespace v2v::market {

PairPrice PriceInDouble(PricePerKwh v, PricePerKwh v_max, PricePerKwh c, PricePerKwh c_min) {
  PairPrice out;
  out.p = v_max / 12.0 + c_min / 4.0 + 2.0 * v / 3.0;
  out.r = c_min / 12.0 + v_max / 4.0 + 2.0 * c / 3.0;
  // P >= R written as the algebraically equal 4(v - c) >= v^max - c^min: it has no division,
  // so it decides exactly as the integer form does whenever the inputs are exact in binary.
  out.trade = 4.0 * (v - c) >= v_max - c_min;
  out.t = out.trade ? (v_max + c_min + 2.0 * v + 2.0 * c) / 6.0 : 0.0;
  return out;
}

ExactPrice PriceExact(int64_t v, int64_t v_max, int64_t c, int64_t c_min) {
  assert(v >= 0 && v <= kMaxExactPrice && v_max >= 0 && v_max <= kMaxExactPrice);
  assert(c >= 0 && c <= kMaxExactPrice && c_min >= 0 && c_min <= kMaxExactPrice);
  ExactPrice out;
  out.p_twelfths = v_max + 3 * c_min + 8 * v;
  out.r_twelfths = c_min + 3 * v_max + 8 * c;
  out.trade = 4 * (v - c) >= v_max - c_min;
  if (out.trade) {
    const int64_t n = v_max + c_min + 2 * v + 2 * c;  // 6 T, non-negative
    out.t = (n + 3) / 6;
  }
  return out;
}

}  // namespace v2v::market
