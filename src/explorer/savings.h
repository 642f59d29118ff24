// What an account's trades saved against the grid (docs/model.md section 11), for the explorer's
// account page (`state_getAccountSavings`). Pure: rounds in, sums out.
//
// For each trade of a committed round in which the account took part, at the schedule's volume
// (before settlement, as `v2v fleet` counts it):
//   as a buyer:  paid = the escrow's amount, Payment(T, x) + Payment(fee, x) with the fee to the
//                RSU (the area's network fee phi, plus McAfee's spread on a McAfee chain:
//                contract::RoundEscrowsOf); the grid would have cost Payment(O_i, x), where O_i is
//                the buyer's outside option at the round's T_stamp (market::BuyerOptionExact);
//   as a seller: earned = Payment(T, x); fed into the grid, the energy it gave up (x plus the
//                loss) would have earned Payment(F, x + loss) at the feed-in price F.
// Only rounds of an RSU whose area has a grid tariff in the genesis (contract::GridTariffOf) can
// be compared; the others are counted in `rounds` only and add nothing to the sums.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "chain/tx.h"
#include "contract/genesis.h"

namespace v2v::explorer {

// At most this many of an account's newest transactions are read for one answer (each read
// decodes its block: a bound on what one request costs the node).
inline constexpr size_t kMaxSavingsTxs = 200;

struct AccountSavings {
  int64_t rounds = 0;       // committed rounds with a trade of the account
  int64_t grid_rounds = 0;  // of those, rounds priced under a grid tariff
  int64_t bought_wh = 0, paid = 0, grid_cost = 0;
  int64_t sold_wh = 0, given_wh = 0, earned = 0, feed_in_value = 0;
  bool complete = true;  // false: the account has more than kMaxSavingsTxs transactions
  int64_t Saved() const { return grid_cost - paid; }
  int64_t Gained() const { return earned - feed_in_value; }
};

// Adds the trades of `id` in the round transaction `round_tx` (sent by its RSU).
void AddRound(AccountSavings& sums, const std::string& id, const chain::Tx& round_tx,
              const contract::ContractParams& params);

nlohmann::json SavingsJson(const std::string& id, const AccountSavings& s);

}  // namespace v2v::explorer
