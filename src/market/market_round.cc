#include "market/market_round.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>

#include "market/admission.h"
#include "market/spatial_index.h"

namespace v2v::market {
namespace {

template <typename T>
std::vector<const T*> SortedById(const std::vector<T>& v) {
  std::vector<const T*> out;
  out.reserve(v.size());
  for (const T& x : v) out.push_back(&x);
  std::sort(out.begin(), out.end(), [](const T* a, const T* b) { return a->id < b->id; });
  return out;
}

}  // namespace

Kwh SupplyCap(PricePerKwh t, double rho, double l1, double l2) {
  if (rho <= 0) return std::numeric_limits<double>::infinity();
  return std::max(0.0, (t - l2 * rho) / (2 * l1 * rho));
}

Result<PreparedRound> PrepareRound(const Market& input) {
  V2V_RETURN_IF_ERROR(ValidateMarketStructure(input));
  // 0. The grid model: bids that cannot beat the grid are left out with their typed reason.
  // Without grid terms the screen changes nothing, so the input is read in place.
  std::optional<GridScreen> screen;
  if (input.auctioneer.grid) screen = ScreenAgainstGrid(input);
  const Market& market = screen ? screen->market : input;
  const Auctioneer& auc = market.auctioneer;
  PreparedRound prep;
  RoundResult& out = prep.result;
  if (screen) {
    for (const GridLeftOut& x : screen->left_out)
      out.rejected.push_back({x.id, GridLeftOutMessage(x), x.verdict});
  }

  // 1. Validate (Algorithm 1); keep valid bids in id order.
  std::vector<const BuyerBid*> buyers;
  std::vector<const SellerBid*> sellers;
  for (const BuyerBid* b : SortedById(market.buyers)) {
    Status s = ValidateBuyer(auc, *b);
    if (s.ok())
      buyers.push_back(b);
    else
      out.rejected.push_back({b->id, s.message(), std::nullopt});
  }
  for (const SellerBid* s : SortedById(market.sellers)) {
    Status st = ValidateSeller(auc, *s);
    if (st.ok())
      sellers.push_back(s);
    else
      out.rejected.push_back({s->id, st.message(), std::nullopt});
  }
  std::sort(out.rejected.begin(), out.rejected.end(),
            [](const Rejection& a, const Rejection& b) { return a.id < b.id; });

  // 2. Pairs within the radius, through the grid index; 3. prices.
  std::vector<GridIndex::Point> pts;
  pts.reserve(sellers.size());
  for (const SellerBid* s : sellers) pts.push_back({s->x, s->y});
  const GridIndex index(std::move(pts), auc.radius_m);
  std::vector<int> pair_buyer, pair_seller;
  for (int i = 0; i < static_cast<int>(buyers.size()); ++i) {
    for (const Neighbor& nb : index.WithinRadius(buyers[i]->x, buyers[i]->y)) {
      const SellerBid& s = *sellers[nb.index];
      out.pairs.push_back({buyers[i]->id, s.id, nb.distance_m, PriceInDouble(*buyers[i], s), 0.0});
      pair_buyer.push_back(i);
      pair_seller.push_back(nb.index);
    }
  }

  // 4. The volume program over the pairs that may trade.
  VolumeProblem prob;
  prob.l1 = auc.l1;
  prob.l2 = auc.l2;
  for (const SellerBid* s : sellers) prob.AddSeller(s->rho, s->Supply());
  std::vector<int> edge_pair;  // edge -> index into out.pairs
  {
    size_t k = 0;
    for (int i = 0; i < static_cast<int>(buyers.size()); ++i) {
      std::vector<std::pair<int, double>> edges;
      for (; k < out.pairs.size() && pair_buyer[k] == i; ++k) {
        const PairResult& pr = out.pairs[k];
        const SellerBid& s = *sellers[pair_seller[k]];
        const double cap =
            std::min(SupplyCap(pr.price.t, s.rho, auc.l1, auc.l2), PowerTimeCap(*buyers[i], s));
        if (!pr.price.trade || cap <= 0 || s.Supply() <= 0) continue;
        edges.emplace_back(pair_seller[k], cap);
        edge_pair.push_back(static_cast<int>(k));
      }
      prob.AddBuyer(buyers[i]->w, buyers[i]->b_min, buyers[i]->b_max, edges);
    }
  }

  // 5. Admission by decreasing v (ties by id: the stable sort keeps id order).
  std::vector<int> priority(buyers.size());
  std::iota(priority.begin(), priority.end(), 0);
  std::stable_sort(priority.begin(), priority.end(),
                   [&](int a, int b) { return buyers[a]->v > buyers[b]->v; });
  V2V_ASSIGN_OR_RETURN(Admission adm, AdmitBuyers(prob, priority));
  out.lp_solves = adm.lp_solves;
  VolumeProblem served = prob;  // unserved buyers keep their row but lose their pairs
  served.buyer_start = {0};
  served.edge_seller.clear();
  served.edge_cap.clear();
  std::vector<int> served_edge;  // edge of `served` -> edge of `prob`
  for (int i = 0; i < prob.NumBuyers(); ++i) {
    if (adm.admitted[i]) {
      for (int e = prob.buyer_start[i]; e < prob.buyer_start[i + 1]; ++e) {
        served.edge_seller.push_back(prob.edge_seller[e]);
        served.edge_cap.push_back(prob.edge_cap[e]);
        served_edge.push_back(e);
      }
    } else {
      out.unserved.push_back(buyers[i]->id);
      served.w[i] = 0, served.b_min[i] = 0, served.b_max[i] = 0;
    }
    served.buyer_start.push_back(static_cast<int>(served.edge_seller.size()));
  }

  prep.problem = std::move(served);
  for (size_t e = 0; e < served_edge.size(); ++e)
    prep.edge_pair.push_back(edge_pair[served_edge[e]]);
  for (const SellerBid* s : sellers) prep.seller_rho.push_back(s->rho);
  for (const BuyerBid* b : buyers) out.buyers.push_back({b->id, 0, 0, 0});
  for (const SellerBid* s : sellers) out.sellers.push_back({s->id, 0, 0, 0, 0});
  return prep;
}

RoundResult FinishRound(PreparedRound prep, const VolumeSolution& sol) {
  RoundResult out = std::move(prep.result);
  const VolumeProblem& p = prep.problem;
  out.welfare = sol.certificate.primal_objective;
  out.duality_gap = sol.certificate.relative_gap;
  out.max_violation_kwh = sol.certificate.max_violation_kwh;
  out.newton_iterations = sol.newton_iterations;
  out.cg_iterations = sol.cg_iterations;
  for (int i = 0; i < p.NumBuyers(); ++i) {
    out.buyers[i].lambda = sol.certificate.buyer_price[i];
    for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1]; ++e) {
      PairResult& pr = out.pairs[prep.edge_pair[e]];
      const double x = sol.x[e];
      const int j = p.edge_seller[e];
      pr.volume = x;
      out.buyers[i].receives += x;
      out.buyers[i].pays += pr.price.t * x;
      out.sellers[j].delivers += x;
      out.sellers[j].energy_out += (1 + prep.seller_rho[j]) * x;
      out.sellers[j].earns += pr.price.t * x;
    }
  }
  for (int j = 0; j < p.NumSellers(); ++j) out.sellers[j].gamma = sol.certificate.seller_price[j];
  return out;
}

Result<RoundResult> RunRound(const Market& market, const OptimizerOptions& options) {
  V2V_ASSIGN_OR_RETURN(PreparedRound prep, PrepareRound(market));
  V2V_ASSIGN_OR_RETURN(VolumeSolution sol, SolveVolumes(prep.problem, options));
  return FinishRound(std::move(prep), sol);
}

}  // namespace v2v::market
