#include "contract/internal/block_run.h"

#include <algorithm>

#include "chain/tx_check.h"
#include "contract/allocation_check.h"
#include "contract/grid_screen.h"
#include "contract/time_rules.h"
#include "contract/trading_contract.h"
#include "contract/unit_round.h"
#include "crypto/hash.h"
#include "market/bid_bounds.h"

namespace v2v::contract::internal {

using chain::Reject;
using chain::Rejected;

namespace {

bool AddTo(int64_t& target, int64_t delta) {
  return !__builtin_add_overflow(target, delta, &target);
}

// Algorithm 1 (C-4.2): market/bid_bounds.h states the bounds.
std::optional<chain::Rejection> CheckBuyerBounds(const chain::TradingRound& r,
                                                 const chain::BuyerBid& b) {
  switch (market::BuyerBoundBroken(r.v_min, b.v, b.v_min, b.v_max)) {
    case market::BidBound::kNone:
      return std::nullopt;
    case market::BidBound::kVMin:
      return Rejected(Reject::kInvalidBid, "buyer v_min below v^min");
    default:
      return Rejected(Reject::kInvalidBid, "v outside [v_min, v_max]");
  }
}

std::optional<chain::Rejection> CheckSellerBounds(const chain::TradingRound& r,
                                                  const chain::SellerBid& s) {
  switch (market::SellerBoundBroken(r.c_max, s.c, s.c_min, s.c_max)) {
    case market::BidBound::kNone:
      return std::nullopt;
    case market::BidBound::kCMax:
      return Rejected(Reject::kInvalidBid, "seller c_max above c^max");
    default:
      return Rejected(Reject::kInvalidBid, "c outside [c_min, c_max]");
  }
}

}  // namespace

std::optional<chain::Rejection> BlockRun::Apply(const chain::Tx& tx, TxEffects* effects) {
  not_yet_.reset();
  effects_ = effects;
  if (auto r = CheckNetwork(tx, params_)) return r;
  Check result = std::visit(
      [&](const auto& body) -> Check {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, chain::Register>) {
          return ApplyRegister(tx, body);
        } else if constexpr (std::is_same_v<T, chain::TradingRound>) {
          return ApplyRound(tx, body);
        } else if constexpr (std::is_same_v<T, chain::MeterReport>) {
          return ApplyMeter(tx, body);
        } else if constexpr (std::is_same_v<T, chain::Refund>) {
          return ApplyRefund(tx, body);
        } else if constexpr (std::is_same_v<T, chain::Revoke>) {
          return ApplyRevoke(tx, body);
        } else if constexpr (std::is_same_v<T, chain::Recertify>) {
          return ApplyRecertify(tx, body);
        } else {
          return Rejected(Reject::kMalformed, "a bid travels inside its RSU's trading round");
        }
      },
      tx.body);
  effects_ = nullptr;
  return result;
}

TxVerdict BlockRun::Try(const chain::Tx& tx, TxEffects* effects) {
  s_.Savepoint();
  TxEffects recorded;  // kept only if the transaction is accepted
  Check r = Apply(tx, effects != nullptr ? &recorded : nullptr);
  if (!r) {
    s_.Release();
    if (effects != nullptr) *effects = std::move(recorded);
    return Accepted{};
  }
  s_.RollBack();
  if (not_yet_) return NotYet{*not_yet_, std::move(*r)};
  return std::move(*r);
}

BlockRun::Check BlockRun::NotYetUntil(int64_t earliest_s, chain::Rejection why) {
  not_yet_ = earliest_s;
  return why;
}

BlockRun::Check BlockRun::CertificateValid(const chain::Account& a, crypto::Role role) {
  if (s_.IsRevoked(a.cert_hash)) return Rejected(Reject::kCertRevoked, "on the ledger");
  auto key = std::make_pair(a.cert_hash, role);
  auto it = cert_cache_.find(key);
  if (it == cert_cache_.end()) {
    IdentityResult r = verifier_.VerifyKnown(a.certificate, a.cert_hash, role, now_);
    Check c;
    if (auto* rej = std::get_if<chain::Rejection>(&r)) c = *rej;
    it = cert_cache_.emplace(key, c).first;
  }
  return it->second;
}

