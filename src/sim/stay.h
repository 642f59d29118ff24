// How long a car of the synthetic city stays within reach of its round's RSU: its stay_s under
// the grid model (docs/model.md section 11; market::PowerTimeCap).
//
// What is known of the car's way at the round is its road up to the next junction (the turn
// there is drawn only when it gets there), its speed, the time left in its trip or stop, and the
// least a stop lasts (park_min_s: a stop's length is drawn only when it begins). Past the next
// junction its distance to the RSU grows by at most the distance it drives. So the stay is the
// least time the car can take to leave the RSU's range: a lower bound of the true stay, never
// more than the pair really has. Pure: no random draw, no state.
#pragma once

#include "sim/city.h"
#include "sim/scenario.h"

namespace v2v::sim {

// A car the round hears stays at least this long (a stay must be positive, market/bid.h): a car
// on the edge of the range, driving out, may still move min(P_i, P_j) for a second.
inline constexpr double kMinStayS = 1.0;

// The metres the car drives, from where it is, before it is farther than range_m from `rsu`:
// exactly along its road to the next junction, and if it is still within range there, from
// there the range less its distance to the RSU. 0 for a car already out of range.
double MetresInReach(const GridVehicle& v, Point rsu, double range_m, double spacing_m);

// The stay of car `v` in the round of the RSU at `rsu`, in seconds after the round: the time to
// drive MetresInReach at its speed, plus the rest of its stop if it is parked, or park_min_s if
// its trip ends within range (the stop it makes there lasts at least that). Within [kMinStayS,
// market::kMaxStayS]; a car with no speed stays market::kMaxStayS.
double GridStayS(const GridVehicle& v, Point rsu, const Scenario& s);

}  // namespace v2v::sim
