#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each, starting from its seed corpus,
# JOBS targets at a time (default: the number of cores; each target is one process).
set -euo pipefail
BUILD=$1
SECONDS_EACH=${2:-30}
JOBS=${3:-$(nproc)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# One target: its own corpus copy; its report in $WORK/<name>.out, its status in <name>.rc.
fuzz_one() {
  local target=$1 name corpus
  name=$(basename "$target" _fuzz)
  corpus="$WORK/$name.corpus"
  mkdir -p "$corpus"
  cp -r "$ROOT/tests/fuzz/corpus/$name/." "$corpus/" 2>/dev/null || true
  {
    echo "== fuzz $name for ${SECONDS_EACH}s"
    # First every seed file whole, as ctest's replayer runs them in the release build (the
    # fuzzing run below truncates inputs to -max_len): a finding here fails the target.
    local seeds=("$ROOT/tests/fuzz/corpus/$name"/*)
    if [ -e "${seeds[0]}" ] && ! "$target" "${seeds[@]}" >"$WORK/$name.replay" 2>&1; then
      echo "replay of the seed corpus failed:"
      tail -40 "$WORK/$name.replay"
      echo 1 > "$WORK/$name.rc"
    elif "$target" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
         -print_final_stats=1 "$corpus" 2>"$WORK/$name.log"; then
      grep -E "stat::number_of_executed_units|Done" "$WORK/$name.log" | tail -2
      echo 0 > "$WORK/$name.rc"
    else
      tail -40 "$WORK/$name.log"
      echo 1 > "$WORK/$name.rc"
    fi
  } > "$WORK/$name.out"
  rm -rf "$corpus"
}

running=0
for target in "$BUILD"/fuzz/*_fuzz; do
  if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
  fuzz_one "$target" &
  running=$((running + 1))
done
wait || true

status=0
for target in "$BUILD"/fuzz/*_fuzz; do
  name=$(basename "$target" _fuzz)
  cat "$WORK/$name.out" 2>/dev/null || echo "== fuzz $name: no report"
  [ "$(cat "$WORK/$name.rc" 2>/dev/null)" = 0 ] || status=1
done
exit $status
