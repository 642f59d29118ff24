// A streaming reader of SUMO floating-car data (the file `sumo --fcd-output FILE` writes):
//
//   <fcd-export>
//     <timestep time="0.00">
//       <vehicle id="veh0" x="12.3" y="45.6" angle=".." type=".." speed=".." .../>
//     </timestep>
//   </fcd-export>
//
// The file is parsed in chunks with expat and never loaded whole: each <timestep> is handed to
// the sink as soon as it closes, so memory is one timestep. Elements other than <timestep> and
// <vehicle> (persons, containers, ...) are skipped; of a vehicle only id, x and y are read.
// Any malformed or truncated input is an error naming the source and line; the reader never
// crashes on bad input. Not thread-safe; reentrant (no global state).
#pragma once

#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace v2v::sim {

struct FcdVehicle {
  std::string id;
  double x = 0, y = 0;  // metres, SUMO's network coordinates
};

struct FcdFrame {
  double time_s = 0;
  std::vector<FcdVehicle> vehicles;  // in file order
};

// Called once per timestep, in file order. A non-OK status stops the reading and is returned.
using FcdSink = std::function<Status(const FcdFrame&)>;

// Errors (InvalidArgument, message "SOURCE: line N: ..."): XML not well formed or truncated,
// a root other than <fcd-export>, a <timestep> without a numeric time or with a time below the
// previous one, a <vehicle> outside a timestep or without id/x/y or with a non-finite coordinate,
// a duplicate vehicle id within one timestep. IoError if the stream fails.
Status ReadFcd(std::istream& in, std::string_view source, const FcdSink& sink,
               size_t chunk_bytes = 1 << 16);
Status ReadFcdFile(const std::string& path, const FcdSink& sink);

}  // namespace v2v::sim
