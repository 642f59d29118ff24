#include "market/spatial_index.h"

#include <algorithm>
#include <cmath>

namespace v2v::market {

GridIndex::GridIndex(std::vector<Point> points, Metres radius_m)
    : points_(std::move(points)), radius_m_(radius_m) {
  cells_.reserve(points_.size());
  for (int i = 0; i < static_cast<int>(points_.size()); ++i) {
    cells_.emplace_back(CellKey(CellOf(points_[i].x), CellOf(points_[i].y)), i);
  }
  std::sort(cells_.begin(), cells_.end());
}

int64_t GridIndex::CellOf(Metres v) const {
  // Clamp so that far-away coordinates cannot overflow the key; such cells simply merge.
  const double c = std::floor(v / radius_m_);
  return static_cast<int64_t>(std::clamp(c, -1e9, 1e9));
}

uint64_t GridIndex::CellKey(int64_t cx, int64_t cy) const {
  // |cx|, |cy| <= 1e9 + 1 < 2^31 (CellOf clamps), so each offset fits in 32 unsigned bits.
  const auto ux = static_cast<uint64_t>(cx + (int64_t{1} << 31));
  const auto uy = static_cast<uint64_t>(cy + (int64_t{1} << 31));
  return (ux << 32) | uy;
}

std::vector<Neighbor> GridIndex::WithinRadius(Metres x, Metres y) const {
  std::vector<Neighbor> out;
  const int64_t cx = CellOf(x), cy = CellOf(y);
  for (int64_t dx = -1; dx <= 1; ++dx) {
    for (int64_t dy = -1; dy <= 1; ++dy) {
      const uint64_t key = CellKey(cx + dx, cy + dy);
      auto it = std::lower_bound(cells_.begin(), cells_.end(), std::pair<uint64_t, int>{key, -1});
      for (; it != cells_.end() && it->first == key; ++it) {
        const Point& p = points_[it->second];
        const double d = std::hypot(p.x - x, p.y - y);
        if (d <= radius_m_) out.push_back({it->second, d});
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Neighbor& a, const Neighbor& b) { return a.index < b.index; });
  return out;
}

}  // namespace v2v::market
