#!/usr/bin/env bash
# `make demo`: one trading round of the example market shipped in examples/, as a table.
set -euo pipefail
BUILD=${1:-build}
echo "== v2v allocate --input examples/small_market.json --table"
"$BUILD/bin/v2v" allocate --input examples/small_market.json --table
