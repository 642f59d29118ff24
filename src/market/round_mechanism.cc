#include "market/round_mechanism.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

namespace v2v::market {

MechanismParams RoundPriorBounds(const std::vector<BuyerBid>& buyers,
                                 const std::vector<SellerBid>& sellers) {
  MechanismParams p;
  if (!buyers.empty()) {
    p.v_min = buyers.front().v_min;
    p.v_max = buyers.front().v_max;
    for (const BuyerBid& b : buyers) {
      p.v_min = std::min(p.v_min, b.v_min);
      p.v_max = std::max(p.v_max, b.v_max);
    }
  }
  if (!sellers.empty()) {
    p.c_min = sellers.front().c_min;
    p.c_max = sellers.front().c_max;
    for (const SellerBid& s : sellers) {
      p.c_min = std::min(p.c_min, s.c_min);
      p.c_max = std::max(p.c_max, s.c_max);
    }
  }
  return p;
}

Result<MechanismClearing> ClearRoundWithMechanism(const Market& m, std::string_view name,
                                                  const MechanismParams& given, uint64_t seed) {
  MechanismClearing c;
  std::vector<BuyerBid> buyers;
  std::vector<SellerBid> sellers;
  for (const BuyerBid& b : m.buyers) {
    if (Status st = ValidateBuyer(m.auctioneer, b); !st.ok()) {
      c.rejected.push_back({b.id, st.message(), std::nullopt});
    } else {
      buyers.push_back(b);
    }
  }
  for (const SellerBid& s : m.sellers) {
    if (Status st = ValidateSeller(m.auctioneer, s); !st.ok()) {
      c.rejected.push_back({s.id, st.message(), std::nullopt});
    } else {
      sellers.push_back(s);
    }
  }
  MechanismParams params = RoundPriorBounds(buyers, sellers);
  params.k = given.k;
  params.posted_price = given.posted_price;
  V2V_ASSIGN_OR_RETURN(const std::unique_ptr<Mechanism> mechanism,
                       NewMechanismByName(name, params));
  std::vector<double> values, costs;
  for (const BuyerBid& b : buyers) values.push_back(b.v);
  for (const SellerBid& s : sellers) costs.push_back(s.c);
  base::Rng rng(seed);
  const Outcome out = mechanism->Clear(UnitOrders(values), UnitOrders(costs), rng);
  c.mechanism = std::string(mechanism->Name());
  c.budget = out.Budget();
  c.surplus = ScoreOutcome(out, values, costs).surplus;
  for (const Trade& t : out.trades) {
    c.trades.push_back({buyers[static_cast<size_t>(t.buyer_id)].id,
                        sellers[static_cast<size_t>(t.seller_id)].id, t.buyer_pays,
                        t.seller_receives});
  }
  return c;
}

std::string MechanismClearingToJson(const MechanismClearing& c, int indent) {
  nlohmann::ordered_json out;
  out["mechanism"] = c.mechanism;
  out["rejected"] = nlohmann::ordered_json::array();
  for (const Rejection& r : c.rejected)
    out["rejected"].push_back({{"id", r.id}, {"reason", r.reason}});
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
  std::ostringstream o;
  o << "mechanism " << c.mechanism << ": " << c.trades.size() << " trade(s), one unit each\n";
  o << "buyer  seller  buyer_pays  seller_receives\n";
  for (const MechanismTrade& t : c.trades) {
    o << t.buyer << "  " << t.seller << "  " << t.buyer_pays << "  " << t.seller_receives << "\n";
  }
  for (const Rejection& r : c.rejected) o << "rejected " << r.id << ": " << r.reason << "\n";
  o << "surplus " << c.surplus << "  budget " << c.budget << " (paid less received)\n";
  return o.str();
}

}  // namespace v2v::market
