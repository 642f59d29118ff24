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

# The sanitizer builds keep assertions on (Debug) but optimise a little (-O1, as ASan advises)
# and keep line tables only (-g1): reports still name file and line, the build is a third faster.
SANITIZE_FLAGS := -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" "-DCMAKE_C_FLAGS_DEBUG=-O1 -g1"

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (CI runs this too).
asan: setup
	@cmake -S . -B $(BUILD)-asan -G Ninja $(SANITIZE_FLAGS) -DV2V_SANITIZE=ON -DV2V_BENCH=OFF $(LAUNCHER) > /dev/null
	@cmake --build $(BUILD)-asan -j $(JOBS)
	@ctest --test-dir $(BUILD)-asan --output-on-failure -j $(JOBS) -LE slow

# libFuzzer targets (clang), each run for FUZZ_SECONDS, JOBS targets at a time.
FUZZ_SECONDS ?= 30
fuzz: setup
	@CC=clang CXX=clang++ cmake -S . -B $(BUILD)-fuzz -G Ninja $(SANITIZE_FLAGS) -DV2V_FUZZ=ON -DV2V_BENCH=OFF $(LAUNCHER) > /dev/null
	@cmake --build $(BUILD)-fuzz -j $(JOBS) --target fuzz_targets
	@bash scripts/run_fuzzers.sh $(BUILD)-fuzz $(FUZZ_SECONDS) $(JOBS)

bench: build
	@$(BUILD)/bin/bench_allocate

format:
	@clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz
