# Pairpad: the two commands of the README, and a few more for developers.
#   make run    install what is missing, build, serve http://localhost:8000 (SQLite)
#   make test   install what is missing, build with ASan+UBSan, run every suite
#   make bench  build optimized, print the benchmark numbers
#   make run-app  the GTK desktop app, against the daemon of make run
#   make fuzz   every libFuzzer target for FUZZ_SECONDS (an hour) each

BUILD ?= build
PORT ?= 8000
WEB_SOURCES := $(wildcard frontend/src/*.ts frontend/src/*.css frontend/public/*) \
               frontend/index.html frontend/vite.config.ts frontend/package-lock.json

.PHONY: all deps test-deps build web run run-app test bench clean

all: build

deps:
	@build-aux/install-deps.sh

test-deps:
	@build-aux/install-deps.sh --tests

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized -Dtests=false -Dbenchmarks=false

# The browser client, rebuilt when its sources change.
frontend/dist/index.html: $(WEB_SOURCES)
	cd frontend && npm run build

web: frontend/dist/index.html

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@$(MAKE) --no-print-directory web

run: build
	$(BUILD)/src/daemon/pairpadd --port $(PORT)

# The desktop app, against the daemon of `make run` (start that first).
run-app: build
	GSETTINGS_SCHEMA_DIR=$(BUILD)/data $(BUILD)/src/app/pairpad

test: test-deps
	@tests/run-all.sh

bench: deps
	@tests/bench/run-benchmarks.sh build-bench

FUZZ_SECONDS ?= 3600
.PHONY: fuzz
fuzz: test-deps
	@tests/fuzz/run-fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-test build-fuzz build-bench frontend/dist

# The load benchmark: pairpadd (SQLite, PostgreSQL) side by side with ShareDB,
# y-websocket and a WebSocket echo floor, one table per scenario.
#   make bench-load LOAD_ARGS="--quick --markdown"   (see node bench/compare.mjs --help)
.PHONY: bench-load
bench-load: test-deps
	@test -f build-bench/build.ninja || \
	  meson setup build-bench --buildtype=release -Dtests=true -Dbenchmarks=true
	ninja -C build-bench
	cd bench/peers && npm ci --no-audit --no-fund
	node bench/compare.mjs --build build-bench $(LOAD_ARGS)
