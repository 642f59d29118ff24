#include "devnet/block_generator.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "auction/round_builder.h"
#include "crypto/certificate_issue.h"
#include "crypto/hash.h"

namespace v2v::devnet {
namespace {

// The "v2v-sim/" derivation prefix and the CA's name "v2vtrade sim CA" predate the generator's
// name; they stay, so every key, certificate and block is the same as before (seed corpora, tests).
crypto::PrivateKey SeededKey(const std::string& name) {
  const Hash32 seed = crypto::Sha256(AsBytes("v2v-sim/" + name));
  return std::move(crypto::PrivateKey::FromSeed(seed.bytes)).value();
}

// A fixed, non-zero serial per name (the generated chain is reproducible byte for byte).
Bytes SerialFor(const std::string& name) {
  const Hash32 h = crypto::Sha256(AsBytes("v2v-sim/serial/" + name));
  Bytes serial(h.bytes.begin(), h.bytes.begin() + crypto::kSerialBytes);
  serial[0] = static_cast<uint8_t>((serial[0] & 0x7f) | 0x01);  // positive and not zero
  return serial;
}

// X.509 certificate of `key` for `name`, issued by the generator's CA. The inputs are valid by
// construction, so a failure here is a bug.
Bytes Issue(const crypto::PrivateKey& ca, const Bytes& ca_der, const std::string& name,
            crypto::Role role, const crypto::PublicKey& key, int64_t from, int64_t to) {
  auto der = crypto::IssueCertificate(ca, ca_der, {name, role, key, SerialFor(name), from, to});
  if (!der.ok()) std::abort();
  return std::move(der).value();
}

// Every certificate of the market (the CA's too) is valid from a day before t0 for ten years.
constexpr int64_t kValidBeforeT0S = 86400, kValidForS = 10 * 365 * 86400;

}  // namespace

class BlockGenerator::Nonces {
 public:
  explicit Nonces(const chain::State& s) : s_(s) {}
  uint64_t Next(const std::string& id) { return s_.accounts.at(id).nonce + ++used_[id]; }

