#include "sim/city_priors.h"

#include "base/random.h"

namespace v2v::sim {

CityValuations DrawCityValuations(const Scenario& s, uint64_t seed, int count) {
  base::Rng rng(seed);
  CityValuations out;
  out.values.reserve(count);
  out.costs.reserve(count);
  for (int i = 0; i < count; ++i) {
    out.values.push_back(rng.Uniform(s.buyer_value_min_per_kwh, s.buyer_value_max_per_kwh));
    out.costs.push_back(rng.Uniform(s.seller_cost_min_per_kwh, s.seller_cost_max_per_kwh));
  }
  return out;
}

Result<CityPriors> MakeCityPriors(const Scenario& s, uint64_t seed, int count, int knots) {
  const CityValuations draws = DrawCityValuations(s, seed, count);
  V2V_ASSIGN_OR_RETURN(market::Prior values, market::Prior::FromSamples(draws.values, knots));
  V2V_ASSIGN_OR_RETURN(market::Prior costs, market::Prior::FromSamples(draws.costs, knots));
  return CityPriors{std::move(values), std::move(costs)};
}

}  // namespace v2v::sim
