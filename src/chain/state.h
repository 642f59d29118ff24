// Ledger state: accounts, escrows and the supply totals, as plain ordered values.
//
// The state is a sorted set of (key, value) entries with canonical bytes (EncodeEntries); the
// store persists exactly these entries and the state root is the Merkle root (merkle.h) of
// MerkleLeaf(u32 len key || key || u32 len value || value) in key order, so every node computes
// the same root. Keys: "a/" + account id, "e/" + 32-byte escrow id, "r/" + 32-byte revoked
// certificate hash (value: the empty "v2v.revoked" record), "s" for the supply.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chain/tx.h"

namespace v2v::chain {

struct Account {
  crypto::Role role = crypto::Role::kVehicle;
  Bytes certificate;  // as registered; re-verified at each use against the block time
  Hash32 cert_hash;   // SHA-256 of certificate
  crypto::PublicKey key;
  int64_t energy_wh = 0;
  int64_t balance = 0;  // smallest currency unit
  uint64_t nonce = 0;   // transactions sent so far; the next must carry nonce + 1
  bool operator==(const Account&) const = default;
};

// A buyer's payment and a seller's energy held for one trade until metering or the deadline.
struct Escrow {
  std::string buyer, seller;
  int64_t energy_wh = 0;  // scheduled delivery
  int64_t loss_wh = 0;    // scheduled loss (ceil(energy * rho_ppm / 1e6))
  int64_t price = 0;      // smallest units per kWh
  int64_t amount = 0;     // Payment(price, energy_wh), held from the buyer
  int64_t rho_ppm = 0;
  int64_t deadline_s = 0;  // a meter report must come at or before; a refund after
  // Per kWh delivered, paid from `amount` to `fee_to` (the RSU that ran the round): the network
  // fee (contract C-4.7) plus, on a McAfee chain, the spread of its reduced trade (C-4.9); 0: none.
  // amount = Payment(price, energy) + Payment(fee, energy).
  std::string fee_to = {};
  int64_t fee = 0;
  bool operator==(const Escrow&) const = default;
};

// Conservation bookkeeping: fixed totals from genesis and the energy lost in transfers.
struct Supply {
  int64_t money = 0;      // sum of balances + escrowed amounts, forever
  int64_t energy_wh = 0;  // sum of energies + escrowed energy and loss + lost_wh, forever
  int64_t lost_wh = 0;    // energy lost in metered transfers so far
  bool operator==(const Supply&) const = default;
};

struct State {
  std::map<std::string, Account> accounts;
  std::map<Hash32, Escrow> escrows;
  std::set<Hash32> revoked;  // certificate hashes revoked on the ledger
  Supply supply;
  bool operator==(const State&) const = default;
};

// Canonical entries in key order.
using Entries = std::map<std::string, Bytes>;
Entries EncodeEntries(const State& state);
Result<State> DecodeEntries(const Entries& entries);
Hash32 StateRoot(const Entries& entries);
inline Hash32 StateRoot(const State& state) { return StateRoot(EncodeEntries(state)); }
// The value EncodeEntries(state) has under `key`; nullopt when it has none.
std::optional<Bytes> EncodeEntry(const State& state, const std::string& key);
// The Merkle leaf of one entry: MerkleLeaf(str key || blob value).
Hash32 StateLeaf(std::string_view key, ByteSpan value);

std::string AccountKey(const std::string& id);
std::string EscrowKey(const Hash32& id);
std::string RevokedKey(const Hash32& cert_hash);
inline constexpr std::string_view kSupplyKey = "s";

// Payment for `energy_wh` Wh at `price` per kWh: round(price * energy_wh / 1000), halves up.
// Exact integer arithmetic; the buyer pays and the seller receives this same number, so money
// is conserved whatever the rounding. REQUIRES: 0 <= price, energy_wh <= 2^31 (no overflow).
int64_t Payment(int64_t price, int64_t energy_wh);
// Transfer loss in whole Wh: ceil(energy_wh * rho_ppm / 1e6). REQUIRES: arguments <= 2^31.
int64_t LossWh(int64_t energy_wh, int64_t rho_ppm);

}  // namespace v2v::chain
