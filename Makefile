# Pairpad: the two commands of the README, and a few more for developers.
#   make run    install what is missing, build, serve http://localhost:8000 (SQLite)
#   make test   install what is missing, build with ASan+UBSan, run every suite
#   make bench  build optimized, print the benchmark numbers

BUILD ?= build
TEST_BUILD ?= build-test
FUZZ_BUILD ?= build-fuzz
PORT ?= 8000

.PHONY: all deps test-deps build run test bench clean

all: build

deps:
	@build-aux/install-deps.sh

test-deps:
	@build-aux/install-deps.sh --tests

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized -Dtests=false -Dbenchmarks=false

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	$(BUILD)/src/daemon/pairpadd --port $(PORT)

test: test-deps
	@tests/run-all.sh

bench: deps
	@tests/bench/run-benchmarks.sh build-bench

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD)
