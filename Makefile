# The two commands: `make demo` and `make test`. Each installs what is missing first.
BUILD ?= build
JOBS ?= $(shell nproc)
# Release with line tables only (-g1): backtraces name file and line; -g1 compiles about a fifth
# faster than full -g (docs/testing.md, "CI and build time"). For full debug info: make CMAKE_FLAGS=-DCMAKE_BUILD_TYPE=Debug.
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
# ccache (scripts/setup.sh installs it). Paths are rewritten relative to the checkout (base_dir)
# and the build directory is not hashed (hash_dir=false). Within one checkout it hits fully; a
# second clone hits only the files outside unity batches, whose generated batch files name each
# source by absolute path (docs/testing.md, "CI and build time").
LAUNCHER := $(if $(shell command -v ccache 2>/dev/null),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache,)
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

# The sanitizer build: one clang build with AddressSanitizer + UndefinedBehaviorSanitizer and
# libFuzzer's coverage instrumentation everywhere, -O1 (as libFuzzer advises) with line tables
# only (-g1: reports still name file and line). It serves both `make asan` (the unit tests) and
# `make fuzz` (the libFuzzer targets), so CI compiles the project twice, not three times. It
# leaves out the multi-process tests and the node load tools (V2V_NET_TESTS=OFF): `make asan`
# does not run them, and compiling them under ASan cost CI minutes for nothing.
SAN_BUILD ?= $(BUILD)-san
SAN_FLAGS := -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" "-DCMAKE_C_FLAGS_DEBUG=-O1 -g1" \
             -DV2V_SANITIZE=ON -DV2V_FUZZ=ON -DV2V_BENCH=OFF -DV2V_NET_TESTS=OFF

.PHONY: setup configure build demo test package san-build asan fuzz bench format clean

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) $(LAUNCHER) > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The Debian package (docs/package.md): the release build's v2v (only that target), the systemd
# unit template and the docs, by CPack; prints the .deb's path. Its line tables go to a
# v2vtrade-dbgsym .ddeb beside it. `ctest -L package` checks it and starts a node from it.
package: configure
	@cmake --build $(BUILD) -j $(JOBS) --target v2v
	@cpack --config $(BUILD)/CPackConfig.cmake -B $(BUILD) > $(BUILD)/cpack.log 2>&1 || { cat $(BUILD)/cpack.log; exit 1; }
	@sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$$/\1/p' $(BUILD)/cpack.log

san-build: setup
	@CC=clang CXX=clang++ cmake -S . -B $(SAN_BUILD) -G Ninja $(SAN_FLAGS) $(LAUNCHER) > /dev/null
	@cmake --build $(SAN_BUILD) -j $(JOBS)

# Every test but the multi-process ones (label net) and the numerical accuracy ones (label numeric)
# under ASan+UBSan. The net tests start real node processes and wait on block times; the numeric
# ones are long Monte Carlo runs of code the unit tests cover. Both run once, against the release
# build, in `make test`.
asan: san-build
	@ctest --test-dir $(SAN_BUILD) --output-on-failure -j $(JOBS) -LE 'net|numeric|package|hosts'

# libFuzzer targets, each run for FUZZ_SECONDS, JOBS at a time.
FUZZ_SECONDS ?= 30
fuzz: san-build
	@bash scripts/run_fuzzers.sh $(SAN_BUILD) $(FUZZ_SECONDS) $(JOBS)

bench: build
	@$(BUILD)/bin/bench_allocate

format:
	@clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(BUILD)-asan $(BUILD)-fuzz
