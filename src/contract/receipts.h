// What executing a transaction did, as the contract reports it (docs/spec/contract.md C-7): the
// escrows a trading round created, and the payment and settlement a meter report or a refund
// made. TradingContract::Execute returns them with the state, one TxEffects per transaction in
// block order, so the node's chain event feed (node/chain_events.h) publishes receipts of the
// execution itself and no module derives escrow ids or payments again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "chain/state.h"
#include "chain/state_leaves.h"
#include "chain/tx.h"
#include "contract/genesis.h"

namespace v2v::contract {

// One escrow a trading round created (C-4.6), with the escrow's terms as stored.
struct EscrowCreated {
  Hash32 escrow;       // EscrowId(round transaction hash, trade)
  uint32_t trade = 0;  // index in the round's trades
  std::string buyer, seller;
  int64_t energy_wh = 0, loss_wh = 0, price = 0, amount = 0, rho_ppm = 0;
  int64_t deadline_s = 0;
  // What the buyer pays per kWh delivered to the round's RSU `fee_to`: the network fee (C-4.7)
  // plus, on a McAfee chain, the spread of its reduced trade (C-4.9).
  std::string fee_to = {};
  int64_t fee = 0;

  chain::Escrow ToEscrow() const {
    return {buyer, seller, energy_wh, loss_wh, price, amount, rho_ppm, deadline_s, fee_to, fee};
  }
  bool operator==(const EscrowCreated&) const = default;
};

// Money an escrow paid its seller for metered energy (C-5.1): the buyer's payment.
struct Payment {
  Hash32 escrow;
  std::string buyer, seller;  // payer, payee
  int64_t amount = 0;         // Payment(price, delivered_wh)
  int64_t delivered_wh = 0;
  int64_t fee = 0;          // Payment(escrow fee, delivered_wh), from the buyer to fee_to
  std::string fee_to = {};  // the RSU that ran the round; empty with no fee
  bool operator==(const Payment&) const = default;
};

enum class SettlementKind : uint8_t { kMetered, kRefunded };

// An escrow closed (C-5.1 / C-5.2) and where its money and energy went.
struct Settlement {
  Hash32 escrow;
  SettlementKind kind = SettlementKind::kMetered;
  std::string buyer, seller;
  int64_t delivered_wh = 0;    // to the buyer (0 for a refund)
  int64_t lost_wh = 0;         // LossWh(delivered_wh), recorded as lost
  int64_t paid = 0;            // to the seller
  int64_t returned_money = 0;  // back to the buyer
  int64_t returned_wh = 0;     // back to the seller
  int64_t penalty = 0;         // from the seller to the buyer for energy not delivered
  int64_t fee = 0;             // the escrow's fee (network fee and spread), to its fee_to
  bool operator==(const Settlement&) const = default;
};

// One transaction's effects; all empty for a Register, a Revoke or a Recertify.
struct TxEffects {
  std::vector<EscrowCreated> escrows;
  std::vector<Payment> payments;
  std::vector<Settlement> settlements;
  bool operator==(const TxEffects&) const = default;
};

// A block's execution: the state after it, each transaction's effects in block order, and the
// state entries the block wrote or erased, encoded with their leaves (chain/state_leaves.h: the
// state root follows from the parent's leaves and these, not from the whole state again).
struct Executed {
  chain::State state;
  std::vector<TxEffects> effects;
  chain::EntryChanges changes = {};
};

// The escrows a round creates when its signed transaction has hash `round_tx` and the block
// that takes it sets the deadline `deadline_s` (block time + settle_window_s), one per trade in
// order. REQUIRES: the round passed CheckStateless (trade indices within the bids).
// `fee`: the network fee of the RSU's area (NetworkFeeOf); `spreads`: per trade, the auctioneer's
// spread of a McAfee round (C-4.9; empty: none). Each escrow holds Payment(price, x) +
// Payment(fee + spread, x) from the buyer, and records fee + spread as its `fee`, paid to the RSU
// (`fee.to`) per kWh delivered; with fee + spread = 0 it records no fee.
struct NetworkFee {
  std::string to;  // the RSU that ran the round
  int64_t per_kwh = 0;
};
std::vector<EscrowCreated> RoundEscrows(const chain::TradingRound& round, const Hash32& round_tx,
                                        int64_t deadline_s, const NetworkFee& fee = {},
                                        const std::vector<int64_t>& spreads = {});

// The escrows the contract executes for RSU `rsu`'s round under `params` (internal/block_run.cc),
// and a gateway calls to tell bidders their scheme before the round is on chain: RoundEscrows with
// the area's fee and, under McAfee, each trade's spread (contract/unit_round.h UnitRoundClearing of
// the round's bids as priced, RoundBidsAsPriced). REQUIRES: as RoundEscrows, and the round passed
// C-4.7 under params (its bids are the ones priced).
std::vector<EscrowCreated> RoundEscrowsOf(const ContractParams& params, const std::string& rsu,
                                          const chain::TradingRound& round, const Hash32& round_tx,
                                          int64_t deadline_s);

// The fee of RSU `rsu`'s rounds: its area's tariff's fee, paid to the RSU (contract C-4.7); 0
// without a grid tariff. `to` is the RSU either way.
NetworkFee NetworkFeeOf(const ContractParams& params, const std::string& rsu);

}  // namespace v2v::contract
