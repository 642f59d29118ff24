#!/usr/bin/env bash
# Checks that every C++ file tracked by git is formatted as .clang-format says (100 columns,
# Google base). Prints each file that is not and exits 1; `make format` rewrites them.
set -euo pipefail
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$ROOT"
command -v clang-format >/dev/null || { echo "check_format: clang-format is not installed" >&2; exit 1; }
bad=0
while IFS= read -r -d '' f; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (run: clang-format -i $f)"
    bad=$((bad + 1))
  fi
done < <(git ls-files -z '*.h' '*.cc')
if [ "$bad" -gt 0 ]; then
  echo "check_format: $bad file(s) not formatted; \`make format\` fixes them" >&2
  exit 1
fi
echo "check_format: every tracked .h/.cc file is formatted"
