// The city's valuation distributions, as priors for the Bayes-Nash solver
// (market/bayes_nash.h).
//
// The simulation (simulation.h) draws every buyer's value per kWh from
// U[buyer_value_min_per_kwh, buyer_value_max_per_kwh] and every seller's cost from
// U[seller_cost_min_per_kwh, seller_cost_max_per_kwh], afresh in each round and independently of
// position, state of charge and the other traders; a seller whose reply comes too late is
// dropped after its cost is drawn, which does not select on the cost. So the values and costs
// that reach the market are samples of these two uniforms. DrawCityValuations draws them the
// same way (from its own seeded base::Rng); CityPriors makes the empirical priors of the draws.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "market/prior.h"
#include "sim/scenario.h"

namespace v2v::sim {

struct CityValuations {
  std::vector<double> values, costs;  // per kWh
};
// `count` buyers' values and `count` sellers' costs. REQUIRES: count >= 0.
CityValuations DrawCityValuations(const Scenario& s, uint64_t seed, int count);

struct CityPriors {
  market::Prior values, costs;
};
// The empirical priors of `count` draws of each (market::Prior::FromSamples, `knots` knots).
// Errors: a range of zero width in the scenario, count < 2.
Result<CityPriors> MakeCityPriors(const Scenario& s, uint64_t seed, int count = 20000,
                                  int knots = 400);

}  // namespace v2v::sim
