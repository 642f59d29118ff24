#!/usr/bin/env bash
# Installs every Debian package v2vtrade needs to build, test, benchmark and run its demo.
# Idempotent: installs only what is missing. Works as root or through sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  ccache                              # compiler cache shared by every checkout (Makefile)
  clang libclang-rt-14-dev            # libFuzzer + sanitizers for the fuzz targets
  clang-format                        # the format check (scripts/check_format.sh, ctest)
  libgtest-dev libgmock-dev googletest  # unit tests
  librapidcheck-dev                   # property tests
  libcli11-dev                        # command-line parsing
  nlohmann-json3-dev                  # JSON
  libglpk-dev                         # LP feasibility check of buyers' minimum demands
  coinor-libipopt-dev                 # general-purpose NLP solver, baseline in bench/
  libssl-dev                          # OpenSSL 3: keys, X.509, hashes
  libsodium-dev                       # fast Ed25519 verification (crypto::Verify)
  openssl                             # the openssl command: cross-checks CA output (tests/ca)
  librocksdb-dev                      # ledger storage
  libjwt-dev                          # JWT (HS256) for the operator HTTP channel (authrpc)
  libboost-dev libboost-system-dev    # Boost.Asio networking
  gnuplot-nox                         # plots
  python3                             # the layering check (scripts/check_layering.py)
  libtomlplusplus-dev                 # TOML scenario files (sim/)
  libexpat1-dev                       # streaming XML: SUMO FCD traces (sim/)
  chromium                            # headless browser for the explorer test (tests/browser)
  dpkg-dev file                       # `make package`: dpkg-shlibdeps, and CPack finds binaries with file
  iproute2 nftables faketime          # the hosts harness: namespaces, partitions, clock skew (tests/hosts)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# apt's and dpkg's output goes to a log, printed only when the install fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup: apt-get failed" >&2
  exit 1
fi
echo "setup: installed ${#missing[@]} packages"