BlockRun::Check BlockRun::CheckSigner(const std::string& id, const crypto::PublicKey& key,
                                      crypto::Role role) {
  const chain::Account* found = s_.FindAccount(id);
  if (found == nullptr) return Rejected(Reject::kUnknownAccount, id);
  if (found->role != role) return Rejected(Reject::kWrongRole, id);
  if (auto r = CertificateValid(*found, role)) return r;
  if (found->key != key) return Rejected(Reject::kKeyMismatch, id);
  return std::nullopt;
}

BlockRun::Check BlockRun::Authenticate(const chain::Tx& tx, crypto::Role role,
                                       chain::Account** out) {
  if (auto r = CheckSigner(tx.sender, tx.sender_key, role)) return r;
  const chain::Account* found = s_.FindAccount(tx.sender);
  const bool exact = nonces_ == NonceRule::kNext;
  if (exact ? tx.nonce != found->nonce + 1 : tx.nonce <= found->nonce) {
    const std::string expected =
        exact ? std::to_string(found->nonce + 1) : "above " + std::to_string(found->nonce);
    return Rejected(Reject::kBadNonce,
                    tx.sender + ": nonce " + std::to_string(tx.nonce) + ", expected " + expected);
  }
  chain::Account* a = s_.MutableAccount(tx.sender);
  a->nonce = tx.nonce;
  *out = a;
  return std::nullopt;
}

BlockRun::Check BlockRun::ApplyRegister(const chain::Tx& tx, const chain::Register& body) {
  if (s_.FindAccount(tx.sender)) return Rejected(Reject::kAlreadyRegistered, tx.sender);
  IdentityResult r = verifier_.Verify(body.certificate, body.role, now_);
  if (auto* rej = std::get_if<chain::Rejection>(&r)) return *rej;
  const Identity& id = std::get<Identity>(r);
  if (s_.IsRevoked(id.cert_hash)) return Rejected(Reject::kCertRevoked, "on the ledger");
  if (id.id != tx.sender) return Rejected(Reject::kBadCertificate, "certificate is for " + id.id);
  if (id.key != tx.sender_key) return Rejected(Reject::kKeyMismatch, tx.sender);
  if (tx.nonce != 1) return Rejected(Reject::kBadNonce, "registration carries nonce 1");
  chain::Account a;
  a.role = body.role;
  a.certificate = body.certificate;
  a.cert_hash = id.cert_hash;
  a.key = id.key;
  a.nonce = 1;
  s_.AddAccount(tx.sender, std::move(a));
  return std::nullopt;
}

BlockRun::Check BlockRun::CheckBidders(const chain::Tx& tx, const chain::TradingRound& body) {
  auto window = [&](const std::string& rsu, uint64_t round, int64_t ts) -> Check {
    if (rsu != tx.sender || round != body.round) {
      return Rejected(Reject::kMalformed, "bid addressed to another RSU or round");
    }
    if (!InWindow(ts, body.t_stamp_s, body.t_limit_s)) {
      return Rejected(Reject::kBidOutsideWindow, std::to_string(ts));
    }
    return std::nullopt;
  };
  chain::Account* a = nullptr;
  for (const chain::Tx& bid : body.buyers) {
    const auto& b = std::get<chain::BuyerBid>(bid.body);
    if (auto r = window(b.rsu, b.round, b.timestamp_s)) return r;
    if (auto r = CheckBuyerBounds(body, b)) return r;
    if (auto r = Authenticate(bid, crypto::Role::kVehicle, &a)) return r;
  }
  for (const chain::Tx& bid : body.sellers) {
    const auto same = [&bid](const chain::Tx& b) { return b.sender == bid.sender; };
    if (std::any_of(body.buyers.begin(), body.buyers.end(), same)) {
      return Rejected(Reject::kDuplicate, bid.sender + " both buys and sells in one round");
    }
    const auto& s = std::get<chain::SellerBid>(bid.body);
    if (auto r = window(s.rsu, s.round, s.timestamp_s)) return r;
    if (auto r = CheckSellerBounds(body, s)) return r;
    if (auto r = Authenticate(bid, crypto::Role::kVehicle, &a)) return r;
    if (s.s_t_wh > a->energy_wh) {
      return Rejected(Reject::kInsufficientEnergy, bid.sender + " claims more than it holds");
    }
  }
  return std::nullopt;
}

