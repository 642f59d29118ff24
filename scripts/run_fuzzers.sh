#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each, starting from its seed corpus.
set -euo pipefail
BUILD=$1
SECONDS_EACH=${2:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
status=0
for target in "$BUILD"/fuzz/*_fuzz; do
  name=$(basename "$target" _fuzz)
  corpus=$(mktemp -d)
  cp -r "$ROOT/tests/fuzz/corpus/$name/." "$corpus/" 2>/dev/null || true
  echo "== fuzz $name for ${SECONDS_EACH}s"
  if ! "$target" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 "$corpus" 2>"$corpus.log"; then
    tail -40 "$corpus.log"; status=1
  else
    grep -E "stat::number_of_executed_units|Done" "$corpus.log" | tail -2
  fi
  rm -rf "$corpus" "$corpus.log"
done
exit $status
