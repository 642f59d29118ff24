#include "sim/stay.h"

#include <algorithm>
#include <cmath>

#include "market/bid.h"

namespace v2v::sim {

double MetresInReach(const GridVehicle& v, Point rsu, double range_m, double spacing_m) {
  GridVehicle left = v, ahead = v;  // at the junction it left and at the one ahead
  left.offset_m = 0;
  ahead.offset_m = spacing_m;
  const Point a = left.Position(spacing_m), b = ahead.Position(spacing_m);
  const Point p = v.Position(spacing_m);
  const double ex = (b.x - a.x) / spacing_m, ey = (b.y - a.y) / spacing_m;  // unit heading
  const double wx = p.x - rsu.x, wy = p.y - rsu.y;
  const double r2 = range_m * range_m, w2 = wx * wx + wy * wy;
  if (w2 > r2) return 0;
  // The road leaves the disc at the larger root u of |p + u e - rsu| = range_m.
  const double we = wx * ex + wy * ey;
  const double out_m = -we + std::sqrt(std::max(0.0, we * we + r2 - w2));
  const double to_junction_m = spacing_m - v.offset_m;
  if (out_m <= to_junction_m) return std::max(0.0, out_m);
  return to_junction_m + std::max(0.0, range_m - std::hypot(b.x - rsu.x, b.y - rsu.y));
}

double GridStayS(const GridVehicle& v, Point rsu, const Scenario& s) {
  if (!(v.speed_mps > 0)) return market::kMaxStayS;
  const double metres = MetresInReach(v, rsu, s.rsu_range_m, s.road_spacing_m);
  double stop_s = 0;
  if (v.parked) {
    stop_s = v.phase_left_s;
  } else if (v.phase_left_s * v.speed_mps <= metres) {
    stop_s = s.park_min_s;  // it parks within range, for at least the shortest stop
  }
  return std::clamp(metres / v.speed_mps + stop_s, kMinStayS, market::kMaxStayS);
}

}  // namespace v2v::sim
