#include "market/bid.h"

#include <cmath>
#include <set>
#include <sstream>

#include "market/bid_bounds.h"

namespace v2v::market {
namespace {

std::string Num(double v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

Status CheckFinite(const std::string& field, double v) {
  if (!std::isfinite(v)) return Status::InvalidArgument(field + ": must be a finite number");
  return Status::Ok();
}

Status CheckNonNegative(const std::string& field, double v) {
  V2V_RETURN_IF_ERROR(CheckFinite(field, v));
  if (v < 0) return Status::InvalidArgument(field + ": must be >= 0, got " + Num(v));
  if (v > kMaxMagnitude) {
    return Status::InvalidArgument(field + ": must be at most " + Num(kMaxMagnitude) + ", got " +
                                   Num(v));
  }
  return Status::Ok();
}

Status CheckCoordinate(const std::string& field, double v) {
  V2V_RETURN_IF_ERROR(CheckFinite(field, v));
  if (std::abs(v) > kMaxMagnitude) {
    return Status::InvalidArgument(field + ": must be within +-" + Num(kMaxMagnitude) + " m");
  }
  return Status::Ok();
}

Status CheckRange(const std::string& field, double v, double lo, double hi) {
  V2V_RETURN_IF_ERROR(CheckFinite(field, v));
  if (v < lo || v > hi) {
    return Status::InvalidArgument(field + ": must be in [" + Num(lo) + ", " + Num(hi) + "], got " +
                                   Num(v));
  }
  return Status::Ok();
}

// The car's optional limits: a power in (0, kMaxPowerKw], a stay in (0, kMaxStayS].
Status CheckCarLimits(const std::optional<double>& power_kw, const std::optional<double>& stay_s,
                      const std::string& at) {
  if (power_kw && !(std::isfinite(*power_kw) && *power_kw > 0 && *power_kw <= kMaxPowerKw)) {
    return Status::InvalidArgument(at + ".max_power_kw: " + Num(*power_kw) + " kW is not in (0, " +
                                   Num(kMaxPowerKw) + "]");
  }
  if (stay_s && !(std::isfinite(*stay_s) && *stay_s > 0 && *stay_s <= kMaxStayS)) {
    return Status::InvalidArgument(at + ".stay_s: " + Num(*stay_s) + " s is not in (0, " +
                                   Num(kMaxStayS) +
                                   "]: its departure must come after the round, within a week");
  }
  return Status::Ok();
}

Status CheckBuyerStructure(const BuyerBid& b, const std::string& at) {
  for (auto [name, v] : {std::pair{"v", b.v},
                         {"v_min", b.v_min},
                         {"v_max", b.v_max},
                         {"b_min", b.b_min},
                         {"b_max", b.b_max},
                         {"w", b.w}}) {
    V2V_RETURN_IF_ERROR(CheckNonNegative(at + "." + name, v));
  }
  V2V_RETURN_IF_ERROR(CheckCoordinate(at + ".x", b.x));
  V2V_RETURN_IF_ERROR(CheckCoordinate(at + ".y", b.y));
  if (b.outside_option_per_kwh) {
    V2V_RETURN_IF_ERROR(
        CheckNonNegative(at + ".outside_option_per_kwh", *b.outside_option_per_kwh));
  }
  return CheckCarLimits(b.max_power_kw, b.stay_s, at);
}

Status CheckSellerStructure(const SellerBid& s, const std::string& at) {
  for (auto [name, v] : {std::pair{"c", s.c},
                         {"c_min", s.c_min},
                         {"c_max", s.c_max},
                         {"s_t", s.s_t},
                         {"s_r", s.s_r},
                         {"rho", s.rho}}) {
    V2V_RETURN_IF_ERROR(CheckNonNegative(at + "." + name, v));
  }
  if (s.rho != 0) V2V_RETURN_IF_ERROR(CheckRange(at + ".rho", s.rho, kMinLossRate, kMaxLossRate));
  V2V_RETURN_IF_ERROR(CheckCoordinate(at + ".x", s.x));
  V2V_RETURN_IF_ERROR(CheckCoordinate(at + ".y", s.y));
  if (s.target_kwh) V2V_RETURN_IF_ERROR(CheckNonNegative(at + ".target_kwh", *s.target_kwh));
  return CheckCarLimits(s.max_power_kw, s.stay_s, at);
}

}  // namespace

Status ValidateMarketStructure(const Market& m) {
  const Auctioneer& a = m.auctioneer;
  V2V_RETURN_IF_ERROR(CheckNonNegative("auctioneer.v_min", a.v_min));
  V2V_RETURN_IF_ERROR(CheckNonNegative("auctioneer.c_max", a.c_max));
  V2V_RETURN_IF_ERROR(CheckRange("auctioneer.l1", a.l1, kMinL1, kMaxMagnitude));
  V2V_RETURN_IF_ERROR(CheckNonNegative("auctioneer.l2", a.l2));
  V2V_RETURN_IF_ERROR(CheckRange("auctioneer.radius_m", a.radius_m, 1e-3, kMaxMagnitude));
  if (a.grid) {
    V2V_RETURN_IF_ERROR(
        CheckNonNegative("auctioneer.grid.feed_in_per_kwh", a.grid->feed_in_per_kwh));
    V2V_RETURN_IF_ERROR(CheckNonNegative("auctioneer.grid.fee_per_kwh", a.grid->fee_per_kwh));
  }
  std::set<std::string> ids;
  auto check_id = [&ids](const std::string& id, const std::string& at) -> Status {
    if (id.empty()) return Status::InvalidArgument(at + ".id: must not be empty");
    if (!ids.insert(id).second)
      return Status::InvalidArgument(at + ".id: duplicate id \"" + id + "\"");
    return Status::Ok();
  };
  for (size_t i = 0; i < m.buyers.size(); ++i) {
    const std::string at = "buyers[" + std::to_string(i) + "]";
    V2V_RETURN_IF_ERROR(check_id(m.buyers[i].id, at));
    V2V_RETURN_IF_ERROR(CheckBuyerStructure(m.buyers[i], at));
  }
  for (size_t j = 0; j < m.sellers.size(); ++j) {
    const std::string at = "sellers[" + std::to_string(j) + "]";
    V2V_RETURN_IF_ERROR(check_id(m.sellers[j].id, at));
    V2V_RETURN_IF_ERROR(CheckSellerStructure(m.sellers[j], at));
  }
  return Status::Ok();
}

Status ValidateBuyer(const Auctioneer& a, const BuyerBid& b) {
  const std::string who = "buyer " + b.id + ": ";
  if (b.v_min > b.v_max) {
    return Status::InvalidArgument(who + "v_min " + Num(b.v_min) + " exceeds v_max " +
                                   Num(b.v_max));
  }
  switch (BuyerBoundBroken(a.v_min, b.v, b.v_min, b.v_max)) {
    case BidBound::kVMin:
      return Status::InvalidArgument(who + "v_min " + Num(b.v_min) +
                                     " is below the auctioneer's lower price bound v^min " +
                                     Num(a.v_min));
    case BidBound::kV:
      return Status::InvalidArgument(who + "value v " + Num(b.v) +
                                     " is outside [v_min, v_max] = [" + Num(b.v_min) + ", " +
                                     Num(b.v_max) + "]");
    default:
      break;
  }
  if (b.b_min > b.b_max) {
    return Status::InvalidArgument(who + "b_min " + Num(b.b_min) + " kWh exceeds b_max " +
                                   Num(b.b_max) + " kWh");
  }
  if (b.w > 5) return Status::InvalidArgument(who + "willingness w " + Num(b.w) + " is above 5");
  return Status::Ok();
}

Status ValidateSeller(const Auctioneer& a, const SellerBid& s) {
  const std::string who = "seller " + s.id + ": ";
  if (s.c_min > s.c_max) {
    return Status::InvalidArgument(who + "c_min " + Num(s.c_min) + " exceeds c_max " +
                                   Num(s.c_max));
  }
  switch (SellerBoundBroken(a.c_max, s.c, s.c_min, s.c_max)) {
    case BidBound::kCMax:
      return Status::InvalidArgument(who + "c_max " + Num(s.c_max) +
                                     " is above the auctioneer's upper price bound c^max " +
                                     Num(a.c_max));
    case BidBound::kC:
      return Status::InvalidArgument(who + "cost c " + Num(s.c) + " is outside [c_min, c_max] = [" +
                                     Num(s.c_min) + ", " + Num(s.c_max) + "]");
    default:
      break;
  }
  if (s.s_r > s.s_t) {
    return Status::InvalidArgument(who + "reserve s_r " + Num(s.s_r) +
                                   " kWh exceeds current energy s_t " + Num(s.s_t) + " kWh");
  }
  return Status::Ok();
}

Kwh PowerTimeCap(const BuyerBid& b, const SellerBid& s) {
  constexpr double kNone = std::numeric_limits<double>::infinity();
  const double power = std::min(b.max_power_kw.value_or(kNone), s.max_power_kw.value_or(kNone));
  const double stay = std::min(b.stay_s.value_or(kNone), s.stay_s.value_or(kNone));
  if (power == kNone || stay == kNone) return kNone;
  return power * stay / 3600.0;
}

std::optional<int64_t> PowerTimeCapWh(int64_t power_a_w, int64_t power_b_w,
                                      std::optional<int64_t> stay_a_s,
                                      std::optional<int64_t> stay_b_s) {
  int64_t power = 0;
  for (int64_t p : {power_a_w, power_b_w}) {
    if (p > 0) power = power == 0 ? p : std::min(power, p);
  }
  std::optional<int64_t> stay;
  for (const auto& t : {stay_a_s, stay_b_s}) {
    if (t) stay = std::min(stay.value_or(*t), *t);
  }
  if (power == 0 || !stay) return std::nullopt;
  return power * std::max<int64_t>(0, *stay) / 3600;  // <= 2^62
}

}  // namespace v2v::market
