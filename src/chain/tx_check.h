// Context-free transaction checks: everything that can be decided from the transaction's own
// bytes, with no state and no block (like bitcoin's consensus/tx_check.h). Kept apart from the
// contract's state-dependent checks so that a node can run them once on receipt (and in
// parallel), and so that they can never depend on anything but the transaction.
//
// Checked here: id syntax, every field within its structural range (units in tx.h), sorted and
// unique bids, trade indices and certificate sizes, the sender's signature and every nested
// bid's signature. Not here: certificates, nonces, balances, prices, windows (contract/).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "chain/reject.h"
#include "chain/tx.h"

namespace v2v::chain {

// Structural limits. Keeping prices, energies and coordinates below 2^31 makes every product
// the contract forms (price * Wh, Wh * ppm, dx^2 + dy^2) fit in int64 exactly.
inline constexpr int64_t kMaxPrice = int64_t{1} << 31;
inline constexpr int64_t kMaxEnergyWh = int64_t{1} << 31;
inline constexpr int64_t kMaxCoordinateM = int64_t{1} << 30;
inline constexpr int64_t kMaxRhoPpm = 10'000'000;  // loss rate 10 (market/bid.h kMaxLossRate)
inline constexpr int64_t kMaxWillingnessMilli = 5000;
inline constexpr int64_t kMaxTimeS = int64_t{1} << 40;
// A car's stated limits (contract C-4.8): a power in (0, 1 MW] (market/bid.h kMaxPowerKw), a
// departure after the bid's timestamp and at most a week after it (kMaxStayS).
inline constexpr int64_t kMaxPowerW = 1'000'000;
inline constexpr int64_t kMaxStayS = 7 * 86'400;
inline constexpr int64_t kMaxTLimitS = 3600;

bool ValidId(const std::string& id);

// Whether a bid nested in a trading round already passed CheckTxStateless on its own (its
// signature is then not verified again).
using NestedChecked = std::function<bool(const Tx& bid)>;

// nullopt when the transaction passes; otherwise the first failure. With `checked`, a nested bid
// that already passed these checks on its own keeps its signature unverified (its structure is
// still checked as part of the round's).
std::optional<Rejection> CheckTxStateless(const Tx& tx, const NestedChecked& checked = {});

// The same checks in two parts, so that a caller can verify the signatures of many
// transactions (nested bids included) in parallel: CheckTxStructure is everything but the
// signatures; SignatureJobs lists the (key, message, signature) triples CheckTxStateless
// verifies. CheckTxStateless(tx) == CheckTxStructure(tx), then every job verifying.
struct SignatureJob {
  const crypto::PublicKey* key = nullptr;
  Bytes message;
  const crypto::Signature* signature = nullptr;
  const std::string* who = nullptr;  // for the rejection text
};
std::optional<Rejection> CheckTxStructure(const Tx& tx);
// The jobs of `tx` and of its nested bids, except those of the bids `checked` names.
void AppendSignatureJobs(const Tx& tx, std::vector<SignatureJob>& jobs,
                         const NestedChecked& checked = {});
std::optional<Rejection> VerifyJob(const SignatureJob& job);

}  // namespace v2v::chain
