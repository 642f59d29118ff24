// A ledger state seen through the changes the contract makes to it: reads fall through to the
// base state, writes stay in the overlay (copy-on-write, one account or escrow at a time). So
// checking one transaction against the head, or filling a block, costs what the transactions
// touch, never a copy of the whole state; Merge() makes the state after them.
//
// Savepoints: between Savepoint() and Release() every change is journalled, so RollBack()
// returns the overlay to exactly what it was at the savepoint (a transaction the producer leaves
// out). With no savepoint open nothing is journalled (a block that is validated is discarded
// whole on a failure). Private to contract/.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "chain/state.h"

namespace v2v::contract::internal {

class StateOverlay {
 public:
  // `base` must outlive the overlay and not change while it is used.
  explicit StateOverlay(const chain::State& base) : base_(base), lost_wh_(base.supply.lost_wh) {}

  const chain::Account* FindAccount(const std::string& id) const;
  // The account to change (copied into the overlay at its first change); null if none.
  chain::Account* MutableAccount(const std::string& id);
  // REQUIRES: FindAccount(id) == nullptr.
  void AddAccount(const std::string& id, chain::Account account);

  const chain::Escrow* FindEscrow(const Hash32& id) const;
  // REQUIRES: FindEscrow(id) == nullptr.
  void AddEscrow(const Hash32& id, chain::Escrow escrow);
  void EraseEscrow(const Hash32& id);

  bool IsRevoked(const Hash32& cert_hash) const;
  // False (and no change) if already revoked.
  bool AddRevoked(const Hash32& cert_hash);

  void AddLostWh(int64_t wh);

  // Opens a savepoint: changes from now on can be undone. Savepoints do not nest.
  void Savepoint();
  // Undoes every change since the savepoint and closes it.
  void RollBack();
  // Keeps the changes since the savepoint and closes it.
  void Release();

  // The base state with every change.
  chain::State Merge() const;
  // The state keys (chain/state.h) of every entry Merge() may give another value or erase: the
  // accounts, escrows and revocations changed, and the supply.
  std::set<std::string> ChangedKeys() const;

 private:
  // What an overlay entry was before a change (nullopt: the overlay had no entry for it).
  struct AccountWas {
    std::string id;
    std::optional<chain::Account> entry;
  };
  struct EscrowWas {
    Hash32 id;
    std::optional<std::optional<chain::Escrow>> entry;  // inner nullopt: erased
  };
  struct RevokedWas {
    Hash32 cert_hash;  // was not in the overlay's set
  };
  struct LostWas {
    int64_t lost_wh;
  };
  using Undo = std::variant<AccountWas, EscrowWas, RevokedWas, LostWas>;

  void JournalAccount(const std::string& id);
  void JournalEscrow(const Hash32& id);

  const chain::State& base_;
  std::map<std::string, chain::Account> accounts_;          // changed or added
  std::map<Hash32, std::optional<chain::Escrow>> escrows_;  // changed, added or erased
  std::set<Hash32> revoked_;                                // added
  int64_t lost_wh_;
  bool journalling_ = false;
  std::vector<Undo> journal_;
  std::set<std::string> journalled_accounts_;  // since the savepoint: journalled once each
};

}  // namespace v2v::contract::internal
