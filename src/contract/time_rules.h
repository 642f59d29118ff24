// The contract's time rules, in one place: the earliest block time that may take a transaction.
// BlockRun answers "not yet" with these times (tx_verdict.h); the mempool keeps a transaction
// until then (node::LockTime) without executing it.
#pragma once

#include <cstdint>

#include "chain/state.h"
#include "chain/tx.h"

namespace v2v::contract {

// C-4.1: a round is taken only by a block stamped at or after its window closes.
inline int64_t RoundClosesAt(const chain::TradingRound& round) {
  return round.t_stamp_s + round.t_limit_s;
}
// A refund is taken only by a block stamped after its escrow's deadline (a meter report may come
// until then).
inline int64_t RefundableFrom(const chain::Escrow& escrow) { return escrow.deadline_s + 1; }

// The earliest block time the time rules allow `tx` on `state`; 0 when none applies (also for a
// refund of an escrow `state` does not hold: CheckTx rejects it).
int64_t EarliestBlockTime(const chain::State& state, const chain::Tx& tx);

}  // namespace v2v::contract