BlockRun::Check BlockRun::ApplyRound(const chain::Tx& tx, const chain::TradingRound& body) {
  chain::Account* rsu = nullptr;
  if (auto r = Authenticate(tx, crypto::Role::kRsu, &rsu)) return r;
  const int64_t close = RoundClosesAt(body);
  if (now_ < close) {
    return NotYetUntil(close, Rejected(Reject::kWindowNotClosed, "block before T_stamp + T_limit"));
  }
  if (now_ - close > params_.max_round_age_s) {
    return Rejected(Reject::kWindowNotClosed, "round recorded too late");
  }
  if (auto r = CheckBidders(tx, body)) return r;
  // C-4.7: priced on the ranges the grid caps, none beaten.
  const ScreenedBids priced = RoundBidsAsPriced(GridTariffOf(params_, tx.sender), body);
  if (auto r = CheckNoneBeaten(priced)) return r;
  if (params_.mechanism.kind != market::ChainMechanismKind::kBayesian) {  // C-4.9
    if (auto r = CheckUnitRound(params_.mechanism, body, priced.buyers, priced.sellers)) return r;
  } else if (auto r = CheckAllocation(body, priced.buyers, priced.sellers)) {
    return r;
  }
  return Escrow(tx, body);
}

BlockRun::Check BlockRun::Escrow(const chain::Tx& tx, const chain::TradingRound& body) {
  for (EscrowCreated& e : RoundEscrowsOf(params_, tx.sender, body, chain::TxHash(tx),
                                         now_ + params_.settle_window_s)) {
    chain::Account& buyer = *s_.MutableAccount(e.buyer);  // authenticated: they exist
    chain::Account& seller = *s_.MutableAccount(e.seller);
    if (buyer.balance < e.amount) return Rejected(Reject::kOverspend, e.buyer);
    if (seller.energy_wh < e.energy_wh + e.loss_wh) {
      return Rejected(Reject::kInsufficientEnergy, e.seller);
    }
    buyer.balance -= e.amount;
    seller.energy_wh -= e.energy_wh + e.loss_wh;
    s_.AddEscrow(e.escrow, e.ToEscrow());
    if (effects_) effects_->escrows.push_back(std::move(e));
  }
  return std::nullopt;
}

BlockRun::Check BlockRun::ApplyMeter(const chain::Tx& tx, const chain::MeterReport& body) {
  const chain::Escrow* found = s_.FindEscrow(body.escrow);
  if (found == nullptr) return Rejected(Reject::kUnknownEscrow, body.escrow.Hex());
  const chain::Escrow e = *found;
  if (tx.sender != e.seller) return Rejected(Reject::kNotParty, "the seller sends the reading");
  chain::Account* seller = nullptr;
  if (auto r = Authenticate(tx, crypto::Role::kVehicle, &seller)) return r;
  if (now_ > e.deadline_s) return Rejected(Reject::kDeadlinePassed, body.escrow.Hex());
  if (body.delivered_wh > e.energy_wh) return Rejected(Reject::kOverDelivery, body.escrow.Hex());
  chain::Account& buyer = *s_.MutableAccount(e.buyer);  // an escrow's parties exist
  if (auto r = CertificateValid(buyer, crypto::Role::kVehicle)) return r;
  // The co-signature itself was verified with the context-free checks (tx_check).
  if (body.buyer_key != buyer.key) return Rejected(Reject::kKeyMismatch, "meter co-signer");
  const int64_t pay = chain::Payment(e.price, body.delivered_wh);
  const int64_t fee = chain::Payment(e.fee, body.delivered_wh);  // C-4.7, to the round's RSU
  const int64_t loss = chain::LossWh(body.delivered_wh, e.rho_ppm);
  if (fee != 0) {
    chain::Account* rsu = s_.MutableAccount(e.fee_to);  // it sent the round: it exists
    if (rsu == nullptr || !AddTo(rsu->balance, fee)) return Rejected(Reject::kOverflow, "fee");
  }
  // pay + fee <= amount and delivered + loss <= energy + loss_wh: the roundings are monotone.
  if (!AddTo(seller->balance, pay) || !AddTo(buyer.balance, e.amount - pay - fee) ||
      !AddTo(buyer.energy_wh, body.delivered_wh) ||
      !AddTo(seller->energy_wh, e.energy_wh + e.loss_wh - body.delivered_wh - loss)) {
    return Rejected(Reject::kOverflow, "settlement");
  }
  // A shortfall: the seller, whose meter reading it is, pays the buyer the genesis penalty per
  // kWh traded and not delivered, as far as its balance (the payment included) goes.
  const int64_t penalty =
      std::min(seller->balance,
               chain::Payment(params_.shortfall_penalty_per_kwh, e.energy_wh - body.delivered_wh));
  seller->balance -= penalty;
  if (!AddTo(buyer.balance, penalty)) return Rejected(Reject::kOverflow, "shortfall penalty");
  s_.AddLostWh(loss);
  s_.EraseEscrow(body.escrow);
  if (effects_) {
    effects_->payments.push_back(
        {body.escrow, e.buyer, e.seller, pay, body.delivered_wh, fee, fee != 0 ? e.fee_to : ""});
    effects_->settlements.push_back(
        {body.escrow, SettlementKind::kMetered, e.buyer, e.seller, body.delivered_wh, loss, pay,
         e.amount - pay - fee, e.energy_wh + e.loss_wh - body.delivered_wh - loss, penalty, fee});
  }
  return std::nullopt;
}

