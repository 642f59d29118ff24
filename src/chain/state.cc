#include "chain/state.h"

#include "chain/merkle.h"
#include "chain/tx_check.h"
#include "codec/codec.h"

namespace v2v::chain {
namespace {

Bytes EncodeAccount(const Account& a) {
  codec::Writer w("v2v.account");
  w.U8(static_cast<uint8_t>(a.role));
  w.Blob(a.certificate);
  w.Hash(a.cert_hash);
  w.Raw(a.key.bytes);
  w.I64(a.energy_wh);
  w.I64(a.balance);
  w.U64(a.nonce);
  return w.Take();
}

Result<Account> DecodeAccount(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.account");
  Account a;
  const uint8_t role = r.U8();
  if (role != 1 && role != 2) r.Fail("unknown role");
  a.role = static_cast<crypto::Role>(role);
  a.certificate = r.Blob(kMaxCertificateBytes);
  a.cert_hash = r.Hash();
  a.key.bytes = r.Fixed<32>();
  a.energy_wh = r.I64();
  a.balance = r.I64();
  a.nonce = r.U64();
  V2V_RETURN_IF_ERROR(r.Finish());
  return a;
}

Bytes EncodeEscrow(const Escrow& e) {
  codec::Writer w("v2v.escrow");
  w.Str(e.buyer);
  w.Str(e.seller);
  for (int64_t v : {e.energy_wh, e.loss_wh, e.price, e.amount, e.rho_ppm, e.deadline_s}) w.I64(v);
  if (e.fee != 0) {  // only with a fee: an escrow without one keeps the bytes it had before fees
    w.Str(e.fee_to);
    w.I64(e.fee);
  }
  return w.Take();
}

Result<Escrow> DecodeEscrow(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.escrow");
  Escrow e;
  e.buyer = r.Str(kMaxIdBytes);
  e.seller = r.Str(kMaxIdBytes);
  for (int64_t* v : {&e.energy_wh, &e.loss_wh, &e.price, &e.amount, &e.rho_ppm, &e.deadline_s}) {
    *v = r.I64();
  }
  if (r.remaining() > 0) {
    e.fee_to = r.Str(kMaxIdBytes);
    e.fee = r.I64();
    if (r.ok() && (e.fee <= 0 || !ValidId(e.fee_to)))
      r.Fail("escrow fee section: bad fee or payee");
  }
  V2V_RETURN_IF_ERROR(r.Finish());
  return e;
}

Bytes EncodeSupply(const Supply& s) {
  codec::Writer w("v2v.supply");
  w.I64(s.money);
  w.I64(s.energy_wh);
  w.I64(s.lost_wh);
  return w.Take();
}

Result<Supply> DecodeSupply(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.supply");
  Supply s;
  s.money = r.I64();
  s.energy_wh = r.I64();
  s.lost_wh = r.I64();
  V2V_RETURN_IF_ERROR(r.Finish());
  return s;
}

}  // namespace

std::string AccountKey(const std::string& id) { return "a/" + id; }
std::string EscrowKey(const Hash32& id) {
  return "e/" + std::string(id.bytes.begin(), id.bytes.end());
}
std::string RevokedKey(const Hash32& cert_hash) {
  return "r/" + std::string(cert_hash.bytes.begin(), cert_hash.bytes.end());
}

Entries EncodeEntries(const State& state) {
  Entries out;
  for (const auto& [id, a] : state.accounts) out.emplace(AccountKey(id), EncodeAccount(a));
  for (const auto& [id, e] : state.escrows) out.emplace(EscrowKey(id), EncodeEscrow(e));
  for (const Hash32& h : state.revoked)
    out.emplace(RevokedKey(h), codec::Writer("v2v.revoked").Take());
  out.emplace(std::string(kSupplyKey), EncodeSupply(state.supply));
  return out;
}

Result<State> DecodeEntries(const Entries& entries) {
  State s;
  bool have_supply = false;
  for (const auto& [key, value] : entries) {
    if (key.starts_with("a/")) {
      V2V_ASSIGN_OR_RETURN(Account a, DecodeAccount(value));
      s.accounts.emplace(key.substr(2), std::move(a));
    } else if (key.starts_with("e/") && key.size() == 34) {
      Hash32 id;
      std::copy(key.begin() + 2, key.end(), id.bytes.begin());
      V2V_ASSIGN_OR_RETURN(Escrow e, DecodeEscrow(value));
      s.escrows.emplace(id, std::move(e));
    } else if (key.starts_with("r/") && key.size() == 34) {
      codec::Reader r(value);
      r.ExpectTag("v2v.revoked");
      V2V_RETURN_IF_ERROR(r.Finish());
      Hash32 h;
      std::copy(key.begin() + 2, key.end(), h.bytes.begin());
      s.revoked.insert(h);
    } else if (key == kSupplyKey) {
      V2V_ASSIGN_OR_RETURN(s.supply, DecodeSupply(value));
      have_supply = true;
    } else {
      return Status::Corruption("unknown state key");
    }
  }
  if (!have_supply) return Status::Corruption("state has no supply entry");
  return s;
}

Hash32 StateLeaf(std::string_view key, ByteSpan value) {
  codec::Writer w;
  w.Str(key);
  w.Blob(value);
  return MerkleLeaf(w.bytes());
}

Hash32 StateRoot(const Entries& entries) {
  std::vector<Hash32> leaves;
  leaves.reserve(entries.size());
  for (const auto& [key, value] : entries) leaves.push_back(StateLeaf(key, value));
  return MerkleRoot(std::move(leaves));
}

std::optional<Bytes> EncodeEntry(const State& state, const std::string& key) {
  auto hash_of = [&key](size_t prefix) {
    Hash32 h;
    std::copy(key.begin() + static_cast<std::ptrdiff_t>(prefix), key.end(), h.bytes.begin());
    return h;
  };
  if (key.starts_with("a/")) {
    auto it = state.accounts.find(key.substr(2));
    if (it != state.accounts.end()) return EncodeAccount(it->second);
  } else if (key.starts_with("e/") && key.size() == 34) {
    auto it = state.escrows.find(hash_of(2));
    if (it != state.escrows.end()) return EncodeEscrow(it->second);
  } else if (key.starts_with("r/") && key.size() == 34) {
    if (state.revoked.contains(hash_of(2))) return codec::Writer("v2v.revoked").Take();
  } else if (key == kSupplyKey) {
    return EncodeSupply(state.supply);
  }
  return std::nullopt;
}

int64_t Payment(int64_t price, int64_t energy_wh) { return (price * energy_wh + 500) / 1000; }

int64_t LossWh(int64_t energy_wh, int64_t rho_ppm) {
  return (energy_wh * rho_ppm + 999999) / 1000000;
}

}  // namespace v2v::chain
