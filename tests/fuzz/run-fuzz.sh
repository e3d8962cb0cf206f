#!/usr/bin/env bash
# run-fuzz.sh: builds the libFuzzer targets (clang, ASan+UBSan) and runs each
# for SECONDS, from its seed corpus. Prints one "fuzz-NAME: OK|FAILED" line per
# target; exits non-zero when one found a crash.
#   tests/fuzz/run-fuzz.sh [SECONDS]        (make fuzz: an hour per target)
# New inputs that widen coverage are kept in build-fuzz/corpus-NAME, so a
# long run can be continued; a crash leaves its input in build-fuzz/.
set -uo pipefail

seconds=${1:-20}
build=${FUZZ_BUILD:-build-fuzz}
targets=(frame op websocket)
failed=0

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzzing=true -Ddaemon=disabled -Dtests=false -Dbenchmarks=false \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
if ! ninja -C "$build" "${targets[@]/#/tests/fuzz/fuzz-}" >/dev/null; then
  echo "fuzz targets: build FAILED"
  exit 1
fi

for target in "${targets[@]}"; do
  corpus="$build/corpus-$target"
  mkdir -p "$corpus"
  if "$build/tests/fuzz/fuzz-$target" -max_total_time="$seconds" \
       -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$build/" \
       "$corpus" "tests/fuzz/corpus/$target" >"$build/fuzz-$target.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz-$target.log" | grep -o '[0-9]*$')
    echo "fuzz-$target: OK, ${runs:-?} inputs in ${seconds} s"
  else
    echo "fuzz-$target: FAILED (see $build/fuzz-$target.log)"
    tail -n 30 "$build/fuzz-$target.log"
    failed=1
  fi
done

exit "$failed"
