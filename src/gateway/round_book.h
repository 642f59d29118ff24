// The RSU's side of Steps 2-5 (docs/model.md section 2; docs/spec/vehicle-api.md), as a pure
// core: the clock is a parameter, the node is a NodePort and the pushes go to a PushSink, so tests
// drive it with no socket and no wall clock.
//
// Rounds overlap. A buyer's accepted request joins an open round or opens a new one; sellers'
// offers join the round they name until its T_stamp + T_limit (ClosesAtMs: a bid arriving then
// or later is refused `deadline_passed`, Step 5). A new round opens only when no open round takes
// a new buyer any more: the newest one is full or has closed, so round k+1 opens at round k's
// deadline, when round k is built, and k waits in the mempool for its block while k+1 fills. At
// most `max_open_rounds` are open and at most `max_rounds_in_flight` opened and not yet on chain
// (open or built): past that a request that would open one is refused `too_many_rounds`.
// A round's number is the server second at which it opens, or the last number + 1 if that is not
// higher; a book starts above every number of this RSU's rounds pending or in recent blocks
// (NodePort::HighestRoundOf), so that an RSU restarted with its clock set back never reuses one.
// T_stamp is the server time at which the RSU accepts the opening request, never the buyer's
// timestamp (which could be kMaxSkewS in the past and close the window as it opens); every bid's
// own timestamp, the opening one included, must be within kMaxSkewS of the server time and
// inside [T_stamp, T_stamp + T_limit] (contract C-4.1).
// Tick() builds each due round, in number order, at the instant its window closes
// (auction::BuildRound), signs it with the RSU key and its next nonce, admits it through the port
// and pushes each participant its trades (the escrows contract::RoundEscrows names, the contract's
// own derivation); a block stamped before the window's end cannot take it, and the node's mempool
// keeps it for a later one (docs/spec/node.md N4.1). OnHead() follows the canonical chain on the
// node's chain event feed (node/chain_events.h), from the receipts of each block's execution:
// `committed` when an applied block holds a round (again after a reorg moves it), `uncommitted`
// when a removed block held it, `settled` / `refunded` for the settlements of the escrows of its
// rounds; a round not in a block by its deadline + the ledger's max round age is `dropped` and its
// bids' nonces released. A book that fell behind the feed (Lagged) pushes nothing for the events it
// lost. Reads (Find, OpenRoundAt, NextNonce, ...) change nothing: only Tick, OnHead, OnTxDropped
// and the requests do.
//
// Nonces: a vehicle's next nonce follows its ledger nonce and the run of nonces in use after it,
// by its bids and transactions pending here or by what the node's mempool holds (another RSU's
// round carrying its bid, gossiped) (NextNonce); a bid must carry exactly it. Identical bytes
// sent again while their round is kept get the first answer (idempotent).
//
// One bad bid does not sink a round: at build time every bid is checked again against the head
// state and the mempool (CheckStillValid: the sender's certificate and key; its nonce above the
// ledger's, used by no pending transaction, following the ledger's or its bid in an earlier round
// here), and a bid that fails is left out (`bid_dropped` to its vehicle). When the node drops a
// round of ours without a block taking it (OnTxDropped: another RSU's round took a bid's nonce, the
// contract refused it, it expired), the round is built again at once from the bids still valid and
// signed with the lowest free RSU nonce, in nonce order with every other built round of ours the
// node no longer holds (the later ones dropped with it, and any dropped in the same batch whose
// drop is still to come), so no RSU nonce is left with a gap below it; a round refused for a
// reason no bid explains, left with no bid, or past the ledger's max round age, is `dropped`.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "chain/tx.h"
#include "contract/receipts.h"
#include "crypto/ed25519.h"
#include "gateway/node_port.h"
#include "gateway/reason.h"
#include "gateway/vehicle_checks.h"
#include "node/chain_events.h"

