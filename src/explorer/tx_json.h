// JSON views of ledger transactions for the explorer: a one-line summary for lists and the full
// decoding of every body (a round's parameters, bids, trades with their escrow ids and payments,
// and certificate; a meter report's escrow and delivery; registrations, refunds, revocations,
// recertifications).
#pragma once

#include <nlohmann/json.hpp>

#include "chain/tx.h"

namespace v2v::explorer {

// "register", "buyer_bid", "seller_bid", "round", "meter_report", "refund", "revoke",
// "recertify".
const char* TxKindName(chain::TxKind kind);

// hash, kind, sender, nonce, and per kind a few figures (a round: rsu, round, bids, trades,
// volume_wh, and the volume-weighted mean price).
nlohmann::json TxSummaryJson(const chain::Tx& tx);

// The summary plus the sender's key, the network it was signed for, and the decoded body under
// "body" (for a round, each trade names its buyer, seller, escrow id and payment).
nlohmann::json TxDetailJson(const chain::Tx& tx);

}  // namespace v2v::explorer
