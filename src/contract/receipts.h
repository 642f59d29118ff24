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
  std::string fee_to = {};  // the network fee (C-4.7) per kWh delivered, and who is paid it
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
  int64_t fee = 0;             // the network fee, to the escrow's fee_to (C-4.7)
  bool operator==(const Settlement&) const = default;
};

// One transaction's effects; all empty for a Register, a Revoke or a Recertify.
struct TxEffects {
  std::vector<EscrowCreated> escrows;
  std::vector<Payment> payments;
  std::vector<Settlement> settlements;
  bool operator==(const TxEffects&) const = default;
};

// A block's execution: the state after it and each transaction's effects, in block order.
struct Executed {
  chain::State state;
  std::vector<TxEffects> effects;
};

// The escrows a round creates when its signed transaction has hash `round_tx` and the block
// that takes it sets the deadline `deadline_s` (block time + settle_window_s), one per trade in
// order. The contract executes exactly these (internal/block_run.cc); a gateway may call it to
// tell bidders their scheme before the round is on chain. REQUIRES: the round passed CheckStateless
// (trade indices within the bids).
// `fee`: the network fee of the RSU's area (NetworkFeeOf), held in each escrow with the price.
struct NetworkFee {
  std::string to;
  int64_t per_kwh = 0;
};
std::vector<EscrowCreated> RoundEscrows(const chain::TradingRound& round, const Hash32& round_tx,
                                        int64_t deadline_s, const NetworkFee& fee = {});

// The fee of RSU `rsu`'s rounds: its area's tariff's fee, paid to the RSU (contract C-4.7); none
// without a grid tariff.
NetworkFee NetworkFeeOf(const ContractParams& params, const std::string& rsu);

}  // namespace v2v::contract