namespace v2v::gateway {

class PushSink {
 public:
  virtual ~PushSink() = default;
  // To every `vehicle` subscription of `id`.
  virtual void ToVehicle(const std::string& id, const nlohmann::json& result) = 0;
  // To every `calls` subscription within `radius_m` of (x, y).
  virtual void Call(int64_t x_m, int64_t y_m, int64_t radius_m, const nlohmann::json& result) = 0;
};

struct BidAnswer {
  uint64_t round = 0;
  int64_t t_stamp_s = 0, t_limit_s = 0;
  Hash32 bid_hash;
};
using BidResult = std::variant<BidAnswer, Refusal>;
using TxResult = std::variant<Hash32, Refusal>;

enum class RoundState { kOpen, kBuilt, kCommitted, kDropped };
std::string_view RoundStateName(RoundState s);

struct Round {
  uint64_t number = 0;
  int64_t t_stamp_s = 0, t_limit_s = 0;
  RoundState state = RoundState::kOpen;
  std::vector<chain::Tx> buyers, sellers;
  std::map<Hash32, BidAnswer> answers;  // by bid hash
  std::set<std::string> bidders;
  Hash32 round_tx;
  uint64_t rsu_nonce = 0;           // round_tx's nonce
  std::vector<Hash32> earlier_txs;  // versions signed before round_tx (re-signed since)
  std::optional<uint64_t> block;    // height while committed
  Hash32 block_hash;
  nlohmann::json trades = nlohmann::json::array();  // every trade, as pushed (with buyer/seller)
  std::vector<Hash32> escrows;                      // one per trade
  std::string drop_reason;
  int64_t deadline_s() const { return t_stamp_s + t_limit_s; }
};

// The server time (Unix ms) at which r's window closes, T_stamp + T_limit: a bid arriving then or
// later is refused `deadline_passed` (Step 5: the RSU drops replies that arrive after
// T_stamp + T_limit), and the round is built.
inline int64_t ClosesAtMs(const Round& r) { return r.deadline_s() * 1000; }

struct RoundBookOptions {
  std::string rsu;  // this RSU's account id (its certificate's name)
  AuctionParams auction;
  int64_t t_limit_s = 10;
  size_t max_bids_per_round = chain::kMaxBidsPerRound;  // a round's capacity (bids)
  size_t max_open_rounds = 4;
  size_t max_rounds_in_flight = 16;  // opened and not yet on chain: open or built
  size_t max_rounds_kept = 4096;     // and at most one hour
  size_t max_pending_vehicles = 100000;
};

class RoundBook {
 public:
  RoundBook(RoundBookOptions options, crypto::PrivateKey key, NodePort& node, PushSink& sink);

  BidResult Request(const chain::Tx& tx, int64_t now_ms);  // a signed BuyerBid
  BidResult Offer(const chain::Tx& tx, int64_t now_ms);    // a signed SellerBid
  TxResult Submit(const chain::Tx& tx, int64_t now_ms);    // a signed MeterReport or Refund
  TxResult Register(const chain::Tx& tx, int64_t now_ms);  // a signed Register
  // The buyer's co-signature of a meter reading, pushed to the escrow's seller.
  std::optional<Refusal> Cosign(const Hash32& escrow, int64_t delivered_wh,
                                const crypto::PublicKey& buyer_key, const crypto::Signature& sig);
  const nlohmann::json* CosignOf(const Hash32& escrow) const;

  void Tick(int64_t now_ms);  // builds a due round; drops stale ones; forgets old ones
  // Takes the chain events waiting (blocks removed and applied: the pushes above), then Tick.
  // Called after every head change (the node's feed delivery wakes it).
  void OnHead(int64_t now_ms);
  // Called when the feed delivers events to this book (NodeGateway: OnHead); empty: none.
  void WakeOnChainEvents(std::function<void()> wake) { chain_->SetWake(std::move(wake)); }
  // The node's mempool dropped transaction `tx` without a block taking it (`code`: why, e.g.
  // kStaleNonce, a contract code, kExpired, kPredecessorDropped). Its nonce is free at once; a
  // round of ours is built and signed again (see above) with every later one the node dropped.
  void OnTxDropped(const Hash32& tx, chain::Reject code, int64_t now_ms);
  // When Tick has work next (the earliest build time of the open rounds), if a round is open.
  std::optional<int64_t> NextTickMs() const;

  uint64_t NextNonce(const std::string& id) const;
  const Round* Find(uint64_t number) const;
  // The newest open round, if any.
  const Round* OpenRound() const { return open_.empty() ? nullptr : Find(*open_.rbegin()); }
  // The round a new buyer joins at now_ms, as a read sees it: the newest open round, before it
  // closes and not full; none when a request would open the next one (Tick builds due rounds; a
  // read does not).
  const Round* OpenRoundAt(int64_t now_ms) const;
  // The round a buyer should sign now: the one it joins (OpenRoundAt), else the next number.
  uint64_t CurrentRoundNumber(int64_t now_ms) const;
  size_t RoundsInFlight() const;               // opened and not yet on chain: open or built
  std::vector<const Round*> InFlight() const;  // those rounds, in number order
  uint64_t lagged() const { return lagged_; }  // times the book fell behind the chain feed
  const RoundBookOptions& options() const { return options_; }
  const NodePort& node() const { return node_; }

