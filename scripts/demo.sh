#!/usr/bin/env bash
# `make demo`: one trading round of the example market, a short city simulation, and the paper's
# experiments (Figs. 4-14 + the mechanism table) with a summary, then a 4-node RSU testnet on
# loopback with a fleet of 40 simulated vehicles trading on it through the vehicle API for 20 s
# (rounds, trades, settled escrows, the four heads, and an audit of one node's chain).
# About a minute on 2 cores. Each node serves its explorer at its RPC address while the fleet
# trades; with KEEP_TESTNET=1 the testnet keeps running afterwards for the browser (stop it with
# `v2v testnet stop --dir out/demo-testnet`), and the audit, which needs a stopped node, is skipped.
set -euo pipefail
KEEP_TESTNET=${KEEP_TESTNET:-0}
BUILD=${1:-build}
V2V="$BUILD/bin/v2v"
echo "== v2v allocate --input examples/small_market.json --table"
"$V2V" allocate --input examples/small_market.json --table

echo
echo "== v2v simulate --scenario examples/demo_city.toml --seed 1 --out out/demo-city"
"$V2V" simulate --scenario examples/demo_city.toml --seed 1 --out out/demo-city --quiet
python3 - out/demo-city/summary.json <<'PY' 2>/dev/null || cat out/demo-city/summary.json
import json, sys
s = json.load(open(sys.argv[1]))
rows = [("vehicles", s["vehicles"]), ("simulated hours", s["simulated_s"] / 3600),
        ("auction rounds", s["rounds"]), ("trades", s["trades"]),
        ("energy traded (kWh)", round(s["energy_kwh"], 1)),
        ("mean price (per kWh)", s["mean_price_per_kwh"]), ("welfare", round(s["welfare"], 1)),
        ("buyers worse off than the grid", f'{s["buyers_worse_off_than_grid"]} of {s["buyers"]}'),
        ("wall time (s)", s["wall_s"])]
w = max(len(k) for k, _ in rows)
for k, v in rows:
    print(f"  {k:<{w}}  {v}")
PY
echo "  outputs: out/demo-city/{trades.csv,rounds.csv,summary.json,vehicles.csv,hourly/plot.png}"

echo
echo "== v2v simulate --scenario examples/grid_city.toml --seed 1 --out out/grid-city   (the grid as the outside option)"
"$V2V" simulate --scenario examples/grid_city.toml --seed 1 --out out/grid-city --quiet
python3 - out/grid-city/summary.json <<'PY' 2>/dev/null || cat out/grid-city/summary.json
import json, sys
s = json.load(open(sys.argv[1]))
print(f'  trades {s["trades"]}, mean price {s["mean_price_per_kwh"]:.3f} per kWh, '
      f'buyers worse off than the grid: {s["buyers_worse_off_than_grid"]} of {s["buyers"]}, '
      f'trades above the outside option: {s["outside_option_violations"]}')
PY

echo
echo "== v2v experiment all --out out/experiments"
"$V2V" experiment all --out out/experiments
echo
echo "Report with every figure: out/experiments/report.md (mechanism table: out/experiments/mechanisms.csv)"

echo
echo "== v2v testnet start --nodes 4 --vehicles 40 --t-limit 4 --dir out/demo-testnet   (RSU nodes on loopback)"
rm -rf out/demo-testnet out/demo-fleet
"$V2V" testnet start --nodes 4 --vehicles 40 --t-limit 4 --dir out/demo-testnet --period 1
[ "$KEEP_TESTNET" = 1 ] || trap '"$V2V" testnet stop --dir out/demo-testnet >/dev/null 2>&1 || true' EXIT
python3 - out/demo-testnet/testnet.json <<'PY'
import json, sys
for n in json.load(open(sys.argv[1]))["nodes"]:
    print(f"  {n['name']}: explorer {n['rpc']}/")
PY

echo
echo "== v2v fleet --testnet out/demo-testnet --scenario examples/fleet_city.toml --vehicles 40 --seconds 20 --time-scale 30"
echo "   (40 vehicles of the simulator, each a WebSocket+TLS client of its nearest RSU: bid, trade, meter, settle)"
"$V2V" fleet --testnet out/demo-testnet --scenario examples/fleet_city.toml --vehicles 40 --seconds 20 \
  --time-scale 30 --drain 15 --seed 1 --out out/demo-fleet

echo
echo "== the four RSU nodes' heads"
python3 - out/demo-testnet/testnet.json <<'PY'
import json, sys, time, urllib.request
def head(url):
    req = urllib.request.Request(url, data=json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "chain_head"}).encode(),
        headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=5))["result"]
nodes = json.load(open(sys.argv[1]))["nodes"]
for attempt in range(10):
    heads = [head(n["rpc"]) for n in nodes]
    if len({h["hash"] for h in heads}) == 1:
        break
    time.sleep(0.3)
for n, h in zip(nodes, heads):
    print(f"  {n['name']}: height {h['height']}  head {h['hash'][:16]}  total difficulty {h['total_difficulty']}")
print("  the four heads are equal" if len({h["hash"] for h in heads}) == 1 else "  the heads differ (still syncing)")
PY
if [ "$KEEP_TESTNET" = 1 ]; then
  echo
  echo "The testnet keeps running (KEEP_TESTNET=1): open the explorers above in a browser;"
  echo "stop it with: $V2V testnet stop --dir out/demo-testnet   (then: $V2V audit --data out/demo-testnet/node-0/data)"
  exit 0
fi
"$V2V" testnet stop --dir out/demo-testnet
trap - EXIT

echo
echo "== v2v audit --data out/demo-testnet/node-0/data   (replays rsu-0's chain from genesis)"
"$V2V" audit --data out/demo-testnet/node-0/data
echo "  logs: out/demo-testnet/node-*/node.log (one JSON object per line); trades: out/demo-fleet/trades.csv"
