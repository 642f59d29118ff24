#include "sim/city.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace v2v::sim {
namespace {

constexpr int kDx[4] = {1, 0, -1, 0};
constexpr int kDy[4] = {0, 1, 0, -1};

int RoadsPerSide(const Scenario& s) {
  return std::max(1, static_cast<int>(std::floor(s.city_size_m / s.road_spacing_m + 1e-9)));
}

// The RSU lattice of the grid and junctions layouts: every step-th junction from the first.
int LatticeStep(const Scenario& s) {
  if (s.rsu_layout != RsuLayout::kGrid) return 1;
  return std::max(1, static_cast<int>(std::lround(s.rsu_spacing_m / s.road_spacing_m)));
}
// Centre the lattice so that the border gap is the same on both sides.
int LatticeFirst(int n, int step) { return (n % step) / 2; }

}  // namespace

int64_t RsuCount(const Scenario& s) {
  if (s.rsu_layout == RsuLayout::kList) return static_cast<int64_t>(s.rsu_positions_m.size());
  const int n = RoadsPerSide(s);
  const int step = LatticeStep(s);
  const int64_t per_side = (n - LatticeFirst(n, step)) / step + 1;
  return per_side * per_side;
}

std::vector<Point> PlaceRsus(const Scenario& s) {
  if (s.rsu_layout == RsuLayout::kList) return s.rsu_positions_m;
  const int n = RoadsPerSide(s);
  const int step = LatticeStep(s);
  const int first = LatticeFirst(n, step);
  std::vector<Point> out;
  for (int j = first; j <= n; j += step) {
    for (int i = first; i <= n; i += step) {
      out.push_back({i * s.road_spacing_m, j * s.road_spacing_m});
    }
  }
  return out;
}

RsuIndex::RsuIndex(std::vector<Point> rsus, double range_m)
    : rsus_(std::move(rsus)), range_m_(range_m), cell_m_(std::max(range_m, 1.0)) {
  if (rsus_.empty()) return;
  double max_x = rsus_[0].x, max_y = rsus_[0].y;
  min_x_ = rsus_[0].x;
  min_y_ = rsus_[0].y;
  for (const Point& p : rsus_) {
    min_x_ = std::min(min_x_, p.x);
    min_y_ = std::min(min_y_, p.y);
    max_x = std::max(max_x, p.x);
    max_y = std::max(max_y, p.y);
  }
  nx_ = static_cast<int>((max_x - min_x_) / cell_m_) + 1;
  ny_ = static_cast<int>((max_y - min_y_) / cell_m_) + 1;
  cells_.assign(static_cast<size_t>(nx_) * static_cast<size_t>(ny_), {});
  for (int i = 0; i < static_cast<int>(rsus_.size()); ++i) {
    const int cx = static_cast<int>((rsus_[i].x - min_x_) / cell_m_);
    const int cy = static_cast<int>((rsus_[i].y - min_y_) / cell_m_);
    cells_[static_cast<size_t>(cy) * static_cast<size_t>(nx_) + static_cast<size_t>(cx)].push_back(
        i);
  }
}

int RsuIndex::Nearest(Point p) const {
  if (rsus_.empty()) return -1;
  const double fx = std::floor((p.x - min_x_) / cell_m_);
  const double fy = std::floor((p.y - min_y_) / cell_m_);
  if (fx < -1 || fy < -1 || fx > nx_ || fy > ny_) return -1;
  const int cx = static_cast<int>(fx), cy = static_cast<int>(fy);
  int best = -1;
  double best_d2 = range_m_ * range_m_;
  for (int y = std::max(0, cy - 1); y <= std::min(ny_ - 1, cy + 1); ++y) {
    for (int x = std::max(0, cx - 1); x <= std::min(nx_ - 1, cx + 1); ++x) {
      for (int i :
           cells_[static_cast<size_t>(y) * static_cast<size_t>(nx_) + static_cast<size_t>(x)]) {
        const double dx = rsus_[i].x - p.x, dy = rsus_[i].y - p.y;
        const double d2 = dx * dx + dy * dy;
        if (d2 < best_d2 || (d2 == best_d2 && (best < 0 || i < best))) {
          best = i;
          best_d2 = d2;
        }
      }
    }
  }
  return best;
}