 private:
  struct Pending {
    uint64_t nonce = 0;
    int64_t money = 0, energy_wh = 0;
    uint64_t round = 0;  // 0: a transaction, not a bid
    Hash32 hash;
  };
  struct EscrowParties {
    std::string buyer, seller;
    uint64_t round = 0;
  };
  // The network (contract::CheckNetwork, C-3.0), then CheckSigned (structure and signatures); bytes
  // that pass are noted at the node, which then does not verify them again, alone or inside our
  // round (NodePort::NoteChecked).
  std::optional<Refusal> CheckSignedHere(const chain::Tx& tx);
  // What every bid passes before its round is looked at, for a bid naming `rsu` signed at
  // `timestamp_s`: the answer already given to these bytes (idempotent), or a refusal (signature,
  // sender, nonce, RSU, clock skew); nullopt: go on.
  std::optional<BidResult> Screen(const chain::Tx& tx, const std::string& rsu, int64_t timestamp_s,
                                  int64_t now_ms);
  std::optional<Refusal> CheckNonce(const chain::Tx& tx) const;
  // A request for `round`, which is not open: may it open it now?
  std::optional<Refusal> CheckOpen(uint64_t round, int64_t timestamp_s, int64_t now_ms) const;
  // A bid for the open round `r`.
  std::optional<Refusal> CheckJoin(const chain::Tx& tx, const Round& r, int64_t timestamp_s,
                                   int64_t now_ms) const;
  // A bid for `round`, which is not open: closed (deadline_passed) or wrong.
  Refusal NotOpen(uint64_t round, int64_t now_ms) const;
  bool TakesNewBuyer(const Round& r, int64_t now_ms) const;
  BidAnswer Accept(Round& r, const chain::Tx& tx, int64_t money, int64_t energy_wh);
  std::pair<int64_t, int64_t> Reserved(const std::string& id) const;
  bool PendingHere(const std::string& id, uint64_t nonce) const;
  void Build(Round& r, int64_t now_ms);
  // r is built by the signed `tx` (hash `h`) whose trades create `escrows`: its trades, escrows
  // and the `scheme` pushes.
  void Record(Round& r, const chain::Tx& tx, const Hash32& h,
              const std::vector<contract::EscrowCreated>& escrows);
  void Drop(Round& r, const std::string& reason);
  void Repend(const Round& r);
  void ReleaseRound(uint64_t round);
  void ReleaseTx(const Hash32& hash);  // the pending entry with this hash, if any
  // round_verdict.cc: a bid accepted earlier, checked again when `round` is built.
  std::optional<Refusal> CheckStillValid(const chain::Tx& bid, uint64_t round, int64_t now_s) const;
  size_t LeaveOutInvalidBids(Round& r, int64_t now_s);  // returns how many
  // Forgets `bid` in r (answer, bidder, its nonce) and tells its vehicle `bid_dropped` with `why`;
  // the caller removes it from r's bid lists.
  void LeaveOut(Round& r, const chain::Tx& bid, const Refusal& why);
  void Unbuild(Round& r);
  // Signs r again after the node dropped it for `code`; a round refused for itself is signed again
  // only without a bid that explains it.
  void Rebuild(Round& r, chain::Reject code, bool refused_for_itself, int64_t now_ms);
  void Push(const Round& r, const nlohmann::json& result);  // to every bidder of r
  void OnRemoved(const node::BlockRemoved& removed);
  void OnApplied(const node::BlockApplied& applied);
  void PushSettlement(const contract::Settlement& s, uint64_t height);
  void Forget(int64_t now_ms);

  RoundBookOptions options_;
  crypto::PrivateKey key_;
  NodePort& node_;
  PushSink& sink_;
  std::map<uint64_t, Round> rounds_;
  std::set<uint64_t> open_;  // numbers of the open rounds
  uint64_t last_round_ = 0;
  std::map<Hash32, uint64_t> bid_round_;  // bid hash -> round (idempotency)
  std::map<std::string, std::vector<Pending>> pending_;
  std::map<Hash32, uint64_t> round_by_tx_;  // built rounds by transaction hash
  std::map<Hash32, EscrowParties> escrows_;
  std::map<Hash32, nlohmann::json> cosigns_;
  std::deque<Hash32> cosign_order_;
  std::shared_ptr<node::ChainSubscription> chain_;  // from construction on
  uint64_t lagged_ = 0;
};

// Each bidder's trades in r as its `scheme` push lists them, by vehicle id.
std::map<std::string, nlohmann::json> TradesByBidder(const Round& r);

}  // namespace v2v::gateway
