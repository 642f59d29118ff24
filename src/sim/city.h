// The synthetic city: a square road grid, RSUs placed along it, and vehicles that drive on it.
//
// Roads run along x = k * road_spacing_m and y = k * road_spacing_m (k = 0..n). A vehicle drives
// from junction to junction at its own speed; at each junction it turns to a random neighbouring
// road (a U-turn only at a dead end). Vehicles alternate trips (duration ~ U[trip_min_s,
// trip_max_s]) and stops (parked at the roadside, ~ U[park_min_s, park_max_s]); a share
// park_charge_share of the stops are at a grid charger. Pure given the seed: no clock, no global
// state.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/rng.h"
#include "sim/scenario.h"

namespace v2v::sim {

// RSU positions for the scenario's layout: `grid` puts one at every junction whose coordinates
// are multiples of rsu_spacing_m (rounded to the road grid), `junctions` one at every junction,
// `list` the listed positions. Ordered by y then x (list: as listed).
std::vector<Point> PlaceRsus(const Scenario& s);
// PlaceRsus(s).size(), without placing them. REQUIRES: the scenario's keys within their ranges.
int64_t RsuCount(const Scenario& s);

// Assigns points to their nearest RSU within range through a bucket grid.
// Not thread-safe for concurrent construction; Nearest() is const and thread-safe.
class RsuIndex {
 public:
  RsuIndex(std::vector<Point> rsus, double range_m);
  // Index of the nearest RSU within range (ties: the lower index), or -1.
  int Nearest(Point p) const;
  const std::vector<Point>& rsus() const { return rsus_; }

 private:
  std::vector<Point> rsus_;
  double range_m_;
  double cell_m_;
  double min_x_ = 0, min_y_ = 0;
  int nx_ = 1, ny_ = 1;
  std::vector<std::vector<int>> cells_;
};

// One vehicle driving on the grid.
struct GridVehicle {
  int jx = 0, jy = 0;   // the junction it left
  int dir = 0;          // 0 +x, 1 +y, 2 -x, 3 -y
  double offset_m = 0;  // distance from that junction along dir
  double speed_mps = 10;
  bool parked = false;
  bool at_charger = false;  // this stop is at a grid charger
  double phase_left_s = 0;  // time left in the current trip or stop
  Point Position(double spacing_m) const;
};

class GridMobility {
 public:
  // REQUIRES: ValidateScenario(s).ok().
  GridMobility(const Scenario& s, uint64_t seed);
  // Places a vehicle at a random point of a random road, heading a random valid way.
  GridVehicle Spawn();
  // Moves the vehicle by distance_m along the roads; returns the distance moved (= distance_m).
  double Drive(GridVehicle& v, double distance_m);
  // Lets dt_s seconds pass: drives during trips, waits during stops, switching between them as
  // their durations run out. Returns the distance driven.
  double Advance(GridVehicle& v, double dt_s);
  int junctions_per_side() const { return n_ + 1; }

 private:
  bool Valid(int jx, int jy, int dir) const;
  int Turn(int jx, int jy, int came_dir);
  double spacing_m_;
  int n_;  // road segments per side
  Rng rng_;
  double speed_min_, speed_max_;
  double trip_min_, trip_max_, park_min_, park_max_, charge_share_;
};

}  // namespace v2v::sim
