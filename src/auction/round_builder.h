// The RSU's side of a trading round: from the signed bids it accepted to the scheme it records
// (a TradingRound body, unsigned). Not run by validating nodes, which only check the result
// (contract/allocation_check.h), so it may use floating point freely.
//
// Steps: keep the bids that pass Algorithm 1 (the round leaves the others out; they must resubmit),
// sort by sender id, under a grid tariff leave out the bids the grid beats and price the others on
// their capped ranges (contract/grid_screen.h, C-4.7), form every in-range pair that may trade at
// its exact price, admit buyers by decreasing v (market/admission.h), solve the volume program
// (market/welfare_optimizer.h) and round volumes down to whole Wh. To make the rounded volumes meet
// the exact constraints, the program is solved with each admitted buyer's b_min raised by one Wh
// per pair and each seller's supply lowered by one Wh per pair (rounding moves a total by less than
// that). Under a unit mechanism the genesis names (C-4.9), the kept and screened bids are cleared
// by contract::UnitRoundTrades instead of the last four steps.
#pragma once

#include <optional>
#include <vector>

#include "base/result.h"
#include "chain/tx.h"
#include "contract/grid_screen.h"
#include "market/chain_mechanism.h"

namespace v2v::auction {

struct RoundParams {
  uint64_t round = 0;
  int64_t t_stamp_s = 0, t_limit_s = 60;
  int64_t v_min = 0, c_max = 0;
  int64_t l1_micro = 1, l2_micro = 0;
  int64_t radius_m = 1000;
  // The RSU area's grid tariff from the genesis (contract::GridTariffOf); unset: the paper's model.
  std::optional<market::GridTariff> grid;
  // The genesis's mechanism (contract C-4.9): the paper's scheme by default; a unit mechanism's
  // trades are contract::UnitRoundTrades of the kept (and screened) bids, with a zero certificate.
  market::ChainMechanism mechanism = {};
};

// A signed bid the grid beat (contract C-4.7), left out of the round with the reason.
struct GridLeftOutBid {
  chain::Tx bid;
  contract::GridBeaten why;  // why.index: its place among the bids screened
};

struct BuiltRound {
  chain::TradingRound round;
  std::vector<GridLeftOutBid> grid_left_out;
};

// The round's own fields (number, window, bounds, loss factors, radius) from its parameters, with
// no bids, trades or certificate.
chain::TradingRound EmptyRound(const RoundParams& params);

// REQUIRES: each bid passed CheckTxStateless. Internal error only if the solver fails.
Result<BuiltRound> BuildRound(const RoundParams& params, std::vector<chain::Tx> buyer_bids,
                              std::vector<chain::Tx> seller_bids);

}  // namespace v2v::auction
