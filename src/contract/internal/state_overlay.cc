#include "contract/internal/state_overlay.h"

#include <cassert>
#include <utility>

namespace v2v::contract::internal {

const chain::Account* StateOverlay::FindAccount(const std::string& id) const {
  if (auto it = accounts_.find(id); it != accounts_.end()) return &it->second;
  auto it = base_.accounts.find(id);
  return it == base_.accounts.end() ? nullptr : &it->second;
}

chain::Account* StateOverlay::MutableAccount(const std::string& id) {
  JournalAccount(id);
  if (auto it = accounts_.find(id); it != accounts_.end()) return &it->second;
  auto it = base_.accounts.find(id);
  if (it == base_.accounts.end()) return nullptr;
  return &accounts_.emplace(id, it->second).first->second;
}

void StateOverlay::AddAccount(const std::string& id, chain::Account account) {
  assert(FindAccount(id) == nullptr);
  JournalAccount(id);
  accounts_.insert_or_assign(id, std::move(account));
}

const chain::Escrow* StateOverlay::FindEscrow(const Hash32& id) const {
  if (auto it = escrows_.find(id); it != escrows_.end()) {
    return it->second ? &*it->second : nullptr;
  }
  auto it = base_.escrows.find(id);
  return it == base_.escrows.end() ? nullptr : &it->second;
}

void StateOverlay::AddEscrow(const Hash32& id, chain::Escrow escrow) {
  assert(FindEscrow(id) == nullptr);
  JournalEscrow(id);
  escrows_.insert_or_assign(id, std::move(escrow));
}

void StateOverlay::EraseEscrow(const Hash32& id) {
  JournalEscrow(id);
  if (base_.escrows.contains(id)) {
    escrows_.insert_or_assign(id, std::nullopt);
  } else {
    escrows_.erase(id);
  }
}

bool StateOverlay::IsRevoked(const Hash32& cert_hash) const {
  return revoked_.contains(cert_hash) || base_.revoked.contains(cert_hash);
}

bool StateOverlay::AddRevoked(const Hash32& cert_hash) {
  if (IsRevoked(cert_hash)) return false;
  revoked_.insert(cert_hash);
  if (journalling_) journal_.push_back(RevokedWas{cert_hash});
  return true;
}

void StateOverlay::AddLostWh(int64_t wh) {
  if (journalling_) journal_.push_back(LostWas{lost_wh_});
  lost_wh_ += wh;
}

void StateOverlay::JournalAccount(const std::string& id) {
  if (!journalling_ || !journalled_accounts_.insert(id).second) return;
  auto it = accounts_.find(id);
  journal_.push_back(AccountWas{
      id, it == accounts_.end() ? std::nullopt : std::optional<chain::Account>(it->second)});
}

void StateOverlay::JournalEscrow(const Hash32& id) {
  if (!journalling_) return;
  auto it = escrows_.find(id);
  journal_.push_back(EscrowWas{id, it == escrows_.end()
                                       ? std::nullopt
                                       : std::optional<std::optional<chain::Escrow>>(it->second)});
}

void StateOverlay::Savepoint() {
  assert(!journalling_ && "savepoints do not nest");
  journalling_ = true;
}

void StateOverlay::RollBack() {
  for (auto it = journal_.rbegin(); it != journal_.rend(); ++it) {
    if (auto* a = std::get_if<AccountWas>(&*it)) {
      if (a->entry) {
        accounts_.insert_or_assign(a->id, std::move(*a->entry));
      } else {
        accounts_.erase(a->id);
      }
    } else if (auto* e = std::get_if<EscrowWas>(&*it)) {
      if (e->entry) {
        escrows_.insert_or_assign(e->id, std::move(*e->entry));
      } else {
        escrows_.erase(e->id);
      }
    } else if (auto* r = std::get_if<RevokedWas>(&*it)) {
      revoked_.erase(r->cert_hash);
    } else {
      lost_wh_ = std::get<LostWas>(*it).lost_wh;
    }
  }
  Release();
}

void StateOverlay::Release() {
  journal_.clear();
  journalled_accounts_.clear();
  journalling_ = false;
}

chain::State StateOverlay::Merge() const {
  chain::State out = base_;
  for (const auto& [id, a] : accounts_) out.accounts.insert_or_assign(id, a);
  for (const auto& [id, e] : escrows_) {
    if (e) {
      out.escrows.insert_or_assign(id, *e);
    } else {
      out.escrows.erase(id);
    }
  }
  out.revoked.insert(revoked_.begin(), revoked_.end());
  out.supply.lost_wh = lost_wh_;
  return out;
}

std::set<std::string> StateOverlay::ChangedKeys() const {
  std::set<std::string> keys;
  for (const auto& [id, a] : accounts_) keys.insert(chain::AccountKey(id));
  for (const auto& [id, e] : escrows_) keys.insert(chain::EscrowKey(id));
  for (const Hash32& h : revoked_) keys.insert(chain::RevokedKey(h));
  keys.insert(std::string(chain::kSupplyKey));
  return keys;
}

}  // namespace v2v::contract::internal
