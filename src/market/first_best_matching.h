// The first best of unit traders when only some pairs may trade: the maximum-welfare matching of
// buyers (one unit each at value v_i) with sellers (one unit each at cost c_j) over a list of
// allowed pairs, as within an RSU's radius (docs/mechanisms.md, "The fair benchmark").
//
// When every pair is allowed this is FirstBestSurplus (mechanism.h): the ranked pairs. With pairs
// forbidden the ranking no longer works (the best buyer's only neighbour may be the one seller a
// lesser buyer needs too), so the matching is solved exactly as a min-cost flow: source -> each
// buyer -> each allowed seller (cost c_j - v_i) -> sink, all capacities one, by successive
// shortest augmenting paths (Dijkstra on reduced costs with node potentials), stopping at the
// first path that gains nothing. Each augmentation adds one pair and the flow of each size is
// the cheapest of that size, whose cost is convex in the size, so the first path that does not
// lower the cost ends the search at the optimum. O(k (V + E) log V) for k matched pairs, V
// traders and E allowed pairs with v_i >= c_j.
#pragma once

#include <span>
#include <vector>

namespace v2v::market {

// A buyer and a seller who may trade: indices into the values and the costs.
struct UnitPair {
  int buyer = 0;
  int seller = 0;
  bool operator==(const UnitPair&) const = default;
};

struct UnitMatching {
  double surplus = 0;           // the sum of v_i - c_j over the pairs
  std::vector<UnitPair> pairs;  // each buyer and each seller at most once; sorted by buyer
};

// The largest sum of v_i - c_j over matchings that use only `allowed` pairs with v_i >= c_j, and
// one such matching. A pair listed twice counts once. Exact up to rounding: a path whose gain is
// below 1e-12 of the largest price's magnitude (at least 1e-12) is not taken, so pairs that gain
// nothing may be left out of the matching. REQUIRES: every value and cost finite, every pair's
// indices within the spans.
UnitMatching FirstBestMatching(std::span<const double> values, std::span<const double> costs,
                               std::span<const UnitPair> allowed);

}  // namespace v2v::market