 private:
  const chain::State& s_;
  std::map<std::string, uint64_t> used_;
};

BlockGenerator::BlockGenerator(BlockGeneratorOptions options)
    : options_(options), ca_(SeededKey("ca")), rsu_(SeededKey("rsu-1")) {
  const int64_t from = options_.t0 - kValidBeforeT0S, to = options_.t0 + kValidForS;
  genesis_.timestamp_s = options_.t0;
  genesis_.ca_key = ca_.public_key();
  auto ca_der = crypto::MakeCaCertificate(ca_, {"v2vtrade sim CA", SerialFor("ca"), from, to});
  if (!ca_der.ok()) std::abort();  // fixed, valid inputs: a failure is a bug
  genesis_.ca_certificate = std::move(ca_der).value();
  genesis_.authorities = {rsu_.public_key()};
  genesis_.params = {300, 600, ca_.public_key()};
  genesis_.accounts.push_back(Account("rsu-1", crypto::Role::kRsu, rsu_.public_key(), 0, 0));
  for (int i = 0; i < options_.vehicles; ++i) {
    char id[16];
    std::snprintf(id, sizeof(id), "car-%03d", i);
    car_ids_.emplace_back(id);
    cars_.push_back(SeededKey(id));
    genesis_.accounts.push_back(Account(id, crypto::Role::kVehicle, cars_.back().public_key(),
                                        40'000 + 5'000 * (i % 8), 10'000'000));
  }
}

contract::GenesisAccount BlockGenerator::Account(const std::string& name, crypto::Role role,
                                                 const crypto::PublicKey& key, int64_t energy_wh,
                                                 int64_t balance) const {
  const int64_t from = options_.t0 - kValidBeforeT0S, to = options_.t0 + kValidForS;
  return {role, Issue(ca_, genesis_.ca_certificate, name, role, key, from, to), energy_wh, balance};
}

bool BlockGenerator::IsCar(const std::string& id) const {
  return std::find(car_ids_.begin(), car_ids_.end(), id) != car_ids_.end();
}

const crypto::PrivateKey& BlockGenerator::CarKey(const std::string& id) const {
  const auto it = std::find(car_ids_.begin(), car_ids_.end(), id);
  return cars_[static_cast<size_t>(it - car_ids_.begin())];
}

std::vector<chain::Tx> BlockGenerator::Settlements(chain::NetworkId network,
                                                   const chain::State& state, int64_t time,
                                                   Nonces& nonces, base::Rng& rng) const {
  std::vector<chain::Tx> txs;
  for (const auto& [id, e] : state.escrows) {
    if (!IsCar(e.buyer) || !IsCar(e.seller)) continue;  // another market's (the state is shared)
    chain::Tx tx;
    tx.network = network;
    if (time > e.deadline_s) {
      tx.sender = e.buyer;
      tx.body = chain::Refund{id};
    } else if (rng.Bernoulli(options_.settle_probability)) {
      const int64_t wh = e.energy_wh * rng.Int(80, 100) / 100;
      tx.sender = e.seller;
      const crypto::PrivateKey& buyer = CarKey(e.buyer);
      tx.body = chain::MeterReport{id, wh, buyer.public_key(),
                                   buyer.Sign(chain::MeterSigningBytes(network, id, wh))};
    } else {
      continue;
    }
    tx.nonce = nonces.Next(tx.sender);
    chain::SignTx(tx, CarKey(tx.sender));
    txs.push_back(std::move(tx));
  }
  return txs;
}

auction::RoundParams MarketRoundParams(uint64_t round, int64_t time) {
  auction::RoundParams p;
  p.round = round;
  p.t_stamp_s = time - 65;
  p.t_limit_s = 60;
  p.v_min = 100;
  p.c_max = 300;
  p.l1_micro = 1'000'000;
  p.l2_micro = 5'000'000;
  p.radius_m = 1000;
  return p;
}

Result<chain::Tx> BlockGenerator::MakeRound(chain::NetworkId network, const chain::State& state,
                                            int64_t time, uint64_t round, base::Rng& rng) const {
  Nonces nonces(state);
  const auction::RoundParams p = MarketRoundParams(round, time);
  std::vector<std::string> ids = car_ids_;
  rng.Shuffle(ids.begin(), ids.end());
  const auto n_buyers = static_cast<size_t>(rng.Int(1, static_cast<int64_t>(ids.size()) / 2));
  std::vector<chain::Tx> buyers, sellers;
  for (size_t k = 0; k < ids.size(); ++k) {
    chain::Tx tx;
    tx.network = network;
    tx.sender = ids[k];
    const int64_t ts = p.t_stamp_s + rng.Int(0, p.t_limit_s);
    const int64_t x = rng.Int(-400, 400), y = rng.Int(-400, 400);
    if (k < n_buyers) {
      const int64_t v_min = rng.Int(100, 150), v_max = v_min + rng.Int(100, 200);
      const int64_t b_min = rng.Int(0, 2000);
      tx.body = chain::BuyerBid{"rsu-1",
                                round,
                                rng.Int(v_min, v_max),
                                v_min,
                                v_max,
                                b_min,
                                b_min + rng.Int(1000, 10000),
                                rng.Int(1000, 5000),
                                x,
                                y,
                                ts};
    } else {
      const int64_t energy = state.accounts.at(ids[k]).energy_wh;
      if (energy < 2000) continue;
      const int64_t c_min = rng.Int(50, 100), c_max = c_min + rng.Int(50, 150);
      const int64_t s_t = energy / 2;
      tx.body = chain::SellerBid{"rsu-1",
                                 round,
                                 rng.Int(c_min, c_max),
                                 c_min,
                                 c_max,
                                 s_t,
                                 s_t * rng.Int(10, 50) / 100,
                                 rng.Int(10'000, 80'000),
                                 x,
                                 y,
                                 ts};
    }
    tx.nonce = nonces.Next(tx.sender);
    chain::SignTx(tx, CarKey(tx.sender));
    (k < n_buyers ? buyers : sellers).push_back(std::move(tx));
  }
  V2V_ASSIGN_OR_RETURN(auction::BuiltRound built,
                       auction::BuildRound(p, std::move(buyers), std::move(sellers)));
  chain::Tx tx;
  tx.network = network;
  tx.sender = "rsu-1";
  tx.nonce = state.accounts.at("rsu-1").nonce + 1;
  tx.body = std::move(built.round);
  chain::SignTx(tx, rsu_);
  return tx;
}

Result<std::vector<chain::Tx>> BlockGenerator::NextTxs(const node::Ledger& ledger, int64_t time,
                                                       uint64_t round, base::Rng& rng) const {
  const chain::State& state = ledger.state();
  Nonces nonces(state);
  const chain::NetworkId network = ledger.contract().params().network;
  std::vector<chain::Tx> txs = Settlements(network, state, time, nonces, rng);
  // Apply the settlements first so the round sees their nonces and released energy.
  chain::State after = state;
  {
    chain::Block probe;
    probe.header.timestamp_s = time;
    probe.txs = txs;
    auto next = ledger.contract().ApplyBlock(state, probe, /*checked=*/true);
    if (auto* r = std::get_if<chain::Rejection>(&next)) return r->ToStatus();
    after = std::get<chain::State>(std::move(next));
  }
  auto made = MakeRound(network, after, time, round, rng);
  if (made.ok()) txs.push_back(std::move(made).value());
  return txs;
}

Result<chain::Block> BlockGenerator::NextBlock(const node::Ledger& ledger, base::Rng& rng,
                                               const crypto::PrivateKey* sealer) const {
  const int64_t time = ledger.head().timestamp_s + options_.block_interval_s;
  V2V_ASSIGN_OR_RETURN(std::vector<chain::Tx> txs,
                       NextTxs(ledger, time, ledger.head().height + 1, rng));
  V2V_ASSIGN_OR_RETURN(
      node::SealedBlock p,
      ledger.SealBlock(std::move(txs), time, sealer ? *sealer : rsu_, std::nullopt));
  if (!p.dropped.empty()) return p.dropped.front().second.ToStatus();  // a bug in the generator
  return std::move(p.block);
}

}  // namespace v2v::devnet
