#include "cluster/bidders.h"

#include <algorithm>
#include <variant>

namespace v2v::cluster {
namespace {

// A seller offers at most half its energy, and only with this much.
constexpr int64_t kMinSellerEnergyWh = 4000;
constexpr double kSellP = 0.5;  // a vehicle sells when a round is open to offers, else buys

// The book of the RSU account `rsu`, with the gateway's defaults (T_limit, capacities, auction).
gateway::RoundBookOptions BookOptions(const std::string& rsu) {
  gateway::RoundBookOptions o;
  o.rsu = rsu;
  return o;
}

}  // namespace

void PushLog::ToVehicle(const std::string&, const nlohmann::json& result) {
  ++pushes_[result.at("type").get<std::string>()];
}

void PushLog::Call(int64_t, int64_t, int64_t, const nlohmann::json& result) {
  ++pushes_["call"];
  const auto round = result.at("round").get<uint64_t>();
  const Window w{result.at("t_stamp").get<int64_t>(), result.at("deadline").get<int64_t>()};
  if (calls_.emplace(round, w).second) ++counts_.rounds_opened;
  while (!calls_.empty() && calls_.begin()->second.deadline_s < w.t_stamp_s - 60) {
    calls_.erase(calls_.begin());  // long closed
  }
}

std::optional<uint64_t> PushLog::OfferRound(int64_t now_ms) const {
  for (auto it = calls_.rbegin(); it != calls_.rend(); ++it) {
    if (it->second.t_stamp_s * 1000 <= now_ms && now_ms < it->second.deadline_s * 1000)
      return it->first;
  }
  return std::nullopt;
}

Gateway::Gateway(node::NodeService& service, const std::string& rsu, crypto::PrivateKey key,
                 BidCounts& counts)
    : port(service), log(counts), book(BookOptions(rsu), std::move(key), port, log) {}

Bidders::Bidders(int vehicles, size_t nodes) : gateways_(nodes), services_(nodes, nullptr) {
  for (int i = 0; i < vehicles; ++i) {
    const std::string id = "ev-" + std::to_string(100 + i).substr(1);
    vehicles_.push_back({id, SeededKey(id)});
  }
}

std::vector<Party> Bidders::parties() const {
  std::vector<Party> out;
  for (const Vehicle& v : vehicles_) out.push_back({v.id, v.key.public_key()});
  return out;
}

void Bidders::Open(size_t node, node::NodeService& service, const std::string& rsu,
                   crypto::PrivateKey key, const base::Clock& clock) {
  gateways_[node] = std::make_unique<Gateway>(service, rsu, std::move(key), counts_);
  services_[node] = &service;
  gateway::RoundBook& book = gateways_[node]->book;
  book.WakeOnChainEvents([&book, &clock] { book.OnHead(clock.NowMs()); });
  service.SetTxDropObserver([&book, &clock](const node::MempoolDrop& d) {
    book.OnTxDropped(d.hash, d.code, clock.NowMs());
  });
  service.SetBeforeSealObserver([&book, &clock] { book.Tick(clock.NowMs()); });
}

void Bidders::Close(size_t node) {
  if (!gateways_[node]) return;
  gateways_[node]->book.WakeOnChainEvents(nullptr);
  services_[node]->SetTxDropObserver(nullptr);
  services_[node]->SetBeforeSealObserver(nullptr);
  gateways_[node].reset();
  services_[node] = nullptr;
}

void Bidders::Tick(int64_t now_ms) {
  for (const auto& g : gateways_) {
    if (g) g->book.Tick(now_ms);
  }
}

size_t Bidders::RoundsInFlight() const {
  size_t n = 0;
  for (const auto& g : gateways_) {
    if (g) n += g->book.RoundsInFlight();
  }
  return n;
}

std::string Bidders::DescribeInFlight() const {
  std::string out;
  for (const auto& g : gateways_) {
    if (!g) continue;
    for (const gateway::Round* r : g->book.InFlight()) {
      out += "  " + g->book.options().rsu + " round " + std::to_string(r->number) + " " +
             std::string(gateway::RoundStateName(r->state)) + " rsu_nonce " +
             std::to_string(r->rsu_nonce) + " tx " + r->round_tx.Hex().substr(0, 12) +
             " deadline " + std::to_string(r->deadline_s()) + "\n";
    }
  }
  return out;
}

chain::Tx Bidders::BuyerBid(const Vehicle& v, const gateway::RoundBook& book, uint64_t round,
                            int64_t now_s, base::Rng& rng) const {
  const int64_t v_min = rng.Int(100, 150);
  const int64_t v_max = v_min + rng.Int(100, 200);
  const int64_t price = rng.Int(v_min, v_max);
  const int64_t b_min = rng.Int(0, 2000);
  const int64_t b_max = b_min + rng.Int(1000, 10000);
  const int64_t w_milli = rng.Int(1000, 5000);
  const int64_t x = rng.Int(-400, 400);
  const int64_t y = rng.Int(-400, 400);
  chain::Tx tx;
  tx.network = book.node().ContractParams().network;
  tx.sender = v.id;
  tx.nonce = book.NextNonce(v.id);
  tx.body = chain::BuyerBid{
      book.options().rsu, round, price, v_min, v_max, b_min, b_max, w_milli, x, y, now_s};
  chain::SignTx(tx, v.key);
  return tx;
}

chain::Tx Bidders::SellerBid(const Vehicle& v, const gateway::RoundBook& book, uint64_t round,
                             int64_t now_s, base::Rng& rng) const {
  const int64_t energy = book.node().HeadState().accounts.at(v.id).energy_wh;
  const int64_t c_min = rng.Int(50, 100);
  const int64_t c_max = c_min + rng.Int(50, 150);
  const int64_t price = rng.Int(c_min, c_max);
  const int64_t s_t = std::min<int64_t>(energy / 2, rng.Int(2000, 10000));
  const int64_t s_r = s_t * rng.Int(10, 50) / 100;
  const int64_t rho_ppm = rng.Int(10'000, 80'000);
  const int64_t x = rng.Int(-400, 400);
  const int64_t y = rng.Int(-400, 400);
  chain::Tx tx;
  tx.network = book.node().ContractParams().network;
  tx.sender = v.id;
  tx.nonce = book.NextNonce(v.id);
  tx.body = chain::SellerBid{
      book.options().rsu, round, price, c_min, c_max, s_t, s_r, rho_ppm, x, y, now_s};
  chain::SignTx(tx, v.key);
  return tx;
}

std::string Bidders::Bid(const std::vector<size_t>& up, int64_t now_ms, base::Rng& rng) {
  const size_t node = up[rng.Below(up.size())];
  const Vehicle& v = vehicles_[rng.Below(vehicles_.size())];
  gateway::RoundBook& book = gateways_[node]->book;
  const int64_t now_s = now_ms / 1000;
  const std::optional<uint64_t> offer_round = gateways_[node]->log.OfferRound(now_ms);
  const bool sells = rng.Bernoulli(kSellP) && offer_round &&
                     book.node().HeadState().accounts.at(v.id).energy_wh >= kMinSellerEnergyWh;
  const chain::Tx tx = sells ? SellerBid(v, book, *offer_round, now_s, rng)
                             : BuyerBid(v, book, book.CurrentRoundNumber(now_ms), now_s, rng);
  const gateway::BidResult result = sells ? book.Offer(tx, now_ms) : book.Request(tx, now_ms);
  std::string line = v.id + (sells ? " offers at " : " requests at ") + book.options().rsu +
                     " nonce " + std::to_string(tx.nonce) + ": ";
  if (const auto* a = std::get_if<gateway::BidAnswer>(&result)) {
    ++counts_.bids_accepted;
    return line + "round " + std::to_string(a->round);
  }
  ++counts_.bids_refused;
  return line + std::string(gateway::ReasonName(std::get<gateway::Refusal>(result).reason));
}

}  // namespace v2v::cluster
