// What Theorem 1's linear strategies cost under priors that are not uniform (bayes_nash.h).
#include "market/bayes_nash.h"

namespace v2v::market {

Result<TheoremOneDeviation> DeviationFromTheoremOne(const Prior& values, const Prior& costs,
                                                    const SolverOptions& options) {
  constexpr double kPaperK = 0.5;  // the paper's scheme trades at (P + R)/2
  V2V_ASSIGN_OR_RETURN(BayesNashSolution eq,
                       SolveBilateralKDoubleAuction(values, costs, kPaperK, options));
  TheoremOneDeviation d;
  const TypeRange v{values.lo(), values.hi()}, c{costs.lo(), costs.hi()};
  d.buyer_strategy = TheoremOneBuyerStrategy(v, c);
  d.seller_strategy = TheoremOneSellerStrategy(v, c);
  const GridStrategy buyer = Tabulate(values, d.buyer_strategy, options.grid_points);
  const GridStrategy seller = Tabulate(costs, d.seller_strategy, options.grid_points);
  d.gains = GainsFromDeviating(values, costs, kPaperK, buyer, seller);
  d.welfare_first_best = FirstBestWelfare(values, costs);
  d.welfare_theorem_one = ExpectedWelfare(values, costs, buyer, seller);
  d.welfare_buyers_deviate =
      ExpectedWelfare(values, costs, BestBids(costs, seller, kPaperK, buyer), seller);
  d.welfare_sellers_deviate =
      ExpectedWelfare(values, costs, buyer, BestAsks(values, buyer, kPaperK, seller));
  d.welfare_equilibrium = ExpectedWelfare(values, costs, eq.buyer, eq.seller);
  d.equilibrium = std::move(eq);
  return d;
}

}  // namespace v2v::market
