// The contract's verdict on one transaction against a state at a block time (CheckTx,
// trading_contract.h): accepted; rejected, with the typed code; or not yet: no block stamped
// before `earliest_block_time_s` can take it (a lock time), and one stamped then could.
//
// Not yet comes from the time rules that only the passing of time can satisfy: a trading round
// before its window has closed (C-4.1, T_stamp + T_limit) and a refund before its escrow's
// deadline has passed (C-5.2). A block stamped earlier is refused exactly as before
// (`window_not_closed`, `deadline_not_reached`: `why`); a pool keeps the transaction instead.
#pragma once

#include <cstdint>
#include <variant>

#include "chain/reject.h"

namespace v2v::contract {

struct Accepted {};

struct NotYet {
  int64_t earliest_block_time_s = 0;
  chain::Rejection why;  // what a block stamped before then is refused with
};

using TxVerdict = std::variant<Accepted, chain::Rejection, NotYet>;

inline bool IsAccepted(const TxVerdict& v) { return std::holds_alternative<Accepted>(v); }
inline const chain::Rejection* RejectionOf(const TxVerdict& v) {
  return std::get_if<chain::Rejection>(&v);
}
inline const NotYet* NotYetOf(const TxVerdict& v) { return std::get_if<NotYet>(&v); }

// How a sender's nonce is judged (C-3.2).
enum class NonceRule : uint8_t {
  kNext,            // the account's next nonce exactly: a block
  kAfterCommitted,  // above the account's nonce: a pool whose own rules sequence the pending
                    // transactions (the mempool's nonce rules, the gateway's NextNonce)
};

}  // namespace v2v::contract
