#!/usr/bin/env bash
# The hosts harness with one RSU run from the Debian package (ctest hosts_faults_seed6; docs/
# testing.md, "RSUs on separate hosts"): cpack builds the .deb into a temp dir, dpkg-deb extracts
# it into a temp root, and tests/hosts/hosts_test.py runs with --packaged-binary pointing at the
# extracted /usr/bin/v2v (the file a `dpkg -i` installs; nothing is installed on this machine).
# Without root, or without dpkg-deb, the harness's own skip applies (exit 77, one line says why)
# and no package is built.
# Usage: with_package.sh CPACK BUILD_DIR HOSTS_TEST_ARGS...
set -euo pipefail
CPACK=$1
BUILD=$(cd "$2" && pwd)
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" -ne 0 ] || ! command -v dpkg-deb >/dev/null 2>&1; then
  exec python3 "$HERE/hosts_test.py" "$@"  # skips (not root), or runs without the package
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/v2v-hosts-package.XXXXXX")
trap 'rm -rf "$T"' EXIT
if ! "$CPACK" --config "$BUILD/CPackConfig.cmake" -B "$T/pkg" >"$T/cpack.log" 2>&1; then
  cat "$T/cpack.log"
  echo "with_package: cpack failed" >&2
  exit 1
fi
debs=("$T"/pkg/v2vtrade_*.deb)
dpkg-deb -x "${debs[0]}" "$T/root"
echo "with_package: $(basename "${debs[0]}") extracted; one RSU runs $T/root/usr/bin/v2v"
python3 "$HERE/hosts_test.py" "$@" --packaged-binary "$T/root/usr/bin/v2v"
