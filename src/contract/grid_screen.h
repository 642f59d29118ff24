// Contract rule C-4.7, the grid model on chain (docs/model.md section 11; docs/spec/contract.md):
// in an area whose genesis names a grid tariff, a round's bids are screened against the grid at
// the round's T_stamp before the scheme is checked, in integers (market/grid_tariff.h):
//   - buyer i's range [v_min, v, v_max] is capped at its outside option O_i less the network fee
//     phi; a buyer whose O_i - phi is at or below the feed-in price F is beaten (grid_cheaper);
//   - seller j's [c_min, c, c_max] is raised to its floor F_j; a seller whose F_j is at or above
//     the highest O_i of the buyers kept (or with no buyer kept) is beaten (feed_in_better).
// The round must hold no beaten bid (kBeatenByGrid), and its trades are priced and checked
// (allocation_check.h) on the capped ranges, so every price T satisfies F_j <= T <= O_i - phi. The
// buyer pays T + phi per kWh; phi goes to the RSU (contract/receipts.h NetworkFee). The RSU's
// round builder screens with the same function and leaves beaten bids out, telling the vehicle why.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chain/reject.h"
#include "chain/tx.h"
#include "market/grid_tariff.h"

namespace v2v::contract {

struct GridBeaten {
  bool buyer = true;
  size_t index = 0;  // into the round's buyers or sellers
  market::GridVerdict verdict = market::GridVerdict::kGridCheaper;
  int64_t option = 0;  // the buyer's O_i less the fee, or the seller's F_j
  int64_t bound = 0;   // what it could not beat: F, or the highest O_i kept (0 with none)
};

struct ScreenedBids {
  std::vector<chain::BuyerBid> buyers;    // every buyer, in order, its range capped at O_i
  std::vector<chain::SellerBid> sellers;  // every seller, in order, its range raised to F_j
  std::vector<GridBeaten> beaten;         // buyers first, in order
};

// The buyer's side of the screen, stated once (the screen below and the vehicle gateway ask it):
// its cap O_i - phi at `t_stamp_s`, and kGridCheaper when that is at or below F.
struct BuyerCap {
  int64_t cap = 0;
  market::GridVerdict verdict = market::GridVerdict::kBeatsGrid;
};
BuyerCap BuyerCapOf(const market::GridTariff& tariff, int64_t t_stamp_s, const chain::BuyerBid& b);

// The screen above at `t_stamp_s`. Screening the bids that were not beaten beats none of them.
ScreenedBids ScreenAgainstTariff(const market::GridTariff& tariff, int64_t t_stamp_s,
                                 std::vector<chain::BuyerBid> buyers,
                                 std::vector<chain::SellerBid> sellers);

// A round's bids as its prices are checked: decoded, and screened at its T_stamp when `tariff` is
// set (the area's, GridTariffOf); with none, every bid as signed and nothing beaten.
// REQUIRES: the round passed CheckTxStateless (its bids are bids of the right kind).
ScreenedBids RoundBidsAsPriced(const market::GridTariff* tariff, const chain::TradingRound& round);

// C-4.7 for a round with its decoded bids: kBeatenByGrid naming the first beaten bid, or none.
std::optional<chain::Rejection> CheckNoneBeaten(const ScreenedBids& screened);

}  // namespace v2v::contract
