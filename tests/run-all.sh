#!/usr/bin/env bash
# run-all.sh: every Pairpad test suite, as `make test` runs it.
#   1. the C suites (core, daemon over SQLite and a real PostgreSQL) built
#      with AddressSanitizer + UndefinedBehaviorSanitizer;
#   2. the browser client: typecheck, vitest unit tests, build, and the
#      end-to-end tests in headless Chromium against the real daemon;
#   3. the libFuzzer targets, briefly, from their seed corpora.
# Ends with the line "N passed, N failed" and a non-zero status on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${TEST_BUILD:-build-test}
fuzz_build=${FUZZ_BUILD:-build-fuzz}
fuzz_seconds=${FUZZ_SECONDS:-20}
pg_dir=$(mktemp -d /tmp/pairpad-pg.XXXXXX)
pg_port=${PG_PORT:-54329}
fuzz_passed=0
fuzz_failed=0

xvfb_pid=""
cleanup() {
  tests/postgres.sh stop "$pg_dir"
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null; wait "$xvfb_pid" 2>/dev/null; fi
}
trap cleanup EXIT

set -e
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=debugoptimized -Db_sanitize=address,undefined \
    -Dtests=true -Dbenchmarks=true -Dapp=auto
else
  # Build dirs made while the app option defaulted to disabled keep that value.
  meson configure "$build" -Dapp=auto >/dev/null
fi
ninja -C "$build"

echo "== Starting PostgreSQL on port $pg_port"
export PAIRPAD_TEST_POSTGRES_URL=$(tests/postgres.sh start "$pg_dir" "$pg_port")
set +e

echo "== Starting Xvfb for the desktop app's tests"
# -displayfd: Xvfb picks a free display and writes its number when ready.
rm -f "$build/xvfb.display"
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5>"$build/xvfb.display" \
  >"$build/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$build/xvfb.display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n 1 "$build/xvfb.display")"
echo "Xvfb on $DISPLAY"

echo "== C suites (ASan + UBSan)"
meson test -C "$build" --print-errorlogs --num-processes 2 --no-rebuild
meson_status=$?

echo "== Browser client: typecheck, unit tests, build"
web_passed=0
web_failed=0
count_step() { if "$@"; then web_passed=$((web_passed + 1)); else web_failed=$((web_failed + 1)); fi; }
count_step bash -c "cd frontend && npx tsc --noEmit"
(cd frontend && npx vitest run --reporter=default --reporter=json \
   --outputFile="$top/$build/vitest.json")
if [ -f "$build/vitest.json" ]; then
  read -r vp vf < <(jq -r '"\(.numPassedTests) \(.numFailedTests + .numRuntimeErrorTestSuites)"' \
                      "$build/vitest.json")
  web_passed=$((web_passed + vp))
  web_failed=$((web_failed + vf))
else
  web_failed=$((web_failed + 1))
fi
count_step bash -c "cd frontend && npx vite build --logLevel warn"

echo "== Browser end to end (headless Chromium, real pairpadd)"
export PAIRPADD="$top/$build/src/daemon/pairpadd"
export PAIRPAD_SCREENSHOTS="$top/$build/screenshots"
# The daemon is the sanitized build: the end-to-end tests check its clean exit too.
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:print_suppressions=0
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
e2e_report="$top/$build/e2e.tap"
(cd frontend && node --test --test-reporter=tap --test-concurrency=1 e2e/ | tee "$e2e_report")
e2e_passed=$(grep -c '^ok ' "$e2e_report" || true)
e2e_failed=$(grep -c '^not ok ' "$e2e_report" || true)
web_passed=$((web_passed + e2e_passed))
web_failed=$((web_failed + e2e_failed))

echo "== Fuzzing (${fuzz_seconds} s per target)"
fuzz_report=$(FUZZ_BUILD="$fuzz_build" tests/fuzz/run-fuzz.sh "$fuzz_seconds" || true)
echo "$fuzz_report"
fuzz_passed=$(grep -c ': OK' <<<"$fuzz_report" || true)
fuzz_failed=$(grep -c 'FAILED' <<<"$fuzz_report" || true)

read -r passed failed skipped < <(python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
results = [json.loads(line) for line in open(sys.argv[1])]
ok = sum(r["result"] == "OK" for r in results)
bad = sum(r["result"] in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS") for r in results)
skip = sum(r["result"] == "SKIP" for r in results)
print(ok, bad, skip)
PY
)
passed=$((passed + fuzz_passed + web_passed))
failed=$((failed + fuzz_failed + web_failed))
if [ "$meson_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
