// A prior: the distribution of one side's private type (buyers' values or sellers' costs), for
// the Bayes-Nash solver (bayes_nash.h).
//
// Every prior is held in one form: a continuous, piecewise-linear CDF through knots
// (x_0, 0), ..., (x_m, 1) with x_0 < ... < x_m, i.e. a piecewise-constant density on
// [x_0, x_m]. The three ways to build one:
//   - Uniform(lo, hi): two knots.
//   - FromDensity(lo, hi, f, cells): f tabulated on `cells` equal cells of [lo, hi]; each cell
//     gets the mass of f on it (Simpson's rule), normalised so the masses sum to 1 (f need not
//     integrate to 1). Within a cell the density is flat.
//   - FromSamples(samples, knots): the empirical distribution, smoothed: the knots are the
//     sample quantiles at probabilities j/knots (j = 0..knots), the minimum and maximum
//     included, so every interval between knots holds 1/knots of the probability. Repeated
//     quantiles (ties in the data) are merged; their mass goes to the neighbouring interval.
// Pure values; copyable.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "base/result.h"

namespace v2v::market {

class Prior {
 public:
  // REQUIRES of the arguments (errors otherwise): finite, lo < hi.
  static Result<Prior> Uniform(double lo, double hi);
  // Also: cells >= 1, f finite and >= 0 at every point it is evaluated at (the cell ends and
  // midpoints), with positive total mass.
  static Result<Prior> FromDensity(double lo, double hi, const std::function<double(double)>& f,
                                   int cells = 1000);
  // Also: at least two samples, all finite, not all equal; knots >= 1 (at most the number of
  // samples - 1 are used).
  static Result<Prior> FromSamples(std::span<const double> samples, int knots = 400);

  double lo() const { return x_.front(); }  // the support is [lo, hi]
  double hi() const { return x_.back(); }
  // P(type <= t): 0 below lo, 1 above hi.
  double Cdf(double t) const;
  // The smallest t with Cdf(t) >= u, for u in [0, 1] (clamped).
  double Quantile(double u) const;
  // E[type 1{type <= t}] (the partial mean), exact for the piecewise-linear CDF.
  double PartialMean(double t) const;
  double Mean() const { return PartialMean(hi()); }

  // The knots of the CDF: Cdf is linear between consecutive ones.
  std::span<const double> knots() const { return x_; }

 private:
  Prior(std::vector<double> x, std::vector<double> cdf);
  std::vector<double> x_;             // strictly increasing
  std::vector<double> cdf_;           // non-decreasing from 0 to 1 (flat where the density is 0)
  std::vector<double> partial_mean_;  // PartialMean at each knot
};

}  // namespace v2v::market
