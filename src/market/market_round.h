// One trading round of an RSU (docs/model.md sections 2-4): under the grid model first screen the
// bids against the grid (market/outside_option.h, docs/model.md section 11), validate the bids,
// pair each buyer with the sellers within the radius, price every pair by Theorem 1, admit buyers
// whose minimums can be met, and choose the volumes by the certified convex program.
//
// Pure and deterministic: the result does not depend on the order of the bids in the input
// (everything is sorted by id first) and reads no clock or random source.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "market/bayesian_pricing.h"
#include "market/bid.h"
#include "market/outside_option.h"
#include "market/welfare_optimizer.h"

namespace v2v::market {

struct PairResult {
  std::string buyer, seller;
  Metres distance_m = 0;
  PairPrice price;
  Kwh volume = 0;  // unrounded; 0 for pairs that do not trade
};

struct BuyerOutcome {
  std::string id;
  Kwh receives = 0;
  double pays = 0;    // sum_j T_ij x_ij, currency
  double lambda = 0;  // marginal value at the optimum (certificate)
};

struct SellerOutcome {
  std::string id;
  Kwh delivers = 0;    // sum_i x_ij
  Kwh energy_out = 0;  // (1 + rho_j) sum_i x_ij
  double earns = 0;
  double gamma = 0;  // shadow price of its supply (certificate)
};

struct Rejection {
  std::string id;
  std::string reason;
  // Set when the grid screen left the bid out (market/outside_option.h); unset for a bid that
  // broke Algorithm 1's rules.
  std::optional<GridVerdict> grid;
};

struct RoundResult {
  std::vector<PairResult> pairs;       // every in-range pair of valid bids, by (buyer, seller) id
  std::vector<Rejection> rejected;     // invalid bids and those the grid left out, by id
  std::vector<std::string> unserved;   // valid buyers whose b_min could not be met, by id
  std::vector<BuyerOutcome> buyers;    // every valid buyer, by id
  std::vector<SellerOutcome> sellers;  // every valid seller, by id
  double welfare = 0;                  // objective of the volume program at the result
  double duality_gap = 0;              // relative, certified
  double max_violation_kwh = 0;
  int newton_iterations = 0;
  int cg_iterations = 0;
  int lp_solves = 0;
};

// The Theorem 2 cap u_ij = (T - l2 rho)/(2 l1 rho), clamped at 0; +inf when rho == 0.
Kwh SupplyCap(PricePerKwh t, double rho, double l1, double l2);

// A round up to (not including) the volume optimisation: validation, pairs, prices and
// admission done; `problem` is the volume program over the admitted buyers' trading pairs.
struct PreparedRound {
  RoundResult result;              // pairs (volume 0), rejected, unserved filled in
  VolumeProblem problem;           // buyers/sellers in the order of result.buyers/result.sellers
  std::vector<int> edge_pair;      // edge of `problem` -> index into result.pairs
  std::vector<double> seller_rho;  // per seller of `problem`
};
Result<PreparedRound> PrepareRound(const Market& market);

// Fills volumes, payments and the certificate from a solution of prepared.problem.
RoundResult FinishRound(PreparedRound prepared, const VolumeSolution& solution);

// PrepareRound + SolveVolumes + FinishRound. Returns InvalidArgument if the market is
// structurally invalid (ValidateMarketStructure); invalid bids are reported in `rejected`.
Result<RoundResult> RunRound(const Market& market, const OptimizerOptions& options = {});

}  // namespace v2v::market
