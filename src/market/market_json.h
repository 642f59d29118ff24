// JSON form of a market and of a round's result (the `v2v allocate` format; docs/cli.md, "Input"
// and "Output").
//
// Parsing is strict: every field listed below is required (radius_m defaults to 1000), must have
// the right JSON type, and unknown keys are refused, so a typo is an error rather than a default.
// Errors are InvalidArgument with the path of the offending field ("buyers[3].v_min: ..."); a key
// given twice in one object is an error naming it ("buyers[0].v: duplicate key"), as are input
// larger than kMaxMarketJsonBytes and nesting deeper than kMaxMarketJsonDepth.
//   {"auctioneer": {"v_min", "c_max", "l1", "l2", "radius_m"?},
//    "buyers":  [{"id", "v", "v_min", "v_max", "b_min", "b_max", "w", "x", "y"}],
//    "sellers": [{"id", "c", "c_min", "c_max", "s_t", "s_r", "rho", "x", "y"}]}
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "market/bid.h"
#include "market/market_round.h"

namespace v2v::market {

inline constexpr size_t kMaxMarketJsonBytes = size_t{16} << 20;  // 16 MiB
inline constexpr size_t kMaxMarketJsonDepth = 16;                // the format needs 3

// Parses and checks structure (ValidateMarketStructure). Never throws.
Result<Market> ParseMarketJson(std::string_view text);

// Serialises a market in the input format (round-trips through ParseMarketJson).
std::string MarketToJson(const Market& market);

// Serialises a round result; `indent` < 0 gives one line.
std::string RoundResultToJson(const RoundResult& result, int indent = 2);

// A human-readable table of the result (pairs that trade, buyers, sellers, totals).
std::string RoundResultToTable(const RoundResult& result);

}  // namespace v2v::market
