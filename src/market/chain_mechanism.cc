#include "market/chain_mechanism.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "base/random.h"
#include "market/bayesian_pricing.h"
#include "market/mechanism.h"

namespace v2v::market {
namespace {

constexpr int64_t kMaxPostedPrice = int64_t{1} << 31;

__extension__ typedef __int128 Int128;  // the k-double auction's exact products

constexpr std::array<std::pair<ChainMechanismKind, std::string_view>, 5> kChainMechanismNames = {{
    {ChainMechanismKind::kBayesian, "bayesian"},
    {ChainMechanismKind::kKDoubleAuction, "k-double-auction"},
    {ChainMechanismKind::kPostedPrice, "posted-price"},
    {ChainMechanismKind::kSbba, "sbba"},
    {ChainMechanismKind::kMcAfee, "mcafee"},
}};

std::unique_ptr<Mechanism> MatchingOf(const ChainMechanism& m) {
  switch (m.kind) {
    case ChainMechanismKind::kKDoubleAuction:
      return NewKDoubleAuction(static_cast<double>(m.k_ppm) / kPartsPerMillion);
    case ChainMechanismKind::kPostedPrice:
      return NewPostedPrice(static_cast<double>(m.posted_price));
    case ChainMechanismKind::kSbba:
      return NewSbba();
    case ChainMechanismKind::kMcAfee:
      return NewMcAfee(static_cast<PricePerKwh>(m.value_floor),
                       static_cast<PricePerKwh>(m.cost_ceiling));
    case ChainMechanismKind::kBayesian:
      break;
  }
  assert(false && "the paper's scheme is Algorithm 1, not a unit mechanism");
  return nullptr;
}

std::vector<Order> OrdersOf(std::span<const int64_t> prices) {
  std::vector<Order> out;
  out.reserve(prices.size());
  for (size_t i = 0; i < prices.size(); ++i) {
    assert(prices[i] >= 0 && prices[i] <= kMaxExactPrice);  // so a double holds it exactly
    out.push_back({static_cast<int64_t>(i), static_cast<PricePerKwh>(prices[i])});
  }
  return out;
}

}  // namespace

std::string_view ChainMechanismName(ChainMechanismKind kind) {
  for (const auto& [k, name] : kChainMechanismNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<ChainMechanismKind> ParseChainMechanismKind(std::string_view name) {
  for (const auto& [k, n] : kChainMechanismNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

Status ValidateChainMechanism(const ChainMechanism& m) {
  const bool kda = m.kind == ChainMechanismKind::kKDoubleAuction;
  const bool posted = m.kind == ChainMechanismKind::kPostedPrice;
  if (ChainMechanismName(m.kind) == "unknown") {
    return Status::InvalidArgument("mechanism: unknown kind " +
                                   std::to_string(static_cast<int>(m.kind)));
  }
  if (kda ? (m.k_ppm < 0 || m.k_ppm > kPartsPerMillion) : m.k_ppm != 0) {
    return Status::InvalidArgument(kda ? "mechanism k_ppm: must be in [0, 1000000]"
                                       : "mechanism k_ppm: only the k-double auction reads k");
  }
  if (posted ? (m.posted_price < 1 || m.posted_price > kMaxPostedPrice) : m.posted_price != 0) {
    return Status::InvalidArgument(posted
                                       ? "mechanism posted_price: must be in [1, 2^31]"
                                       : "mechanism posted_price: only the posted price reads it");
  }
  const bool mcafee = m.kind == ChainMechanismKind::kMcAfee;
  for (const auto& [name, value] : {std::pair<const char*, int64_t>{"value_floor", m.value_floor},
                                    {"cost_ceiling", m.cost_ceiling}}) {
    if (mcafee ? (value < 0 || value > kMaxPostedPrice) : value != 0) {
      return Status::InvalidArgument(
          std::string("mechanism ") + name +
          (mcafee ? ": must be in [0, 2^31]" : ": only McAfee reads it"));
    }
  }
  return Status::Ok();
}

int64_t KDoublePriceExact(int64_t k_ppm, int64_t b, int64_t a) {
  assert(0 <= a && a <= b && b <= kMaxExactPrice && 0 <= k_ppm && k_ppm <= kPartsPerMillion);
  const Int128 scaled = static_cast<Int128>(k_ppm) * b +
                        static_cast<Int128>(kPartsPerMillion - k_ppm) * a + kPartsPerMillion / 2;
  return static_cast<int64_t>(scaled / kPartsPerMillion);  // non-negative: division rounds down
}

std::vector<UnitMatch> ClearUnitsOnChain(const ChainMechanism& m, std::span<const int64_t> values,
                                         std::span<const int64_t> costs, uint64_t lottery_seed) {
  const std::vector<Order> bids = OrdersOf(values), asks = OrdersOf(costs);
  base::Rng rng(lottery_seed);
  const Outcome out = MatchingOf(m)->Clear(bids, asks, rng);
  std::vector<UnitMatch> matches;
  matches.reserve(out.trades.size());
  for (const Trade& t : out.trades) {
    // Orders' own integer prices, or McAfee's p0, a whole or half unit (exact in a double):
    // llround rounds the half up, as every price of the ledger is rounded.
    matches.push_back({static_cast<size_t>(t.buyer_id), static_cast<size_t>(t.seller_id),
                       static_cast<int64_t>(std::llround(t.buyer_pays)),
                       static_cast<int64_t>(std::llround(t.seller_receives))});
  }
  if (m.kind == ChainMechanismKind::kKDoubleAuction && !matches.empty()) {
    // Every pair trades at the marginal pair's price: its bid is the lowest trading bid and its
    // ask the highest trading ask.
    int64_t b_q = values[matches.front().buyer], a_q = costs[matches.front().seller];
    for (const UnitMatch& x : matches) {
      b_q = std::min(b_q, values[x.buyer]);
      a_q = std::max(a_q, costs[x.seller]);
    }
    const int64_t price = KDoublePriceExact(m.k_ppm, b_q, a_q);
    for (UnitMatch& x : matches) x.buyer_pays = x.seller_receives = price;
  }
  return matches;
}

}  // namespace v2v::market
