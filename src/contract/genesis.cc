#include "contract/genesis.h"

#include <algorithm>

#include "codec/codec.h"
#include "crypto/hash.h"

namespace v2v::contract {

Bytes EncodeGenesis(const Genesis& g) {
  codec::Writer w("v2v.genesis");
  w.I64(g.timestamp_s);
  w.Raw(g.ca_key.bytes);
  w.Blob(g.ca_certificate);
  w.U32(static_cast<uint32_t>(g.authorities.size()));
  for (const auto& k : g.authorities) w.Raw(k.bytes);
  w.U64(g.clique.epoch);
  w.U64(g.clique.period_s);
  w.I64(g.params.settle_window_s);
  w.I64(g.params.max_round_age_s);
  w.I64(g.params.shortfall_penalty_per_kwh);
  w.U32(static_cast<uint32_t>(g.accounts.size()));
  for (const auto& a : g.accounts) {
    w.U8(static_cast<uint8_t>(a.role));
    w.Blob(a.certificate);
    w.I64(a.energy_wh);
    w.I64(a.balance);
  }
  return w.Take();
}

Result<Genesis> DecodeGenesis(ByteSpan bytes) {
  codec::Reader r(bytes);
  r.ExpectTag("v2v.genesis");
  Genesis g;
  g.timestamp_s = r.I64();
  g.ca_key.bytes = r.Fixed<32>();
  g.ca_certificate = r.Blob(chain::kMaxCertificateBytes);
  g.authorities.resize(r.Count(chain::kMaxCheckpointSigners, 32));
  for (auto& k : g.authorities) k.bytes = r.Fixed<32>();
  g.clique.epoch = r.U64();
  g.clique.period_s = r.U64();
  if (r.ok() && g.clique.epoch == 0) r.Fail("clique epoch is 0");
  g.params.settle_window_s = r.I64();
  g.params.max_round_age_s = r.I64();
  g.params.shortfall_penalty_per_kwh = r.I64();
  if (r.ok() && (g.params.shortfall_penalty_per_kwh < 0 ||
                 g.params.shortfall_penalty_per_kwh > kMaxShortfallPenalty)) {
    r.Fail("shortfall penalty out of range");
  }
  g.accounts.resize(r.Count(1u << 20, 21));
  for (auto& a : g.accounts) {
    const uint8_t role = r.U8();
    if (role != 1 && role != 2) r.Fail("unknown role");
    a.role = static_cast<crypto::Role>(role);
    a.certificate = r.Blob(chain::kMaxCertificateBytes);
    a.energy_wh = r.I64();
    a.balance = r.I64();
  }
  V2V_RETURN_IF_ERROR(r.Finish());
  g.params = ContractParamsOf(g);
  return g;
}

chain::NetworkId NetworkIdOf(const Genesis& g) {
  const Hash32 h = crypto::Sha256(EncodeGenesis(g));
  chain::NetworkId id = 0;
  for (size_t i = 0; i < 8; ++i) id = (id << 8) | h.bytes[i];
  return id;
}

ContractParams ContractParamsOf(const Genesis& g) {
  ContractParams p = g.params;
  p.ca_key = g.ca_key;
  p.network = NetworkIdOf(g);
  return p;
}

Result<chain::State> GenesisState(const Genesis& g, const IdentityVerifier& verifier) {
  chain::State s;
  for (const auto& a : g.accounts) {
    IdentityResult id = verifier.Verify(a.certificate, a.role, g.timestamp_s);
    if (auto* rej = std::get_if<chain::Rejection>(&id)) {
      return Status::InvalidArgument("genesis account: " + rej->ToString());
    }
    const Identity& ident = std::get<Identity>(id);
    if (a.energy_wh < 0 || a.balance < 0) {
      return Status::InvalidArgument("genesis account " + ident.id + ": negative amount");
    }
    if (__builtin_add_overflow(s.supply.money, a.balance, &s.supply.money) ||
        __builtin_add_overflow(s.supply.energy_wh, a.energy_wh, &s.supply.energy_wh)) {
      return Status::InvalidArgument("genesis totals overflow int64");
    }
    chain::Account acc;
    acc.role = a.role;
    acc.certificate = a.certificate;
    acc.cert_hash = ident.cert_hash;
    acc.key = ident.key;
    acc.energy_wh = a.energy_wh;
    acc.balance = a.balance;
    if (!s.accounts.emplace(ident.id, std::move(acc)).second) {
      return Status::InvalidArgument("genesis account repeated: " + ident.id);
    }
  }
  return s;
}

chain::BlockHeader GenesisHeader(const Genesis& g, const chain::State& state) {
  chain::BlockHeader h;
  h.height = 0;
  h.parent = crypto::Sha256(EncodeGenesis(g));
  h.timestamp_s = g.timestamp_s;
  h.state_root = chain::StateRoot(state);
  h.difficulty = 1;
  h.checkpoint_signers = g.authorities;
  std::sort(h.checkpoint_signers.begin(), h.checkpoint_signers.end());
  h.checkpoint_signers.erase(std::unique(h.checkpoint_signers.begin(), h.checkpoint_signers.end()),
                             h.checkpoint_signers.end());
  return h;  // tx_root zero (no transactions); unsealed
}

}  // namespace v2v::contract