BlockRun::Check BlockRun::ApplyRefund(const chain::Tx& tx, const chain::Refund& body) {
  const chain::Escrow* found = s_.FindEscrow(body.escrow);
  if (found == nullptr) return Rejected(Reject::kUnknownEscrow, body.escrow.Hex());
  const chain::Escrow e = *found;
  if (tx.sender != e.seller && tx.sender != e.buyer) return Rejected(Reject::kNotParty, tx.sender);
  chain::Account* sender = nullptr;
  if (auto r = Authenticate(tx, crypto::Role::kVehicle, &sender)) return r;
  if (now_ < RefundableFrom(e)) {
    return NotYetUntil(RefundableFrom(e), Rejected(Reject::kDeadlineNotReached, body.escrow.Hex()));
  }
  if (!AddTo(s_.MutableAccount(e.buyer)->balance, e.amount) ||
      !AddTo(s_.MutableAccount(e.seller)->energy_wh, e.energy_wh + e.loss_wh)) {
    return Rejected(Reject::kOverflow, "refund");
  }
  s_.EraseEscrow(body.escrow);
  if (effects_) {
    effects_->settlements.push_back({body.escrow, SettlementKind::kRefunded, e.buyer, e.seller, 0,
                                     0, 0, e.amount, e.energy_wh + e.loss_wh, 0});
  }
  return std::nullopt;
}

BlockRun::Check BlockRun::ApplyRevoke(const chain::Tx& tx, const chain::Revoke& body) {
  if (tx.sender_key != params_.ca_key) return Rejected(Reject::kKeyMismatch, "only the CA revokes");
  if (!s_.AddRevoked(body.certificate)) {
    return Rejected(Reject::kDuplicate, "certificate already revoked");
  }
  return std::nullopt;
}

// C-3.6: the CA gives an account a new certificate, only while the account holds the one it
// replaces. The new one is checked as a registration's is (valid now, for the account's role, not
// revoked on the ledger, naming the account); the account's key becomes the one it binds, and the
// replaced certificate joins the ledger's revocation set.
BlockRun::Check BlockRun::ApplyRecertify(const chain::Tx& tx, const chain::Recertify& body) {
  if (tx.sender_key != params_.ca_key) {
    return Rejected(Reject::kKeyMismatch, "only the CA recertifies");
  }
  const chain::Account* found = s_.FindAccount(body.account);
  if (found == nullptr) return Rejected(Reject::kUnknownAccount, body.account);
  if (found->cert_hash != body.replaces) {
    return Rejected(Reject::kStaleCertificate,
                    body.account + " holds certificate " + found->cert_hash.Hex());
  }
  IdentityResult r = verifier_.Verify(body.certificate, found->role, now_);
  if (auto* rej = std::get_if<chain::Rejection>(&r)) return *rej;
  const Identity& id = std::get<Identity>(r);
  if (id.cert_hash == found->cert_hash) {
    return Rejected(Reject::kDuplicate, "the account already holds this certificate");
  }
  if (s_.IsRevoked(id.cert_hash)) return Rejected(Reject::kCertRevoked, "on the ledger");
  if (id.id != body.account) {
    return Rejected(Reject::kBadCertificate, "certificate is for " + id.id);
  }
  chain::Account* a = s_.MutableAccount(body.account);
  a->certificate = body.certificate;
  a->cert_hash = id.cert_hash;
  a->key = id.key;
  // The replaced certificate is retired: revoked on the ledger (if the CA has not revoked it
  // already), so that no Recertify can give it back and an older Recertify sent again finds the
  // account moved on for good.
  s_.AddRevoked(body.replaces);
  return std::nullopt;
}

}  // namespace v2v::contract::internal
