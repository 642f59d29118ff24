#include "contract/genesis.h"

#include <algorithm>

#include "codec/codec.h"
#include "crypto/hash.h"

namespace v2v::contract {
namespace {

void EncodeTariff(codec::Writer& w, const market::GridTariff& t) {
  w.U32(static_cast<uint32_t>(t.import.size()));
  for (const auto& p : t.import) {
    w.I64(p.start_s);
    w.I64(p.price);
  }
  w.I64(t.feed_in);
  w.I64(t.fee);
  w.U32(static_cast<uint32_t>(t.chargers.size()));
  for (const auto& c : t.chargers) {
    w.I64(c.x_m);
    w.I64(c.y_m);
  }
  w.I64(t.detour_wh_per_km);
  w.I64(t.speed_mm_per_s);
  w.I64(t.wait_s);
  w.I64(t.time_value_per_h);
}

market::GridTariff DecodeTariff(codec::Reader& r) {
  market::GridTariff t;
  t.import.resize(r.Count(market::kMaxTariffPeriods, 16));
  for (auto& p : t.import) {
    p.start_s = r.I64();
    p.price = r.I64();
  }
  t.feed_in = r.I64();
  t.fee = r.I64();
  t.chargers.resize(r.Count(market::kMaxChargers, 16));
  for (auto& c : t.chargers) {
    c.x_m = r.I64();
    c.y_m = r.I64();
  }
  t.detour_wh_per_km = r.I64();
  t.speed_mm_per_s = r.I64();
  t.wait_s = r.I64();
  t.time_value_per_h = r.I64();
  return t;
}

// The tail follows the accounts only when the genesis departs from the paper's model: the grid
// section (its areas), then the mechanism when it is not the paper's scheme. A genesis without
// either has the bytes it had before them; zero areas are canonical only before a mechanism.
void EncodeTail(codec::Writer& w, const ContractParams& p) {
  const bool mechanism = p.mechanism.kind != market::ChainMechanismKind::kBayesian;
  if (p.grid.empty() && !mechanism) return;
  w.U32(static_cast<uint32_t>(p.grid.size()));
  for (const GridArea& a : p.grid) {
    w.Str(a.rsu);
    EncodeTariff(w, a.tariff);
  }
  if (!mechanism) return;
  w.U8(static_cast<uint8_t>(p.mechanism.kind));
  if (p.mechanism.kind == market::ChainMechanismKind::kKDoubleAuction) w.I64(p.mechanism.k_ppm);
  if (p.mechanism.kind == market::ChainMechanismKind::kPostedPrice) {
    w.I64(p.mechanism.posted_price);
  }
  if (p.mechanism.kind == market::ChainMechanismKind::kMcAfee) {
    w.I64(p.mechanism.value_floor);
    w.I64(p.mechanism.cost_ceiling);
  }
}

void DecodeMechanism(codec::Reader& r, market::ChainMechanism& m) {
  const uint8_t kind = r.U8();
  if (!r.ok()) return;
  m.kind = static_cast<market::ChainMechanismKind>(kind);
  if (kind == 0 || market::ChainMechanismName(m.kind) == "unknown") {
    return r.Fail("mechanism: unknown or default kind " + std::to_string(kind));
  }
  if (m.kind == market::ChainMechanismKind::kKDoubleAuction) m.k_ppm = r.I64();
  if (m.kind == market::ChainMechanismKind::kPostedPrice) m.posted_price = r.I64();
  if (m.kind == market::ChainMechanismKind::kMcAfee) {
    m.value_floor = r.I64();
    m.cost_ceiling = r.I64();
  }
  if (!r.ok()) return;
  if (Status st = market::ValidateChainMechanism(m); !st.ok()) r.Fail(st.message());
}

void DecodeTail(codec::Reader& r, ContractParams& p) {
  if (r.remaining() == 0) return;
  p.grid.resize(r.Count(static_cast<uint32_t>(kMaxGridAreas), 4 + 4 + 8 + 4 + 32));
  for (auto& a : p.grid) {
    a.rsu = r.Str(chain::kMaxIdBytes);
    a.tariff = DecodeTariff(r);
  }
  if (!r.ok()) return;
  if (Status st = ValidateGridAreas(p.grid); !st.ok()) return r.Fail(st.message());
  if (r.remaining() > 0) return DecodeMechanism(r, p.mechanism);
  if (p.grid.empty()) r.Fail("grid section with no area and no mechanism");
}

}  // namespace

const market::GridTariff* GridTariffOf(const ContractParams& params, std::string_view rsu) {
  const market::GridTariff* fallback = nullptr;
  for (const GridArea& a : params.grid) {
    if (a.rsu == rsu) return &a.tariff;
    if (a.rsu.empty()) fallback = &a.tariff;
  }
  return fallback;
}

Status ValidateGridAreas(const std::vector<GridArea>& areas) {
  if (areas.size() > kMaxGridAreas) {
    return Status::InvalidArgument("grid: more than " + std::to_string(kMaxGridAreas) + " areas");
  }
  for (size_t k = 0; k < areas.size(); ++k) {
    const std::string name = areas[k].rsu.empty() ? "(every other RSU)" : areas[k].rsu;
    if (areas[k].rsu.size() > chain::kMaxIdBytes) {
      return Status::InvalidArgument("grid area " + name + ": rsu id longer than " +
                                     std::to_string(chain::kMaxIdBytes) + " bytes");
    }
    if (k > 0 && areas[k].rsu <= areas[k - 1].rsu) {
      return Status::InvalidArgument("grid area " + name +
                                     ": areas must be sorted by rsu, once each");
    }
    if (Status st = market::ValidateGridTariff(areas[k].tariff); !st.ok()) {
      return Status::InvalidArgument("grid area " + name + ": " + st.message());
    }
  }
  return Status::Ok();
}

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
  EncodeTail(w, g.params);
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
  DecodeTail(r, g.params);
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
  // What the decoder refuses, for a genesis built in memory (a node runs the one it was given).
  V2V_RETURN_IF_ERROR(ValidateGridAreas(g.params.grid));
  if (Status st = market::ValidateChainMechanism(g.params.mechanism); !st.ok()) {
    return Status::InvalidArgument("genesis " + st.message());
  }
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
