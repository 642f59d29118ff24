// A uniform grid over the sellers' positions, for finding the sellers within a radius of a
// buyer without scanning every seller.
//
// The cell size equals the query radius, so a query visits the 3x3 block of cells around the
// buyer: O(sellers in those cells) per query. Build: O(M log M). Immutable after construction
// and safe to query from several threads.
#pragma once

#include <cstdint>
#include <vector>

#include "market/bid.h"

namespace v2v::market {

struct Neighbor {
  int index;          // index into the points given at construction
  Metres distance_m;  // Euclidean distance
};

class GridIndex {
 public:
  struct Point {
    Metres x, y;
  };
  // REQUIRES: radius_m > 0 and finite; points finite.
  GridIndex(std::vector<Point> points, Metres radius_m);

  // Points with distance <= radius_m from (x, y), in increasing index order.
  std::vector<Neighbor> WithinRadius(Metres x, Metres y) const;

 private:
  uint64_t CellKey(int64_t cx, int64_t cy) const;
  int64_t CellOf(Metres v) const;

  std::vector<Point> points_;
  Metres radius_m_;
  // Cells as a sorted list of (key, point index): equal keys are contiguous.
  std::vector<std::pair<uint64_t, int>> cells_;
};

}  // namespace v2v::market
