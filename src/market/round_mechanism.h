// A round's bids cleared by a mechanism of mechanism.h instead of Algorithm 1 (`v2v allocate
// --mechanism`, docs/mechanisms.md "On a round's bids").
//
// The mechanisms are unit-demand: every buyer is one unit at its declared value v, every seller
// one unit at its declared cost c, and all the round's traders are pooled. Distance, volumes,
// losses, willingness, the car's limits and the grid terms are not read; they are Algorithm 1's.
// The prior's bounds that the Bayesian schemes and McAfee's trade reduction read are the round's:
// the lowest v_min and the highest v_max over its buyers, the lowest c_min and the highest c_max
// over its sellers (the defaults of MechanismParams when a side is empty).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "market/bid.h"
#include "market/mechanism.h"

namespace v2v::market {

struct MechanismTrade {
  std::string buyer, seller;  // the bids' ids
  PricePerKwh buyer_pays = 0, seller_receives = 0;
};

struct MechanismClearing {
  std::string mechanism;
  std::vector<MechanismTrade> trades;  // one unit each, in the mechanism's order
  double surplus = 0;                  // sum of v - c over the trades (declared)
  double budget = 0;                   // paid by buyers less received by sellers
};

// The round's prior bounds as above; k and the posted price keep MechanismParams' defaults.
MechanismParams RoundPriorBounds(const Market& m);

// Clears `m`'s bids with the mechanism `name` (NewMechanismByName), `k` and `posted_price` as its
// parameters and `seed` for SBBA's lottery. InvalidArgument as NewMechanismByName.
Result<MechanismClearing> ClearRoundWithMechanism(const Market& m, std::string_view name, double k,
                                                  PricePerKwh posted_price, uint64_t seed);

// {"mechanism", "trades": [{"buyer", "seller", "buyer_pays", "seller_receives"}], "surplus",
//  "budget"}; `indent` < 0 gives one line.
std::string MechanismClearingToJson(const MechanismClearing& c, int indent = 2);
// One line per trade, then the totals.
std::string MechanismClearingToTable(const MechanismClearing& c);

}  // namespace v2v::market
