// RoundBook: a bid accepted earlier is checked again when its round is built, against the head
// state and the node's mempool, and left out if it can no longer apply: the contract applies a
// round whole or not at all, so one bad bid would sink every trade of the round.
#include <algorithm>

#include "gateway/admission.h"
#include "gateway/round_book.h"

namespace v2v::gateway {

std::optional<Refusal> RoundBook::CheckStillValid(const chain::Tx& bid, uint64_t round,
                                                  int64_t now_s) const {
  const chain::State& head = node_.HeadState();
  if (auto r = CheckSender(bid, head, node_.Verifier(), now_s)) return r;
  const uint64_t committed = head.accounts.at(bid.sender).nonce;
  const std::string n = "nonce " + std::to_string(bid.nonce);
  if (bid.nonce <= committed) return Refuse(Reason::kReplayed, n + " already used on the ledger");
  if (auto user = node_.PendingNonceUser(bid.sender, bid.nonce)) {
    return Refuse(Reason::kNonceTaken, n + " is used by pending transaction " + user->Hex());
  }
  // It follows the ledger's nonce or the vehicle's bid in an earlier round here: a block applies
  // this RSU's rounds in their nonce order (that of their numbers), but other senders'
  // transactions in any order.
  const uint64_t before = bid.nonce - 1;
  auto p = pending_.find(bid.sender);
  const bool earlier_here =
      p != pending_.end() && std::any_of(p->second.begin(), p->second.end(), [&](const Pending& e) {
        return e.round != 0 && e.round < round && e.nonce == before;
      });
  if (before > committed && !earlier_here) {
    return Refuse(Reason::kBadNonce, "nonce " + std::to_string(before) +
                                         " is neither on the ledger nor in a round here");
  }
  return std::nullopt;
}

size_t RoundBook::LeaveOutInvalidBids(Round& r, int64_t now_s) {
  size_t left_out = 0;
  for (std::vector<chain::Tx>* bids : {&r.buyers, &r.sellers}) {
    for (auto it = bids->begin(); it != bids->end();) {
      auto why = CheckStillValid(*it, r.number, now_s);
      if (!why) {
        ++it;
        continue;
      }
      const Hash32 hash = chain::TxHash(*it);
      sink_.ToVehicle(it->sender, {{"type", "bid_dropped"},
                                   {"round", r.number},
                                   {"bid_hash", hash.Hex()},
                                   {"reason", ReasonName(why->reason)},
                                   {"detail", why->detail}});
      r.answers.erase(hash);
      bid_round_.erase(hash);
      r.bidders.erase(it->sender);
      ReleaseTx(hash);
      it = bids->erase(it);
      ++left_out;
    }
  }
  return left_out;
}

}  // namespace v2v::gateway
