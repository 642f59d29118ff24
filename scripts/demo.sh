#!/usr/bin/env bash
# `make demo`: one trading round of the example market, a short city simulation, and the paper's
# experiments (Figs. 4-14 + the mechanism table) with a summary. About 10 s on 2 cores.
set -euo pipefail
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
        ("wall time (s)", s["wall_s"])]
w = max(len(k) for k, _ in rows)
for k, v in rows:
    print(f"  {k:<{w}}  {v}")
PY
echo "  outputs: out/demo-city/{trades.csv,rounds.csv,summary.json}"

echo
echo "== v2v experiment all --out out/experiments"
"$V2V" experiment all --out out/experiments
echo
echo "Report with every figure: out/experiments/report.md (mechanism table: out/experiments/mechanisms.csv)"
