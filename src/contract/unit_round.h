// Contract rule C-4.9, a round cleared by the mechanism the genesis names (docs/spec/contract.md;
// market/chain_mechanism.h). When the genesis names a unit mechanism instead of the paper's
// scheme, a round's trades are exactly the ones computed here from its bids, and the contract
// recomputes them (there is no certificate to check: the certificate must be all zeros):
//   1. the buyers' declared v and the sellers' declared c, in the round's order (after the grid
//      screen of C-4.7 where the area has a tariff, so on capped ranges), are cleared by
//      market::ClearUnitsOnChain; SBBA's lottery seed is LotterySeedOf(round), McAfee's value
//      floor and cost ceiling the genesis's (never the round's: the RSU could move them);
//   2. each matched pair moves the most it can: x = min(b_max, the seller's supply less its
//      losses (MaxDeliveredWh of SupplyWh), the cars' cap PairCapWh of C-4.8); the pair trades
//      only if it is within the radius and x >= max(b_min, 1) Wh (otherwise the match lapses and
//      nobody takes its place);
//   3. the trades are sorted by (buyer, seller), each at the price its seller receives; in
//      McAfee's reduced case the buyer pays more, and the RSU keeps the spread (escrowed as part
//      of the escrow's fee, paid to the RSU on delivery).
// The escrows, payments and settlement are then the same as for the paper's scheme.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chain/reject.h"
#include "chain/tx.h"
#include "market/chain_mechanism.h"

namespace v2v::contract {

// SBBA's lottery seed for a round: the first 8 bytes, big-endian, of SHA-256 over the domain tag
// "v2v.lottery" and the signatures of its buyers' and then its sellers' bids. Every node derives
// the same seed; it is not unbiased: the RSU chooses which bids a round holds, and a vehicle can
// sign many variants of its bid, so either can try seeds (the RSU gains nothing from SBBA's draw,
// a seller it colludes with would).
uint64_t LotterySeedOf(const chain::TradingRound& round);

// The largest x with x + chain::LossWh(x, rho_ppm) <= supply_wh (0 when supply_wh <= 0).
int64_t MaxDeliveredWh(int64_t supply_wh, int64_t rho_ppm);

// A trade of a unit round and its auctioneer's spread: what its buyer pays per kWh above the
// trade's price (what its seller receives). Non-zero only in McAfee's reduced case, where the
// RSU that ran the round keeps it (receipts.h RoundEscrowsOf).
struct UnitTrade {
  chain::Trade trade;
  int64_t spread = 0;
};

// Steps 1-3 above, each trade with its spread. `buyers`/`sellers` are the round's decoded bids,
// screened under a grid. REQUIRES: mechanism valid and not the paper's scheme; the round passed
// CheckTxStateless.
std::vector<UnitTrade> UnitRoundClearing(const market::ChainMechanism& mechanism,
                                         const chain::TradingRound& round,
                                         const std::vector<chain::BuyerBid>& buyers,
                                         const std::vector<chain::SellerBid>& sellers);
// The trades alone: what the round must list.
std::vector<chain::Trade> UnitRoundTrades(const market::ChainMechanism& mechanism,
                                          const chain::TradingRound& round,
                                          const std::vector<chain::BuyerBid>& buyers,
                                          const std::vector<chain::SellerBid>& sellers);

// C-4.9: none when the round's trades are UnitRoundTrades' and its certificate is all zeros;
// otherwise the first difference: kBadPrice (a pair at another price), kConstraintViolated
// (a pair with another volume), kNotOptimal (another matching), kMalformed (a non-zero
// certificate).
std::optional<chain::Rejection> CheckUnitRound(const market::ChainMechanism& mechanism,
                                               const chain::TradingRound& round,
                                               const std::vector<chain::BuyerBid>& buyers,
                                               const std::vector<chain::SellerBid>& sellers);

}  // namespace v2v::contract
