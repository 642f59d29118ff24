// NewMechanismByName (mechanism.h): the one place that maps a mechanism's name to its factory.
#include <array>
#include <cmath>
#include <string>

#include "market/mechanism.h"

namespace v2v::market {
namespace {

constexpr std::array<std::string_view, 7> kNames = {
    "bayesian", "bayesian-pooled", "k-double-auction", "mcafee", "sbba", "vcg", "posted-price"};

std::string KnownNames() {
  std::string out;
  for (std::string_view n : kNames) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

Status CheckBounds(std::string_view name, const MechanismParams& p) {
  for (double x : {p.v_min, p.v_max, p.c_min, p.c_max}) {
    if (!std::isfinite(x)) {
      return Status::InvalidArgument(std::string(name) + ": the prior's bounds must be finite");
    }
  }
  if (p.v_min > p.v_max || p.c_min > p.c_max) {
    return Status::InvalidArgument(std::string(name) +
                                   ": the prior's bounds are out of order (v_min > v_max or "
                                   "c_min > c_max)");
  }
  return Status::Ok();
}

}  // namespace

std::span<const std::string_view> MechanismNames() { return kNames; }

Result<std::unique_ptr<Mechanism>> NewMechanismByName(std::string_view name,
                                                      const MechanismParams& p) {
  if (name == "k-double-auction") {
    if (!(p.k >= 0 && p.k <= 1)) {
      return Status::InvalidArgument("k-double-auction: k must lie in [0, 1]");
    }
    return NewKDoubleAuction(p.k);
  }
  if (name == "sbba") return NewSbba();
  if (name == "vcg") return NewVcgDoubleAuction();
  if (name == "posted-price") {
    if (!p.posted_price) return Status::InvalidArgument("posted-price: needs a price");
    if (!std::isfinite(*p.posted_price)) {
      return Status::InvalidArgument("posted-price: the price must be finite");
    }
    return NewPostedPrice(*p.posted_price);
  }
  if (name == "bayesian" || name == "bayesian-pooled" || name == "mcafee") {
    V2V_RETURN_IF_ERROR(CheckBounds(name, p));
    if (name == "bayesian") return NewBayesianBilateral(p.v_max, p.c_min);
    if (name == "bayesian-pooled") return NewBayesianPooled(p.v_max, p.c_min);
    return NewMcAfee(p.v_min, p.c_max);
  }
  return Status::InvalidArgument("unknown mechanism \"" + std::string(name) +
                                 "\" (known: " + KnownNames() + ")");
}

}  // namespace v2v::market
