#include "market/round_mechanism.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace v2v::market {

MechanismParams RoundPriorBounds(const Market& m) {
  MechanismParams p;
  if (!m.buyers.empty()) {
    p.v_min = m.buyers.front().v_min;
    p.v_max = m.buyers.front().v_max;
    for (const BuyerBid& b : m.buyers) {
      p.v_min = std::min(p.v_min, b.v_min);
      p.v_max = std::max(p.v_max, b.v_max);
    }
  }
  if (!m.sellers.empty()) {
    p.c_min = m.sellers.front().c_min;
    p.c_max = m.sellers.front().c_max;
    for (const SellerBid& s : m.sellers) {
      p.c_min = std::min(p.c_min, s.c_min);
      p.c_max = std::max(p.c_max, s.c_max);
    }
  }
  return p;
}

Result<MechanismClearing> ClearRoundWithMechanism(const Market& m, std::string_view name, double k,
                                                  PricePerKwh posted_price, uint64_t seed) {
  MechanismParams params = RoundPriorBounds(m);
  params.k = k;
  params.posted_price = posted_price;
  V2V_ASSIGN_OR_RETURN(const std::unique_ptr<Mechanism> mechanism,
                       NewMechanismByName(name, params));
  // Ids are the input positions, mapped back to the bids' ids below.
  std::vector<Order> bids, asks;
  for (const BuyerBid& b : m.buyers) bids.push_back({static_cast<int64_t>(bids.size()), b.v});
  for (const SellerBid& s : m.sellers) asks.push_back({static_cast<int64_t>(asks.size()), s.c});
  base::Rng rng(seed);
  const Outcome out = mechanism->Clear(bids, asks, rng);
  MechanismClearing c;
  c.mechanism = std::string(mechanism->Name());
  c.budget = out.Budget();
  for (const Trade& t : out.trades) {
    const BuyerBid& b = m.buyers[static_cast<size_t>(t.buyer_id)];
    const SellerBid& s = m.sellers[static_cast<size_t>(t.seller_id)];
    c.trades.push_back({b.id, s.id, t.buyer_pays, t.seller_receives});
    c.surplus += b.v - s.c;
  }
  return c;
}

std::string MechanismClearingToJson(const MechanismClearing& c, int indent) {
  nlohmann::ordered_json out;
  out["mechanism"] = c.mechanism;
  out["trades"] = nlohmann::ordered_json::array();
  for (const MechanismTrade& t : c.trades) {
    out["trades"].push_back({{"buyer", t.buyer},
                             {"seller", t.seller},
                             {"buyer_pays", t.buyer_pays},
                             {"seller_receives", t.seller_receives}});
  }
  out["surplus"] = c.surplus;
  out["budget"] = c.budget;
  return out.dump(indent);
}

std::string MechanismClearingToTable(const MechanismClearing& c) {
  std::string text = "mechanism " + c.mechanism + ": " + std::to_string(c.trades.size()) +
                     " trade(s), one unit each\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %-16s %12s %16s\n", "buyer", "seller", "buyer_pays",
                "seller_receives");
  text += line;
  for (const MechanismTrade& t : c.trades) {
    std::snprintf(line, sizeof line, "%-16s %-16s %12.6g %16.6g\n", t.buyer.c_str(),
                  t.seller.c_str(), t.buyer_pays, t.seller_receives);
    text += line;
  }
  std::snprintf(line, sizeof line, "surplus %.6g  budget %.6g (paid less received)\n", c.surplus,
                c.budget);
  return text + line;
}

}  // namespace v2v::market
