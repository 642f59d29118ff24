# The two commands: `make demo` and `make test`. Each installs what is missing first.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
# ccache, when the machine has it (developers' worktrees share one cache; CI builds without it).
LAUNCHER := $(if $(shell command -v ccache 2>/dev/null),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache,)

.PHONY: setup build demo test asan fuzz bench format clean

setup:
	@bash scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) $(LAUNCHER) > /dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# One clang build serves `make asan` and `make fuzz`: AddressSanitizer + UndefinedBehaviorSanitizer
# (any finding aborts) and libFuzzer's coverage instrumentation on the whole tree, assertions on
# (Debug), a little optimisation (-O1, as ASan advises) and line tables only (-g1): reports still
# name file and line. `make asan` runs every test but the `slow` ones in it; `make fuzz` links the
# libFuzzer targets from the same objects and runs each for FUZZ_SECONDS, JOBS at a time.
SANITIZE_BUILD := $(BUILD)-asan
SANITIZE_CONFIGURE := CC=clang CXX=clang++ cmake -S . -B $(SANITIZE_BUILD) -G Ninja \
	-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" "-DCMAKE_C_FLAGS_DEBUG=-O1 -g1" \
	-DV2V_SANITIZE=ON -DV2V_FUZZ=ON -DV2V_BENCH=OFF $(LAUNCHER) > /dev/null

asan: setup
	@$(SANITIZE_CONFIGURE)
	@cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	@ctest --test-dir $(SANITIZE_BUILD) --output-on-failure -j $(JOBS) -LE slow

FUZZ_SECONDS ?= 30
fuzz: setup
	@$(SANITIZE_CONFIGURE)
	@cmake --build $(SANITIZE_BUILD) -j $(JOBS) --target fuzz_targets
	@bash scripts/run_fuzzers.sh $(SANITIZE_BUILD) $(FUZZ_SECONDS) $(JOBS)

bench: build
	@$(BUILD)/bin/bench_allocate

format:
	@clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf $(BUILD) $(BUILD)-asan
