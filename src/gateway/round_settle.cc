// RoundBook: the transactions a vehicle sends outside rounds (registration, meter reports,
// refunds) and the co-signature exchange of settlement (docs/spec/vehicle-api.md "Settlement").
// Their ledger rules (the sender's account and certificate, the escrow's party, delivery and
// deadline, registration) are the contract's own, asked through CheckOnLedger; the RSU adds its
// nonce sequencing (CheckNonce) and its policy (vehicles register as vehicles).
#include "crypto/hash.h"
#include "gateway/round_book.h"

namespace v2v::gateway {

namespace {
constexpr size_t kMaxCosigns = 100000;
}

TxResult RoundBook::Submit(const chain::Tx& tx, int64_t now_ms) {
  const bool report = std::holds_alternative<chain::MeterReport>(tx.body);
  if (!report && !std::holds_alternative<chain::Refund>(tx.body)) {
    return Refuse(Reason::kWrongKind, "vehicle_submit takes a signed MeterReport or Refund");
  }
  const Hash32 hash = chain::TxHash(tx);
  if (auto p = pending_.find(tx.sender); p != pending_.end()) {
    for (const Pending& e : p->second) {
      if (e.hash == hash) return hash;  // idempotent
    }
  }
  if (auto r = CheckSignedHere(tx)) return *r;
  if (auto r = CheckNonce(tx)) return *r;
  const chain::State& head = node_.HeadState();
  if (auto r = CheckOnLedger(tx, head, node_.ContractParams(), node_.Verifier(), now_ms / 1000)) {
    if (r->reason == Reason::kDeadlineNotReached) {  // name the deadline the refund waits for
      const auto e = head.escrows.find(std::get<chain::Refund>(tx.body).escrow);
      if (e != head.escrows.end()) r->deadline_s = e->second.deadline_s;
    }
    return *r;
  }
  auto h = node_.Submit(tx);
  if (!h.ok()) return FromNodeAnswer(h);
  pending_[tx.sender].push_back({tx.nonce, 0, 0, 0, hash});
  return hash;
}

TxResult RoundBook::Register(const chain::Tx& tx, int64_t now_ms) {
  const auto* reg = std::get_if<chain::Register>(&tx.body);
  if (reg == nullptr) return Refuse(Reason::kWrongKind, "vehicle_register takes a signed Register");
  if (auto r = CheckSignedHere(tx)) return *r;
  if (reg->role != crypto::Role::kVehicle)
    return Refuse(Reason::kWrongRole, "vehicles register as vehicles");
  if (auto r = CheckOnLedger(tx, node_.HeadState(), node_.ContractParams(), node_.Verifier(),
                             now_ms / 1000)) {
    if (r->reason == Reason::kBadNonce) r->expected_nonce = NextNonce(tx.sender);
    return *r;
  }
  auto h = node_.Submit(tx);
  if (!h.ok()) return FromNodeAnswer(h);
  return *h;
}

std::optional<Refusal> RoundBook::Cosign(const Hash32& escrow, int64_t delivered_wh,
                                         const crypto::PublicKey& buyer_key,
                                         const crypto::Signature& sig) {
  const chain::State& state = node_.HeadState();
  auto e = state.escrows.find(escrow);
  if (e == state.escrows.end())
    return Refuse(Reason::kUnknownEscrow, "no open escrow " + escrow.Hex());
  auto buyer = state.accounts.find(e->second.buyer);
  if (buyer == state.accounts.end() || !(buyer->second.key == buyer_key)) {
    return Refuse(Reason::kKeyMismatch, "not the key of the escrow's buyer");
  }
  if (delivered_wh < 0 || delivered_wh > e->second.energy_wh) {
    return Refuse(Reason::kOverDelivery,
                  "delivered above the scheduled " + std::to_string(e->second.energy_wh) + " Wh");
  }
  if (!crypto::Verify(
          buyer_key, chain::MeterSigningBytes(node_.ContractParams().network, escrow, delivered_wh),
          sig)) {
    return Refuse(Reason::kBadSignature, "the co-signature does not verify");
  }
  nlohmann::json c = {{"type", "cosign"},
                      {"escrow", escrow.Hex()},
                      {"delivered_wh", delivered_wh},
                      {"buyer_key", buyer_key.Hex()},
                      {"signature", ToHex(sig.bytes)}};
  if (!cosigns_.count(escrow)) {
    cosign_order_.push_back(escrow);
    if (cosign_order_.size() > kMaxCosigns) {
      cosigns_.erase(cosign_order_.front());
      cosign_order_.pop_front();
    }
  }
  cosigns_[escrow] = c;
  sink_.ToVehicle(e->second.seller, c);
  return std::nullopt;
}

const nlohmann::json* RoundBook::CosignOf(const Hash32& escrow) const {
  auto it = cosigns_.find(escrow);
  return it == cosigns_.end() ? nullptr : &it->second;
}

}  // namespace v2v::gateway
