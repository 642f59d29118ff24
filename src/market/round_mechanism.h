// A round's bids cleared by a mechanism of mechanism.h instead of Algorithm 1 (`v2v allocate
// --mechanism`, docs/mechanisms.md "On a round's bids").
//
// First Algorithm 1's bid checks (ValidateBuyer, ValidateSeller): a bid that breaks them is
// listed as rejected, as the round lists it, and does not take part. The mechanisms are
// unit-demand: every other buyer is one unit at its declared value v, every other seller one
// unit at its declared cost c, all pooled. Distance, volumes, losses, willingness, the car's
// limits and the grid terms are not read; they are Algorithm 1's. The prior's bounds that the
// Bayesian schemes and McAfee's trade reduction read are the round's: the lowest v_min and the
// highest v_max over the buyers taking part, the lowest c_min and the highest c_max over the
// sellers (MechanismParams' defaults when a side is empty).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "market/bid.h"
#include "market/market_round.h"
#include "market/mechanism.h"

namespace v2v::market {

struct MechanismTrade {
  std::string buyer, seller;  // the bids' ids
  PricePerKwh buyer_pays = 0, seller_receives = 0;
};

struct MechanismClearing {
  std::string mechanism;
  std::vector<Rejection> rejected;     // by Algorithm 1's bid checks, in the market's order
  std::vector<MechanismTrade> trades;  // one unit each, in the mechanism's order
  double surplus = 0;                  // sum of v - c over the trades (declared)
  double budget = 0;                   // paid by buyers less received by sellers
};

// The prior's bounds of the bids as above; k and the posted price keep MechanismParams'.
MechanismParams RoundPriorBounds(const std::vector<BuyerBid>& buyers,
                                 const std::vector<SellerBid>& sellers);

// Clears `m`'s valid bids with the mechanism `name` (NewMechanismByName), reading k and the
// posted price from `given` (its bounds are replaced by the round's), `seed` for SBBA's lottery.
// InvalidArgument as NewMechanismByName.
Result<MechanismClearing> ClearRoundWithMechanism(const Market& m, std::string_view name,
                                                  const MechanismParams& given, uint64_t seed);

// {"mechanism", "rejected": [{"id", "reason"}], "trades": [{"buyer", "seller", "buyer_pays",
//  "seller_receives"}], "surplus", "budget"}; `indent` < 0 gives one line.
std::string MechanismClearingToJson(const MechanismClearing& c, int indent = 2);
// One line per trade, then the rejected bids and the totals.
std::string MechanismClearingToTable(const MechanismClearing& c);

}  // namespace v2v::market
