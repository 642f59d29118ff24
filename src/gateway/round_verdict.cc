// RoundBook: the verdict on a round's bids, and the node's verdict on the round.
// A bid accepted earlier is checked again when its round is built, against the head state and
// the node's mempool, and left out if it can no longer apply: the contract applies a round whole
// or not at all, so one bad bid would sink every trade of the round.
// A round transaction the mempool drops without a block taking it (another RSU's round took a
// bid's nonce, the contract refused it, it expired) frees its RSU nonce at once; the round is
// built again from the bids that can still apply and signed with the lowest free nonce, and so
// is every later round the node dropped with it (a dropped transaction takes its sender's later
// nonces with it: node/mempool.h). Without this, every later round would be signed past the gap
// and park until it aged out.
#include <algorithm>

#include "gateway/round_book.h"
#include "gateway/vehicle_checks.h"

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
      LeaveOut(r, *it, *why);
      it = bids->erase(it);
      ++left_out;
    }
  }
  return left_out;
}

void RoundBook::LeaveOut(Round& r, const chain::Tx& bid, const Refusal& why) {
  const Hash32 hash = chain::TxHash(bid);
  sink_.ToVehicle(bid.sender, {{"type", "bid_dropped"},
                               {"round", r.number},
                               {"bid_hash", hash.Hex()},
                               {"reason", ReasonName(why.reason)},
                               {"detail", why.detail}});
  r.answers.erase(hash);
  bid_round_.erase(hash);
  r.bidders.erase(bid.sender);
  ReleaseTx(hash);
}

void RoundBook::Unbuild(Round& r) {
  ReleaseTx(r.round_tx);  // its RSU nonce
  for (const Hash32& e : r.escrows) escrows_.erase(e);
  r.escrows.clear();
  r.trades = nlohmann::json::array();
}

void RoundBook::Rebuild(Round& r, chain::Reject code, bool refused_for_itself, int64_t now_ms) {
  const std::string why(chain::RejectName(code));
  if (now_ms / 1000 > r.deadline_s() + node_.ContractParams().max_round_age_s) {
    return Drop(r, "the node dropped the round (" + why + ") past the ledger's max round age");
  }
  // Refused for itself: built again only without a bid that explains it.
  if (refused_for_itself && LeaveOutInvalidBids(r, now_ms / 1000) == 0) {
    return Drop(r, "the ledger refused the round: " + why);
  }
  Build(r, now_ms);
}

void RoundBook::OnTxDropped(const Hash32& tx, chain::Reject code, int64_t now_ms) {
  ReleaseTx(tx);
  auto it = round_by_tx_.find(tx);
  if (it == round_by_tx_.end()) return;
  Round& dropped = rounds_.at(it->second);
  if (dropped.state != RoundState::kBuilt || dropped.round_tx != tx) return;
  // Every built round of ours whose transaction the node no longer holds and the chain does not
  // hold either: the later ones dropped with this one, and any the node dropped in the same batch
  // whose drop we have not heard yet (the drops come one at a time). A round among them that is
  // dropped for good frees its nonce before the later ones are signed again, so no nonce of ours
  // is left with a gap below it (cluster-sim seed 424311).
  const auto rsu = node_.HeadState().accounts.find(options_.rsu);
  const uint64_t committed = rsu == node_.HeadState().accounts.end() ? 0 : rsu->second.nonce;
  std::vector<Round*> redo;
  for (auto& [n, r] : rounds_) {
    // The dropped round itself even when its RSU nonce is at or below the committed one: another
    // transaction of ours took that nonce (kStaleNonce), such as a round this RSU signed before
    // its node restarted and that another node sealed since (cluster-sim seed 249048722).
    const bool gone =
        &r == &dropped || (r.rsu_nonce > committed &&
                           node_.PendingNonceUser(options_.rsu, r.rsu_nonce) != r.round_tx);
    if (r.state == RoundState::kBuilt && gone) redo.push_back(&r);
  }
  std::sort(redo.begin(), redo.end(),
            [](const Round* a, const Round* b) { return a->rsu_nonce < b->rsu_nonce; });
  // Refused for itself (a bid in it), or only for its place among our nonces.
  const bool own_nonce_taken = dropped.rsu_nonce <= committed;
  const bool for_itself = !own_nonce_taken && code != chain::Reject::kPredecessorDropped &&
                          code != chain::Reject::kExpired;
  for (Round* r : redo) Unbuild(*r);  // every nonce free before the first is signed again
  for (Round* r : redo) {
    if (r == &dropped) {
      Rebuild(*r, code, for_itself, now_ms);
    } else {
      Rebuild(*r, chain::Reject::kPredecessorDropped, false, now_ms);
    }
  }
}

}  // namespace v2v::gateway
