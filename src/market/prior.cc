#include "market/prior.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace v2v::market {
namespace {

bool Finite(double x) { return std::isfinite(x); }

Status CheckRange(double lo, double hi) {
  if (!Finite(lo) || !Finite(hi) || !(lo < hi)) {
    return Status::InvalidArgument("prior: need finite lo < hi, got [" + std::to_string(lo) + ", " +
                                   std::to_string(hi) + "]");
  }
  return Status::Ok();
}

// On [x0, x1] with CDF rising from F0 to F1 the type is uniform with mass F1 - F0: its part of
// E[type 1{type <= t}] for x0 <= t <= x1.
double PieceMean(double x0, double x1, double F0, double F1, double t) {
  return (F1 - F0) / (x1 - x0) * (t * t - x0 * x0) / 2;
}

}  // namespace

Prior::Prior(std::vector<double> x, std::vector<double> cdf)
    : x_(std::move(x)), cdf_(std::move(cdf)), partial_mean_(x_.size(), 0.0) {
  for (size_t i = 1; i < x_.size(); ++i) {
    partial_mean_[i] =
        partial_mean_[i - 1] + PieceMean(x_[i - 1], x_[i], cdf_[i - 1], cdf_[i], x_[i]);
  }
}

Result<Prior> Prior::Uniform(double lo, double hi) {
  V2V_RETURN_IF_ERROR(CheckRange(lo, hi));
  return Prior({lo, hi}, {0.0, 1.0});
}

Result<Prior> Prior::FromDensity(double lo, double hi, const std::function<double(double)>& f,
                                 int cells) {
  V2V_RETURN_IF_ERROR(CheckRange(lo, hi));
  if (cells < 1) return Status::InvalidArgument("prior: cells must be >= 1");
  std::vector<double> x(cells + 1), cdf(cells + 1, 0.0);
  const double width = (hi - lo) / cells;
  for (int i = 0; i <= cells; ++i) x[i] = i == cells ? hi : lo + i * width;
  double left = f(lo);
  for (int i = 0; i < cells; ++i) {
    const double mid = f((x[i] + x[i + 1]) / 2), right = f(x[i + 1]);
    for (double y : {left, mid, right}) {
      if (!Finite(y) || y < 0) {
        return Status::InvalidArgument("prior: the density must be finite and >= 0 on [lo, hi]");
      }
    }
    cdf[i + 1] = cdf[i] + (x[i + 1] - x[i]) * (left + 4 * mid + right) / 6;  // Simpson
    left = right;
  }
  const double total = cdf.back();
  if (!(total > 0)) return Status::InvalidArgument("prior: the density has no mass on [lo, hi]");
  for (double& F : cdf) F /= total;
  cdf.back() = 1.0;
  return Prior(std::move(x), std::move(cdf));
}

Result<Prior> Prior::FromSamples(std::span<const double> samples, int knots) {
  if (samples.size() < 2) return Status::InvalidArgument("prior: need at least two samples");
  if (knots < 1) return Status::InvalidArgument("prior: knots must be >= 1");
  std::vector<double> sorted(samples.begin(), samples.end());
  if (!std::all_of(sorted.begin(), sorted.end(), Finite)) {
    return Status::InvalidArgument("prior: every sample must be finite");
  }
  std::sort(sorted.begin(), sorted.end());
  if (!(sorted.front() < sorted.back())) {
    return Status::InvalidArgument("prior: the samples are all equal (no spread to model)");
  }
  const size_t n = sorted.size();
  const size_t m = std::min(static_cast<size_t>(knots), n - 1);
  std::vector<double> x, cdf;
  for (size_t j = 0; j <= m; ++j) {
    // The sample quantile at probability j/m: linear interpolation between order statistics.
    const double pos = static_cast<double>(j) * static_cast<double>(n - 1) / static_cast<double>(m);
    const size_t i = std::min(static_cast<size_t>(pos), n - 2);
    const double frac = pos - static_cast<double>(i);
    const double q = sorted[i] + frac * (sorted[i + 1] - sorted[i]);
    const double F = static_cast<double>(j) / static_cast<double>(m);
    if (!x.empty() && !(q > x.back())) {
      cdf.back() = F;  // a repeated quantile: merge it into the previous knot
      continue;
    }
    x.push_back(q);
    cdf.push_back(F);
  }
  cdf.front() = 0.0;  // a merged first knot keeps the bottom of the support at probability 0
  return Prior(std::move(x), std::move(cdf));
}

double Prior::Cdf(double t) const {
  if (t <= x_.front()) return 0.0;
  if (t >= x_.back()) return 1.0;
  const size_t i = std::upper_bound(x_.begin(), x_.end(), t) - x_.begin();  // x_[i-1] <= t < x_[i]
  const double f = (t - x_[i - 1]) / (x_[i] - x_[i - 1]);
  return cdf_[i - 1] + f * (cdf_[i] - cdf_[i - 1]);
}

double Prior::Quantile(double u) const {
  if (u <= 0) return x_.front();
  if (u >= 1) return x_.back();
  // The first knot with cdf >= u; the quantile lies in the interval ending there.
  const size_t i = std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
  const double f = (u - cdf_[i - 1]) / (cdf_[i] - cdf_[i - 1]);
  return x_[i - 1] + f * (x_[i] - x_[i - 1]);
}

double Prior::PartialMean(double t) const {
  if (t <= x_.front()) return 0.0;
  if (t >= x_.back()) return partial_mean_.back();
  const size_t i = std::upper_bound(x_.begin(), x_.end(), t) - x_.begin();  // x_[i-1] <= t < x_[i]
  return partial_mean_[i - 1] + PieceMean(x_[i - 1], x_[i], cdf_[i - 1], cdf_[i], t);
}

}  // namespace v2v::market
