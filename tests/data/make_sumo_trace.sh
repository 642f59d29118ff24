#!/usr/bin/env bash
# Regenerates sumo_grid_fcd.xml with Debian's SUMO (apt-get install sumo sumo-tools). Not needed
# to build or test: the generated file is committed. SUMO 1.15 (Debian 12) made the committed one.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
netgenerate --grid --grid.number 4 --grid.length 300 --default.speed 13.9 -o "$tmp/grid.net.xml"
python3 /usr/share/sumo/tools/randomTrips.py -n "$tmp/grid.net.xml" -o "$tmp/trips.xml" \
  -e 300 -p 3 --seed 42
sumo -n "$tmp/grid.net.xml" -r "$tmp/trips.xml" --end 300 --step-length 5 --seed 42 \
  --fcd-output "$(dirname "$0")/sumo_grid_fcd.xml" --fcd-output.attributes x,y \
  --no-step-log true --xml-validation never
