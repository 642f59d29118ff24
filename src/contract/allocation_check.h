// Checks a trading round's scheme against its bids (docs/model.md sections 3-4,
// docs/spec/contract.md C-4.x): exact prices, exact constraints, and optimality through the
// recorded certificate.
//
// Exact (integer) checks:
//   - every trade's pair may trade (4(v - c) >= v^max - c^min) and its price is PriceExact's T;
//   - the pair is within the radius: dx^2 + dy^2 <= radius^2;
//   - each buyer gets 0 (unserved) or b_min <= X_i <= b_max Wh;
//   - each seller gives sum_i (x_ij + LossWh(x_ij, rho_j)) <= SupplyWh = s_t - max(s_r, target) Wh;
//   - C-4.8: x_ij <= PairCapWh (the cars' stated powers and departures).
// Tolerance checks (doubles, kWh and smallest units; the solver is ~1e-8 accurate, so these are
// far looser than it and cannot reject an honest scheme, yet catch any material deviation):
//   - the Theorem 2 cap: x_ij <= 1000 u_ij + kCapSlackWh;
//   - KKT conditions of the volume program with the certificate's duals, for every in-range
//     tradable pair of each served buyer (trades absent from the list count as x = 0):
//       lambda_i = w_i / (X_i - b_min_i + 1) + mu_min_i - mu_max_i,  mu >= 0, gamma >= 0;
//       mc_ij = rho_j (2 l1 x_ij + l2) + gamma_j (1 + rho_j);
//       x_ij interior -> |lambda_i - mc_ij| <= tol; x_ij = 0 -> lambda_i <= mc_ij + tol;
//       x_ij at its cap -> lambda_i >= mc_ij - tol;  mu_min_i > tol only if X_i is at b_min,
//       mu_max_i > tol only if at b_max, gamma_j > tol only if seller j's supply is used up,
//     where "at" a bound means within kRoundSlackWh per edge of it, and
//       tol = kRelTol * max(1, |lambda_i|, |mc_ij|) + (w_i + 2 rho_j l1 (1 + rho_j)) * slack_kwh.
// Not checked: which buyers were admitted (an unserved buyer's exclusion is the RSU's word).
#pragma once

#include <optional>
#include <vector>

#include "chain/reject.h"
#include "chain/tx.h"

namespace v2v::contract {

inline constexpr double kRelTol = 1e-2;
inline constexpr int64_t kCapSlackWh = 2;
inline constexpr int64_t kRoundSlackWh = 2;

// REQUIRES: round passed CheckTxStateless; buyers/sellers are its decoded bids, same order.
std::optional<chain::Rejection> CheckAllocation(const chain::TradingRound& round,
                                                const std::vector<chain::BuyerBid>& buyers,
                                                const std::vector<chain::SellerBid>& sellers);

// Theorem 2 cap in kWh for a price in smallest units per kWh; +inf when rho == 0.
double CapKwh(int64_t price, int64_t rho_ppm, int64_t l1_micro, int64_t l2_micro);
// Whether buyer and seller are within radius (exact integers).
bool InRange(const chain::BuyerBid& b, const chain::SellerBid& s, int64_t radius_m);
// C-4.8, the car as it is: the most the pair may move in a round that closes at `close_s`
// (T_stamp + T_limit), in Wh: the lower stated power for the shorter stay up to the earlier
// stated departure (market::PowerTimeCapWh); nullopt when either is not stated by either car.
std::optional<int64_t> PairCapWh(const chain::BuyerBid& b, const chain::SellerBid& s,
                                 int64_t close_s);
// What a seller may give up, losses included: down to the higher of its reserve and its target.
int64_t SupplyWh(const chain::SellerBid& s);

}  // namespace v2v::contract