Point GridVehicle::Position(double spacing_m) const {
  return {jx * spacing_m + kDx[dir] * offset_m, jy * spacing_m + kDy[dir] * offset_m};
}

GridMobility::GridMobility(const Scenario& s, uint64_t seed)
    : spacing_m_(s.road_spacing_m),
      n_(RoadsPerSide(s)),
      rng_(seed),
      speed_min_(s.speed_min_mps),
      speed_max_(s.speed_max_mps),
      trip_min_(s.trip_min_s),
      trip_max_(s.trip_max_s),
      park_min_(s.park_min_s),
      park_max_(s.park_max_s),
      charge_share_(s.park_charge_share) {}

bool GridMobility::Valid(int jx, int jy, int dir) const {
  const int x = jx + kDx[dir], y = jy + kDy[dir];
  return x >= 0 && x <= n_ && y >= 0 && y <= n_;
}

int GridMobility::Turn(int jx, int jy, int came_dir) {
  const int back = (came_dir + 2) % 4;
  int options[4];
  int k = 0;
  for (int d = 0; d < 4; ++d) {
    if (d != back && Valid(jx, jy, d)) options[k++] = d;
  }
  if (k == 0) return back;
  return options[rng_.Below(static_cast<uint64_t>(k))];
}

GridVehicle GridMobility::Spawn() {
  GridVehicle v;
  const uint64_t side = static_cast<uint64_t>(n_) + 1;
  v.jx = static_cast<int>(rng_.Below(side));
  v.jy = static_cast<int>(rng_.Below(side));
  v.dir = Turn(v.jx, v.jy, static_cast<int>(rng_.Below(4)));
  if (!Valid(v.jx, v.jy, v.dir)) v.dir = (v.dir + 2) % 4;
  v.offset_m = rng_.Uniform(0, spacing_m_);
  v.speed_mps = rng_.Uniform(speed_min_, speed_max_);
  // Start somewhere in a trip or a stop, in proportion to their mean durations.
  const double trip = 0.5 * (trip_min_ + trip_max_), park = 0.5 * (park_min_ + park_max_);
  v.parked = rng_.Bernoulli(park / (trip + park));
  v.phase_left_s = v.parked ? rng_.Uniform(0, park_max_) : rng_.Uniform(0, trip_max_);
  v.at_charger = v.parked && rng_.Bernoulli(charge_share_);
  return v;
}

double GridMobility::Advance(GridVehicle& v, double dt_s) {
  double moved = 0;
  double left = dt_s;
  while (left > 0) {
    if (v.phase_left_s <= 0) {
      v.parked = !v.parked;
      v.phase_left_s =
          v.parked ? rng_.Uniform(park_min_, park_max_) : rng_.Uniform(trip_min_, trip_max_);
      v.at_charger = v.parked && rng_.Bernoulli(charge_share_);
      if (v.phase_left_s <= 0) continue;  // a zero-length stop (park_max_s = 0): drive on
    }
    const double t = std::min(left, v.phase_left_s);
    if (!v.parked) moved += Drive(v, v.speed_mps * t);
    v.phase_left_s -= t;
    left -= t;
  }
  return moved;
}

double GridMobility::Drive(GridVehicle& v, double distance_m) {
  double left = distance_m;
  while (left > 0) {
    const double to_next = spacing_m_ - v.offset_m;
    if (left < to_next) {
      v.offset_m += left;
      break;
    }
    left -= to_next;
    v.jx += kDx[v.dir];
    v.jy += kDy[v.dir];
    v.offset_m = 0;
    v.dir = Turn(v.jx, v.jy, v.dir);
  }
  return distance_m;
}

}  // namespace v2v::sim
